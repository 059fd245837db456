import pytest

from tests.reports.world import build_reports_world


@pytest.fixture(autouse=True)
def april_fiscal_year(settings):
    settings.REPORTS_FISCAL_YEAR_START_MONTH = 4


@pytest.fixture
def world(db):
    return build_reports_world()
