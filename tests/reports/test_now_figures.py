"""The figures of the moment (occupancy, today's counters) for suppressed viewers: rounded to 5
with 1–4 as "<5", from a snapshot taken once an hour, so that polling does not show each
family's arrival as it happens."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from housing.models import UnmetHousingRequest
from reports import services, suppression


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, (0, "0")),
        (1, (None, "<5")),
        (4, (None, "<5")),
        (5, (5, "5")),
        (7, (5, "5")),
        (8, (10, "10")),
        (12, (10, "10")),
        (13, (15, "15")),
    ],
)
def test_rounding(count, shown):
    assert suppression.rounded(count) == shown


def unmet(world, count):
    for _request in range(count):
        UnmetHousingRequest.objects.create(
            organisation=world.hub, household_size=3, reason="no_bed", recorded_by=world.worker
        )


def test_polling_does_not_show_an_arrival_as_it_happens(api, world):
    """A liaison polls the occupancy: arrivals within the hour change nothing, even when they
    cross a multiple of 5; the next hour's snapshot shows them once, rounded."""
    unmet(world, 6)
    services.now_snapshot_store()
    api.force_authenticate(world.liaison)
    before = api.get(reverse("housing-occupancy")).json()
    assert before["unmet_requests_this_month"] == {"value": 5, "display": "5"}
    unmet(world, 3)
    services.now_snapshot_store()  # the worker runs again within the hour: nothing is retaken
    assert api.get(reverse("housing-occupancy")).json() == before
    api.force_authenticate(world.coordinator)
    assert api.get(reverse("housing-occupancy")).json()["unmet_requests_this_month"]["value"] == 9
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert services.now_snapshot_store() is True
        assert services.now_snapshot_store() is False
        api.force_authenticate(world.liaison)
        after = api.get(reverse("housing-occupancy")).json()
    if timezone.localdate(timezone.now() + timedelta(hours=1)).month == timezone.localdate().month:
        assert after["unmet_requests_this_month"] == {"value": 10, "display": "10"}
    assert after["at"] != before["at"]


def test_a_suppressed_cells_change_is_not_visible(api, world):
    """One request then three more: "<5" both times, and nothing else moves."""
    unmet(world, 1)
    services.now_snapshot_store()
    api.force_authenticate(world.liaison)
    before = api.get(reverse("reports-live")).json()
    assert before["unmet_requests_today"] == {"value": None, "display": "<5"}
    unmet(world, 3)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        services.now_snapshot_store()
        after = api.get(reverse("reports-live")).json()
    if after["date"] == before["date"]:
        assert after == before


def test_an_occupancy_rate_resting_on_one_to_four_occupied_bed_nights_is_hidden_when_suppressed():
    """Rate × bed-nights would give the small count back."""
    from reports.selectors import PeriodFigures, occupancy_rates

    def figures(occupied):
        return PeriodFigures(
            values={
                ("bed_nights", "site_kind", "emergency"): 124,
                ("occupied_bed_nights", "site_kind", "emergency"): occupied,
            }
        )

    rates = {rate["key"]: rate for rate in occupancy_rates(figures(3), figures(15), suppressed=True)}
    assert (rates["occupancy_rate.emergency"]["display"], rates["occupancy_rate.emergency"]["value"]) == ("x", None)
    assert rates["occupancy_rate.emergency"]["previous_value"] == round(100 * 15 / 124, 1)
    rates = {rate["key"]: rate for rate in occupancy_rates(figures(3), figures(15), suppressed=False)}
    assert rates["occupancy_rate.emergency"]["value"] == round(100 * 3 / 124, 1)


def test_the_year_in_progress_reaches_a_suppressed_viewer_once_a_day(api, world):
    """Refreshed every two minutes for the hub, the month and fiscal year in progress are the
    day's copy for a liaison: recording interventions changes nothing for them until tomorrow."""
    from reports.periods import this_month

    today = timezone.localdate()
    (person,) = world.people(1)
    world.interventions([today] * 10, [[person]] * 10)
    services.rollups_refresh(full=True)
    month = this_month().query()

    def total(user):
        api.force_authenticate(user)
        tables = api.get(reverse("reports-section", args=["interventions"]), month).json()["tables"]
        return next(table for table in tables if table["key"] == "interventions")["total"]["value"]

    assert total(world.liaison) == total(world.coordinator) == 10
    world.interventions([today] * 7, [[person]] * 7)
    services.rollups_refresh()
    assert (total(world.coordinator), total(world.liaison)) == (17, 10)
    tomorrow = today + timedelta(days=1)
    if tomorrow.month == today.month:
        with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
            services.rollups_refresh()
            assert total(world.liaison) == 17
