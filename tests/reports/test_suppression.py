"""Small-cell suppression: counts from 1 to 4 hidden, and no hidden count can be worked out from
a table's total or from a fiscal year and its months. An independent brute-force search checks
every case: it tries every value the hidden cells could hold and requires at least two possible
values for each small cell."""

from datetime import date

import pytest

from reports import selectors, services, suppression
from reports.periods import fiscal_year_period, month_period


def possible_values(values, status, groups):
    """For each small cell, the values consistent with what is shown: an exhaustive search over
    the hidden cells (1–4 for "<5", 5 or more for "x") with every equation checked, independent
    of the suppression code's own reasoning."""
    hidden = sorted((cell for cell in values if status[cell] != suppression.SHOWN), key=repr)
    ceiling = sum(values.values())
    domains = {cell: (1, 4) if status[cell] == suppression.SMALL else (5, ceiling) for cell in hidden}
    shown = {cell: values[cell] for cell in values if status[cell] == suppression.SHOWN}

    def consistent(assigned):
        for cells, total in groups:
            low = high = 0
            for cell in cells:
                value = shown.get(cell, assigned.get(cell))
                low += value if value is not None else domains[cell][0]
                high += value if value is not None else domains[cell][1]
            target = shown.get(total, assigned.get(total))
            target_low, target_high = (target, target) if target is not None else domains[total]
            if high < target_low or low > target_high:
                return False
        return True

    def feasible(assigned, remaining):
        if not consistent(assigned):
            return False
        if not remaining:
            return True
        cell, rest = remaining[0], remaining[1:]
        low, high = domains[cell]
        return any(feasible({**assigned, cell: value}, rest) for value in range(low, high + 1))

    found = {}
    for cell in hidden:
        if status[cell] == suppression.SMALL:
            others = [other for other in hidden if other != cell]
            found[cell] = {value for value in range(1, 5) if feasible({cell: value}, others)}
    return found


def assert_protected(values, groups):
    status = suppression.protect(values, groups)
    for cell, options in possible_values(values, status, groups).items():
        assert values[cell] in options
        assert len(options) >= 2, f"{cell} can be worked out: {options}"
    return status


def test_a_small_cell_alone_is_recoverable_from_the_total_so_another_is_hidden():
    values = {"a": 2, "b": 10, "c": 20, "total": 32}
    status = assert_protected(values, [(["a", "b", "c"], "total")])
    assert status == {"a": "small", "b": "hidden", "c": "shown", "total": "shown"}


def test_hiding_a_five_next_to_a_one_is_not_enough():
    """1 + 5 = 6: the hidden pair is pinned (the 1 cannot be more without the 5 being less than 5)."""
    values = {"a": 1, "b": 5, "c": 30, "total": 36}
    status = assert_protected(values, [(["a", "b", "c"], "total")])
    assert status["c"] == "hidden"


def test_two_fours_making_eight_hide_the_total():
    values = {"a": 4, "b": 4, "total": 8}
    status = assert_protected(values, [(["a", "b"], "total")])
    assert status["total"] == "hidden"


def test_a_month_cannot_be_worked_out_from_the_year():
    values = {"m1": 2, "m2": 7, "m3": 9, "year": 18}
    status = assert_protected(values, [(["m1", "m2", "m3"], "year")])
    assert status["m1"] == "small" and status["m2"] == "hidden"


def test_a_table_of_months_and_categories_is_protected_both_ways():
    """Two categories over three months and the year: rows add up to each month's total and
    columns to the year's."""
    values = {
        ("m1", "x"): 3, ("m2", "x"): 6, ("m3", "x"): 6, ("year", "x"): 15,
        ("m1", "y"): 9, ("m2", "y"): 6, ("m3", "y"): 8, ("year", "y"): 23,
        ("m1", ""): 12, ("m2", ""): 12, ("m3", ""): 14, ("year", ""): 38,
    }  # fmt: skip
    groups = [([(period, "x"), (period, "y")], (period, "")) for period in ("m1", "m2", "m3", "year")]
    groups += [([("m1", code), ("m2", code), ("m3", code)], ("year", code)) for code in ("x", "y", "")]
    assert_protected(values, groups)


# --- Through the API ---------------------------------------------------------------------------------


