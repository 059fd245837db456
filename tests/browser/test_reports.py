"""The reports dashboard in Chromium on a phone: the hub's coordinator reads the month's figures
(from the stored rollups, refreshed here as the worker's job would) without scrolling the page
sideways and sees today's interventions counter change live; a city liaison sees small counts as
"<5" and no one's name."""

import pytest
from django.utils import timezone, translation

from people import services as people_services
from people.choices import InterventionType
from reports import services as reports_services
from tests import factories
from tests.browser.test_shell import log_in
from tests.reports.world import build_reports_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LIVE_TIMEOUT_MS = 3_000
GIVEN_NAME = "Yolanda"


def log_interventions(world, count: int) -> list:
    """``count`` follow-ups today by the hub's worker, each with one new person of the hub (the
    first one named ``GIVEN_NAME``), through the people services."""
    people = [
        factories.person(
            world.hub,
            actor=world.worker,
            given_names=GIVEN_NAME if number == 0 else f"Personne{number}",
            family_names="Quispe Mamani",
        )
        for number in range(count)
    ]
    for person in people:
        people_services.intervention_log(
            actor=world.worker,
            organisation=world.hub,
            people=[person],
            type=InterventionType.FOLLOW_UP,
            language_used="es",
            occurred_on=timezone.localdate(),
        )
    return people


def world_with_interventions_today(count: int):
    world = build_reports_world()
    log_interventions(world, count)
    # What the worker's reports.refresh_rollups job does: the dashboard reads stored figures.
    reports_services.rollups_refresh(full=True)
    return world


def open_dashboard(page, email: str):
    log_in(page, email)
    page.goto("/reports/")
    page.wait_for_selector('section.report-live[data-live="live"]')
    return page


def interventions_total(page) -> str:
    """The month's cell of the first table of the interventions section (interventions, total)."""
    table = page.locator('section[aria-labelledby="section-interventions"] table.report-table').first
    return table.locator("tfoot td.report-num").first.inner_text().strip()


def counter(page, name: str) -> str:
    return page.inner_text(f'[data-counter="{name}"]').strip()


def assert_no_horizontal_scroll(page):
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
    assert widths["viewport"] == PHONE["width"]
    assert widths["page"] <= PHONE["width"] + 1, f"the page scrolls sideways: {widths}"


def test_the_hub_coordinator_reads_the_month_on_a_phone(new_page, outside_event_loop):
    world = outside_event_loop(lambda: world_with_interventions_today(7))

    page = open_dashboard(new_page(viewport=PHONE), world.coordinator.email)

    # The month's figures, as they are for the hub.
    assert interventions_total(page) == "7"
    with translation.override(world.coordinator.preferred_language):
        follow_up = str(InterventionType.FOLLOW_UP.label)
    by_type = page.locator('section[aria-labelledby="section-interventions"] table.report-table').nth(2)
    row = by_type.locator("tbody tr", has=page.locator("th", has_text=follow_up))
    assert row.locator("td.report-num").first.inner_text().strip() == "7"
    assert counter(page, "interventions_today") == "7"
    assert GIVEN_NAME not in page.inner_text("body")

    assert_no_horizontal_scroll(page)


@pytest.mark.redis
def test_the_hub_coordinator_s_interventions_today_counter_changes_live(new_page, outside_event_loop):
    world = outside_event_loop(lambda: world_with_interventions_today(7))

    page = open_dashboard(new_page(viewport=PHONE), world.coordinator.email)
    assert counter(page, "interventions_today") == "7"
    # Set on this document only: if the page reloaded, the flag is gone.
    page.evaluate("window.dashboardNeverReloaded = true")

    def one_more_intervention_and_the_job():
        log_interventions(world, 1)
        return reports_services.live_counters_publish()

    # The test process publishes; the browser's socket is on the Daphne process (through Redis).
    assert outside_event_loop(one_more_intervention_and_the_job) >= 1
    page.wait_for_function(
        "expected => document.querySelector('[data-counter=\"interventions_today\"]').textContent === expected",
        arg="8",
        timeout=LIVE_TIMEOUT_MS,
    )
    assert page.evaluate("window.dashboardNeverReloaded") is True
    assert_no_horizontal_scroll(page)


def test_the_city_liaison_sees_small_counts_as_under_five_and_no_name(new_page, outside_event_loop):
    world = outside_event_loop(lambda: world_with_interventions_today(3))

    page = open_dashboard(new_page(viewport=PHONE), world.liaison.email)

    # Three interventions this month and today: "<5", in the table and in the live counter.
    assert interventions_total(page) == "<5"
    assert counter(page, "interventions_today") == "<5"
    people_served = page.locator('section[aria-labelledby="section-people"] table.report-table').first
    assert people_served.locator("tfoot td.report-num").first.inner_text().strip() == "<5"
    # No count from 1 to 4 anywhere: tables, the monthly series, the counters.
    shown = page.eval_on_selector_all(
        "td.report-num, .report-series__value, [data-counter], .report-figure strong",
        "nodes => nodes.map(node => node.textContent.trim())",
    )
    assert shown and not {"1", "2", "3", "4"} & set(shown), shown

    # No person's name.
    body = page.inner_text("body")
    assert GIVEN_NAME not in body
    assert "Quispe" not in body
    assert_no_horizontal_scroll(page)
