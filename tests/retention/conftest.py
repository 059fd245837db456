import pytest

from tests.retention.world import build_retention_world


@pytest.fixture(autouse=True)
def april_fiscal_year(settings):
    settings.REPORTS_FISCAL_YEAR_START_MONTH = 4


@pytest.fixture
def world(db):
    return build_retention_world()