@pytest.fixture
def volunteer_year(world):
    """Fiscal year 2023: every month 10 interventions by the welcome team and 6 by volunteers,
    except May: 2 by volunteers. The year shows 68 volunteer interventions."""
    (person,) = world.people(1)
    for month in range(12):
        first = month_period(date(2023 + (month + 3) // 12, (month + 3) % 12 + 1, 1)).start
        world.interventions([first] * 10, [[person]] * 10, team="welcome_team")
        volunteers = 2 if first == date(2023, 5, 1) else 6
        world.interventions([first] * volunteers, [[person]] * volunteers, team="volunteer")
    year = fiscal_year_period(2023)
    for period in [year, *year.months()]:
        services.rollup_store(period=period)
    return world


def team_table(api, user, query):
    api.force_authenticate(user)
    response = api.get("/api/v1/reports/interventions/", query)
    assert response.status_code == 200, response.json()
    return next(table for table in response.json()["tables"] if table["key"] == "interventions.team")


def test_the_liaison_sees_lt5_and_a_complementary_cell_and_the_coordinator_the_count(api, volunteer_year):
    may = {"period": "month", "month": "2023-05"}
    table = team_table(api, volunteer_year.liaison, may)
    rows = {row["code"]: row for row in table["rows"]}
    assert rows["volunteer"]["display"] == "<5" and rows["volunteer"]["value"] is None
    assert rows["welcome_team"]["display"] == "x" and rows["welcome_team"]["value"] is None
    assert table["total"]["value"] == 12
    rows = {row["code"]: row for row in team_table(api, volunteer_year.coordinator, may)["rows"]}
    assert rows["volunteer"]["value"] == 2


def test_the_year_minus_the_other_months_does_not_give_the_hidden_month(api, volunteer_year):
    year = team_table(api, volunteer_year.liaison, {"period": "fiscal_year", "year": "2023"})
    year_volunteers = {row["code"]: row for row in year["rows"]}["volunteer"]["value"]
    assert year_volunteers == 68
    months = []
    for period in fiscal_year_period(2023).months():
        table = team_table(api, volunteer_year.liaison, period.query())
        months.append({row["code"]: row for row in table["rows"]}["volunteer"])
    hidden = [month for month in months if month["value"] is None]
    assert len(hidden) >= 2, "one hidden month would be the year minus the others"
    rest = year_volunteers - sum(month["value"] for month in months if month["value"] is not None)
    small = [month for month in hidden if month["display"] == "<5"]
    others = len(hidden) - len(small)
    assert len({value for value in range(1, 5) if rest - value >= 5 * others}) >= 2


def test_overlapping_custom_ranges_are_refused_outside_the_hub(api, volunteer_year):
    api.force_authenticate(volunteer_year.liaison)
    for query in (
        {"period": "custom", "start": "2023-04-01", "end": "2024-03-31"},
        {"period": "custom", "start": "2023-06-01", "end": "2024-03-31"},
    ):
        response = api.get("/api/v1/reports/interventions/", query)
        assert response.status_code == 422
        assert response.json()["code"] == "custom_range_hub_only"
    # The fiscal year's first month is a setting, not something a request can shift.
    response = api.get("/api/v1/reports/interventions/", {"period": "fiscal_year", "year": "2023", "start_month": 5})
    assert response.json()["period"]["start"] == "2023-04-01"


def walk_counts(node):
    if isinstance(node, dict):
        if "display" in node and "value" in node:
            yield node["value"]
        for child in node.values():
            yield from walk_counts(child)
    elif isinstance(node, list):
        for child in node:
            yield from walk_counts(child)


def test_no_count_from_one_to_four_reaches_a_liaison(api, volunteer_year):
    api.force_authenticate(volunteer_year.liaison)
    for section in ("interventions", "people", "needs", "referrals"):
        for query in ({"period": "month", "month": "2023-05"}, {"period": "fiscal_year", "year": "2023"}):
            body = api.get(f"/api/v1/reports/{section}/", query).json()
            tables = body["tables"]
            assert not [value for value in walk_counts(tables) if value is not None and 1 <= value <= 4]
    series = api.get("/api/v1/reports/timeseries/", {"period": "fiscal_year", "year": "2023"}).json()
    for line in series["series"]:
        assert not [p for p in line["points"] if p["value"] is not None and 1 <= p["value"] <= 4]


def test_exports_are_suppressed_even_for_the_coordinator(volunteer_year):
    report = selectors.section_report(
        user=volunteer_year.coordinator, section="interventions", period=month_period(date(2023, 5, 1)), for_export=True
    )
    team = next(table for table in report["tables"] if table["key"] == "interventions.team")
    assert {row["code"]: row["display"] for row in team["rows"]}["volunteer"] == "<5"


@pytest.mark.parametrize("seed", range(40))
def test_random_small_tables_of_months_and_categories(seed):
    """Random 3 months × 2 categories with small cells, checked by brute force."""
    import random

    generator = random.Random(seed)
    values, groups = {}, []
    for month in ("m1", "m2", "m3"):
        for category in ("x", "y"):
            values[month, category] = generator.choice([0, 1, 2, 3, 4, 5, 6, 7, 9, 12])
        values[month, ""] = values[month, "x"] + values[month, "y"]
        groups.append(([(month, "x"), (month, "y")], (month, "")))
    for category in ("x", "y", ""):
        values["year", category] = sum(values[month, category] for month in ("m1", "m2", "m3"))
        groups.append(([("m1", category), ("m2", category), ("m3", category)], ("year", category)))
    groups.append(([("year", "x"), ("year", "y")], ("year", "")))
    assert_protected(values, groups)
