"""The report reproduces known counts exactly, from the stored figures of a preset period and
from an ad-hoc range computed on the spot, with a bounded number of SQL statements whatever the
volume (the counting is done by the database, not by Python loops)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from people.models import Intervention, Milestone, Need, Person
from reports import compute, selectors, services
from reports.models import ServedMonth
from reports.periods import custom_period, fiscal_year_period, month_period
from tests.reports.world import days_of


def tables_by_key(report) -> dict:
    return {table["key"]: table for table in report["tables"]}


def row_values(table) -> dict:
    return {row["code"]: row["value"] for row in table["rows"]}


@pytest.fixture
def hub_year(world):
    """The hub's 2019–2020 figures: 926 interventions by 203 people (96 women, 105 men, 2 trans
    people), then 178 new people from 1 July 2020 to 30 April 2021, 90 % Spanish-speaking."""
    women = world.people(96, gender_identity="woman", trans_experience="no", preferred_language="es")
    men = world.people(105, gender_identity="man", trans_experience="no", preferred_language="es")
    trans = world.people(2, gender_identity="non_binary", trans_experience="yes", preferred_language="fr")
    everyone = women + men + trans
    # Every person at least once; every tenth intervention has a second person (counted once).
    people_of = [
        [everyone[number % 203]] + ([everyone[(number + 1) % 203]] if number % 10 == 0 else []) for number in range(926)
    ]
    world.interventions(days_of(date(2019, 4, 1), 926, 366), people_of, need_categories=["food", "housing_emergency"])
    # Outside the year: not counted in it.
    world.interventions([date(2019, 3, 31), date(2020, 4, 1)], [[everyone[0]], [everyone[1]]])
    new_es = world.people(160, preferred_language="es", first_intake_date=date(2020, 7, 1))
    world.people(10, preferred_language="ar", first_intake_date=date(2021, 4, 30))
    world.people(8, preferred_language="fr", first_intake_date=date(2020, 12, 15))
    world.people(3, preferred_language="es", first_intake_date=date(2020, 6, 30))
    world.people(3, preferred_language="es", first_intake_date=date(2021, 5, 1))
    Milestone.objects.create(person=new_es[0], kind="claim_made", occurred_on=date(2020, 7, 2))
    Milestone.objects.create(person=new_es[1], kind="decision_accepted", occurred_on=date(2021, 1, 2))
    return world


def test_a_fiscal_year_reproduces_the_hubs_counts_from_stored_figures(hub_year, django_assert_max_num_queries):
    year = fiscal_year_period(2019)
    services.rollup_store(period=year)
    with django_assert_max_num_queries(8):
        report = selectors.section_report(user=hub_year.coordinator, section="people", period=year)
    assert report["suppressed"] is False
    tables = tables_by_key(report)
    assert tables["people"]["total"]["value"] == 203
    gender = row_values(tables["people.gender_identity"])
    assert (gender["woman"], gender["man"], gender["non_binary"]) == (96, 105, 2)
    assert row_values(tables["people.trans_experience"])["yes"] == 2
    assert row_values(tables["people.preferred_language"]) == {
        "fr": 2,
        "en": 0,
        "es": 201,
        "pt": 0,
        "ht": 0,
        "ar": 0,
        "fa": 0,
        "sw": 0,
        "ln": 0,
        "ti": 0,
        "uk": 0,
        "ru": 0,
        "tr": 0,
    }
    assert tables["new_people"]["total"]["value"] == 203  # all had their first intake in April 2019
    interventions = tables_by_key(
        selectors.section_report(user=hub_year.coordinator, section="interventions", period=year)
    )
    assert interventions["interventions"]["total"]["value"] == 926
    assert row_values(interventions["interventions.need_category"])["food"] == 926
    assert row_values(interventions["interventions.team"])["welcome_team"] == 926


def test_an_adhoc_range_counts_new_people_and_languages_exactly(hub_year, django_assert_max_num_queries):
    period = custom_period(date(2020, 7, 1), date(2021, 4, 30))
    with django_assert_max_num_queries(40):
        report = selectors.section_report(user=hub_year.coordinator, section="people", period=period)
    new = tables_by_key(report)["new_people.preferred_language"]
    assert tables_by_key(report)["new_people"]["total"]["value"] == 178
    languages = row_values(new)
    assert (languages["es"], languages["ar"], languages["fr"]) == (160, 10, 8)
    assert round(100 * languages["es"] / 178) == 90
    stages = row_values(tables_by_key(report)["new_people.claim_stage"])
    assert stages["awaiting_eligibility"] == 1 and stages["protected_person"] == 1 and stages["unknown"] == 176
    # Compared with the ten months before.
    assert report["previous_period"]["start"] == date(2019, 9, 1)


def test_stored_and_adhoc_figures_agree(hub_year):
    month = month_period(date(2019, 10, 1))
    services.rollup_store(period=month)
    stored = selectors.stored("people", [month])[month.kind, month.start].values
    live = selectors.live("people", custom_period(month.start, month.end)).values
    assert stored == live


def served_by_code(rows) -> dict:
    return {(dimension, value): count for _section, measure, dimension, value, count in rows if measure == "people"}


def test_a_custom_range_unites_the_stored_months_people_with_the_days_around_them(hub_year, monkeypatch):
    """Starting and ending mid-month, the people served are the stored people of the whole months
    inside (ServedMonth) united with those of the days around them: the same figures as counting
    the range from the interventions, also after an incremental refresh."""
    # Served only in the days around the stored months, or only just outside the range.
    first_days, last_days, outside = (hub_year.people(2, gender_identity="woman") for _ in range(3))
    hub_year.interventions(
        [date(2019, 5, 20), date(2020, 2, 5), date(2019, 5, 14), date(2020, 2, 11)],
        [first_days, last_days, outside[:1], outside[1:]],
    )
    # New in the last days, with a claim stage (their milestones are read apart, being few).
    arrived = hub_year.people(2, first_intake_date=date(2020, 2, 7))
    Milestone.objects.create(person=arrived[0], kind="decision_accepted", occurred_on=date(2020, 2, 8))
    Milestone.objects.create(person=arrived[1], kind="claim_made", occurred_on=date(2020, 2, 11))
    period = custom_period(date(2019, 5, 15), date(2020, 2, 10))
    assert services.rollups_refresh(full=True) > 20
    assert ServedMonth.objects.filter(month=date(2019, 6, 1)).exists()
    used: list = []

    def spy(period, months=()):
        used.append(list(months))
        return compute.people_served(period, months)

    monkeypatch.setitem(compute.NOT_ADDITIVE, "people", spy)

    def served_live() -> dict:
        values = selectors.live("people", period).values.items()
        return {(dimension, value): count for (measure, dimension, value), count in values if measure == "people"}

    direct = served_by_code(compute.people_served(period))
    assert served_live() == direct
    everything = {}
    for _section, measure, dimension, value, count in compute.people(period):
        everything[measure, dimension, value] = everything.get((measure, dimension, value), 0) + count
    assert selectors.live("people", period).values == everything
    assert everything["new_people", "claim_stage", "protected_person"] == 1
    assert [month.start for month in used[-1]] == [date(2019, month, 1) for month in range(6, 13)] + [date(2020, 1, 1)]
    # The four served only in the days around the months are in, the two just outside are not.
    without_edges = served_by_code(compute.people_served(custom_period(date(2019, 6, 1), date(2020, 1, 31))))
    assert direct["", ""] == without_edges["", ""] + 4
    # Written late, for a person served nowhere else in October 2019: the refresh rewrites the
    # month's people, and the range follows.
    yesterday = timezone.now() - timedelta(days=1)
    Intervention.objects.update(created_at=yesterday)
    Person.objects.update(updated_at=yesterday)
    assert services.rollups_refresh() == 2
    late = hub_year.people(1, gender_identity="man")
    hub_year.interventions([date(2019, 10, 9)], [late])
    assert served_live()["", ""] == direct["", ""]  # not yet stored
    services.rollups_refresh()  # October 2019 (and the new person's month of intake) recomputed
    assert served_live() == served_by_code(compute.people_served(period))
    assert served_live()["", ""] == direct["", ""] + 1


def test_the_number_of_statements_does_not_grow_with_the_data(hub_year, django_assert_max_num_queries):
    """Counting is SQL: the same handful of statements for 1,000 rows as for one."""
    year = fiscal_year_period(2019)
    # PostgreSQL groups every breakdown of a measure in one statement; SQLite needs one each.
    with django_assert_max_num_queries(20 if connection.vendor == "postgresql" else 50):
        rows = compute.all_figures(year)
    assert ("interventions", "interventions", "", "", 926) in rows


def test_needs_left_unmet_by_category(world):
    (person,) = world.people(1)
    for category, status in [
        ("food", "unmet_no_resource"),
        ("food", "met"),
        ("housing_emergency", "unmet_no_resource"),
    ]:
        Need.objects.create(
            person=person, category=category, status=status, identified_on=date(2024, 5, 3), recorded_by=world.worker
        )
    report = selectors.section_report(
        user=world.coordinator, section="needs", period=custom_period(date(2024, 5, 1), date(2024, 5, 31))
    )
    tables = tables_by_key(report)
    assert row_values(tables["needs_identified.category"])["food"] == 2
    assert row_values(tables["needs_unmet.category"])["food"] == 1
    assert row_values(tables["needs_unmet.category"])["housing_emergency"] == 1


def test_the_refresh_job_stores_the_months_and_years_that_changed(hub_year):
    assert services.rollups_refresh(full=True) > 20
    stored = selectors.stored("interventions", [fiscal_year_period(2019)])
    assert stored["fiscal_year", date(2019, 4, 1)].values["interventions", "", ""] == 926
    # Pretend the data was written yesterday: nothing changed since the last run, so only the
    # current month and fiscal year are counted again.
    yesterday = timezone.now() - timedelta(days=1)
    Intervention.objects.update(created_at=yesterday)
    Person.objects.update(updated_at=yesterday)
    assert services.rollups_refresh() == 2
    # One intervention recorded late for June 2019: that month and its fiscal year too.
    hub_year.interventions([date(2019, 6, 5)], [[Person.objects.first()]])
    assert services.rollups_refresh() == 4
    stored = selectors.stored("interventions", [fiscal_year_period(2019), month_period(date(2019, 6, 1))])
    assert stored["fiscal_year", date(2019, 4, 1)].values["interventions", "", ""] == 927


def test_referral_outcomes_and_median_times(world):
    from organisations.choices import OrganisationKind
    from referrals.models import Referral
    from tests import factories

    partner = factories.organisation(kind=OrganisationKind.FOOD_AID)
    sent_at = timezone.make_aware(timezone.datetime(2024, 5, 6, 9, 0))
    hours = {"accepted": [2, 4, 10], "declined": [1, 3], "expired": [None]}
    for status, waits in hours.items():
        for wait in waits:
            referral = factories.referral(world.hub, partner, actor=world.worker)
            Referral.objects.filter(pk=referral.pk).update(
                status=status,
                sent_at=sent_at,
                first_response_at=sent_at + timedelta(hours=wait) if wait else None,
                accepted_at=sent_at + timedelta(hours=2 * wait) if status == "accepted" else None,
                decline_reason="no_capacity" if status == "declined" else "",
                decline_side="provider" if status == "declined" else "",
            )
    report = selectors.section_report(
        user=world.coordinator, section="referrals", period=custom_period(date(2024, 5, 1), date(2024, 5, 31))
    )
    tables = tables_by_key(report)
    assert tables["referrals_sent"]["total"]["value"] == 6
    assert row_values(tables["referrals_sent.partner_kind"])["food_aid"] == 6
    assert row_values(tables["referrals_accepted.partner_kind"])["food_aid"] == 3
    assert row_values(tables["referrals_declined.reason"])["no_capacity"] == 2
    assert row_values(tables["referrals_declined.side"]) == {"person": 0, "provider": 2, "other": 0}
    assert row_values(tables["referrals_expired.partner_kind"])["food_aid"] == 1
    figures = {figure["key"]: figure["value"] for figure in report["figures"]}
    assert figures["first_response_median_hours"] == 3.0  # 1, 2, 3, 4, 10 hours
    assert figures["acceptance_median_hours"] == 8.0  # 4, 8, 20 hours


def test_housing_occupancy_stays_and_turn_aways(world):
    from housing.models import Bed, BedAllocation, Room, Site, Stay, UnmetHousingRequest
    from organisations.choices import OrganisationKind
    from tests import factories

    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    site = Site.objects.create(provider=provider, name="Maison", address="1 rue", kind="emergency")
    room = Room.objects.create(site=site, name="A")
    beds = [Bed.objects.create(site=site, room=room, label=str(number)) for number in range(4)]
    people = world.people(2)
    zone = timezone.get_current_timezone()
    for person, bed, (day_in, day_out, destination) in zip(
        people, beds[:2], [(3, 8, "permanent_housing"), (5, 15, "other_shelter")], strict=True
    ):
        checked_in = timezone.datetime(2024, 3, day_in, 15, tzinfo=zone)
        checked_out = timezone.datetime(2024, 3, day_out, 10, tzinfo=zone)
        stay = Stay.objects.create(
            site=site,
            organisation=world.hub,
            person=person,
            checked_in_at=checked_in,
            planned_end_at=checked_out,
            checked_out_at=checked_out,
            exit_destination=destination,
            status="checked_out",
            recorded_by=world.worker,
        )
        BedAllocation.objects.create(bed=bed, kind="stay", starts_at=checked_in, ends_at=checked_out, stay=stay)
    for size in (1, 4, 6, 7):
        request = UnmetHousingRequest.objects.create(
            organisation=world.hub, household_size=size, reason="no_bed", recorded_by=world.worker
        )
        UnmetHousingRequest.objects.filter(pk=request.pk).update(
            recorded_at=timezone.datetime(2024, 3, 20, 12, tzinfo=zone)
        )
    services.occupancy_nights_fill()
    report = selectors.section_report(
        user=world.coordinator, section="housing", period=custom_period(date(2024, 3, 1), date(2024, 3, 31))
    )
    tables = tables_by_key(report)
    assert row_values(tables["stays_ended.exit_destination"])["permanent_housing"] == 1
    assert row_values(tables["turn_aways.household_size"]) == {"1": 1, "2": 0, "3": 0, "4": 1, "5_plus": 2}
    figures = {figure["key"]: figure for figure in report["figures"]}
    # (4 days 19 h + 9 days 19 h) / 2 = 7.29 days
    assert figures["average_stay_days"]["value"] == 7.3
    # Beds free now: four, less one out of service from yesterday on.
    assert selectors.live_counters(suppressed=False)["beds_free"]["value"] == 4
    BedAllocation.objects.create(bed=beds[3], kind="out_of_service", starts_at=timezone.now() - timedelta(days=1))
    assert selectors.live_counters(suppressed=False)["beds_free"]["value"] == 3
    # Nights occupied: 3–7 March (5) and 5–14 March (10) = 15 of 4 beds × 31 nights.
    assert figures["occupancy_rate.emergency"]["value"] == round(100 * 15 / 124, 1)
