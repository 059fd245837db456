"""Suppression relies only on equations that hold: for every table of the catalogue, each
equation the suppression uses (a table's cells and its total, a year's cell and its months') is
checked against the unsuppressed stored figures of a fiscal year, and no suppressed cell can be
worked out from those equations and what a liaison is shown."""

from datetime import date

import pytest

from people.choices import MilestoneKind
from people.models import Milestone
from reports import selectors, services, suppression
from reports.catalogue import SECTIONS, TABLES, total_additive
from reports.models import RollupFigure
from reports.periods import fiscal_year_period

YEAR = fiscal_year_period(2023)


@pytest.fixture
def year_world(world):
    """Fiscal year 2023 (April to March). New people every month: children born in 2010 (under
    18 all year), one born on 15 January 2006 who came in June (17 at the end of June, 18 at the end of
    March: one more under-18 across the months than in the year), adults of 30; one person came in July
    before claiming, and claimed in September (pre-claim in July, awaiting eligibility in the
    year). Interventions every month, some about two needs (they count in each need)."""
    months = YEAR.months()
    for number, month in enumerate(months):
        world.people(1 + number % 2, date_of_birth=date(2010, 1, 1), first_intake_date=month.start)
        world.people(3 + number % 4, date_of_birth=date(1993, 1, 1), first_intake_date=month.start)
    (turning,) = world.people(1, date_of_birth=date(2006, 1, 15), first_intake_date=date(2023, 6, 10))
    (claimant,) = world.people(1, claim_pathway="not_yet_claimed", first_intake_date=date(2023, 7, 3))
    Milestone.objects.create(person=claimant, kind=MilestoneKind.CLAIM_MADE, occurred_on=date(2023, 9, 12))
    for number, month in enumerate(months):
        world.interventions([month.start] * (6 + number % 3), [[turning]] * (6 + number % 3), team="welcome_team")
        world.interventions(
            [month.start] * (1 + number % 4),
            [[claimant]] * (1 + number % 4),
            team="volunteer",
            need_categories=["food", "housing_emergency"],
        )
    services.rollups_store(periods=[YEAR, *months])
    return world


def stored_count(measure, dimension, value, period):
    row = RollupFigure.objects.filter(
        period__kind=period.kind, period__start=period.start, measure=measure, dimension=dimension, value=value
    ).first()
    return row.count if row else 0


def test_the_year_is_not_the_sum_of_its_months_for_the_age_band_nor_the_claim_stage(year_world):
    """Why those two tables carry no year equation: the figures themselves disagree."""
    months = YEAR.months()
    for dimension, value in (("age_band", "0_17"), ("claim_stage", "pre_claim")):
        year = stored_count("new_people", dimension, value, YEAR)
        across = sum(stored_count("new_people", dimension, value, month) for month in months)
        assert year == across - 1, (dimension, year, across)
    # June: 8 interventions by the welcome team, 3 by volunteers about two needs each.
    june = months[2]
    needs = sum(stored_count("interventions", "need_category", code, june) for code in ("food", "housing_emergency"))
    assert (needs, stored_count("interventions", "", "", june)) == (6, 11)


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_equation_the_suppression_uses_holds(year_world, section):
    values, groups = selectors.equations(section, YEAR)
    assert groups
    for cells, total in groups:
        assert sum(values[cell] for cell in cells) == values[total], (total, [values[cell] for cell in cells])


@pytest.mark.django_db
def test_every_table_declares_its_equations_and_they_are_used():
    """A table's equations are used exactly as declared (no silent extra equation)."""
    used = {}
    for section in SECTIONS:
        for cells, total in selectors.equations(section, YEAR)[1]:
            kind, _start, measure, dimension, _value = total
            first = cells[0] if cells else None
            if first and first[2:4] == (measure, dimension):
                used.setdefault(("year", measure, dimension), True)
            elif first:
                used.setdefault(("total", first[2], first[3]), True)
    for table in TABLES:
        if table.dimension:
            assert used.get(("year", table.measure, table.dimension), False) == table.additive, table.key
        else:
            assert used.get(("year", table.measure, ""), False) == total_additive(table.measure), table.key


def test_no_table_declares_an_equation_the_figures_deny():
    declared = {table.key: (table.additive, table.sums_to_total) for table in TABLES}
    assert declared["new_people.age_band"] == (False, True)
    assert declared["new_people.claim_stage"] == (False, True)
    assert declared["new_people.gender_identity"] == (True, True)
    assert declared["interventions.need_category"] == (True, False)
    assert declared["people.age_band"][0] is False


@pytest.mark.parametrize("section", list(SECTIONS))
def test_no_suppressed_cell_can_be_worked_out(year_world, section):
    """With every equation that holds and every shown figure of the year and its months, each
    "<5" cell keeps at least two possible values."""
    values, groups = selectors.equations(section, YEAR)
    status = {}
    for period in [YEAR, *YEAR.months()]:
        for measure, dimension, value, state in RollupFigure.objects.filter(
            section=section, period__kind=period.kind, period__start=period.start
        ).values_list("measure", "dimension", "value", "status"):
            status[period.kind, period.start, measure, dimension, value] = state
    status = {cell: status.get(cell, suppression.initial_status(count)) for cell, count in values.items()}
    assert not [cell for cell, count in values.items() if 1 <= count <= 4 and status[cell] == suppression.SHOWN]
    bounds = suppression.possible_ranges(values, status, groups)
    small, _hidden = suppression.pinned_cells(status, bounds)
    assert not small
