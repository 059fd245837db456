"""The reports dashboard in Chromium on a phone: the hub's coordinator reads the month's figures
(from the stored rollups, refreshed here as the worker's job would) without scrolling the page
sideways and sees today's interventions counter change live; a city liaison sees small counts as
"<5" and no one's name."""

import os
from pathlib import Path

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
DESKTOP = {"width": 1280, "height": 800}
# axe-core from the npm registry (``npm install axe-core``); the check is skipped without it.
AXE = Path(os.environ.get("AXE_CORE_PATH", "node_modules/axe-core/axe.min.js"))
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


def open_section(page, name: str) -> None:
    """Tap a section's title to open it (on a phone the dashboard opens with them folded)."""
    if not page.locator(f'section[aria-labelledby="section-{name}"] > details[open]').count():
        page.click(f"#section-{name}")


def interventions_total(page) -> str:
    """The month's cell of the first table of the interventions section (interventions, total)."""
    open_section(page, "interventions")
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


def test_on_a_phone_the_dashboard_fits_in_a_few_screens_and_opens_a_section_on_a_tap(new_page, outside_event_loop):
    world = outside_event_loop(lambda: world_with_interventions_today(7))
    page = open_dashboard(new_page(viewport=PHONE), world.coordinator.email)
    page.wait_for_function("() => !document.querySelector('.report-section > details[open]')")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 4 * PHONE["height"], f"{height / PHONE['height']:.1f} screens"
    page.click("#section-interventions")
    interventions = page.locator('section[aria-labelledby="section-interventions"] table.report-table').first
    assert interventions.is_visible()
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
    open_section(page, "people")
    people_served = page.locator('section[aria-labelledby="section-people"] table.report-table').first
    assert people_served.locator("tfoot td.report-num").first.inner_text().strip() == "<5"
    # No count from 1 to 4 anywhere: tables, the monthly series, the counters.
    shown = page.eval_on_selector_all(
        "td.report-num, .report-num, [data-counter], .report-figure strong",
        "nodes => nodes.map(node => node.textContent.trim())",
    )
    assert shown and not {"1", "2", "3", "4"} & set(shown), shown

    # No person's name.
    body = page.inner_text("body")
    assert GIVEN_NAME not in body
    assert "Quispe" not in body
    assert_no_horizontal_scroll(page)


def serious_violations(page) -> list:
    """axe-core's serious and critical violations on the page, as (rule, first target)."""
    # Evaluated, not added as a <script>: the Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (violation["id"], violation["nodes"][0]["target"])
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core not found at {AXE} (npm install axe-core)")
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_reports_pages_have_no_serious_accessibility_violation(new_page, outside_event_loop, viewport):
    """The dashboard (liaison and coordinator) and the funder page, in French and Spanish: no
    serious or critical axe violation, every scrollable table region reachable by keyboard and no
    table wider than its region on a desktop (no clipped column)."""
    world = outside_event_loop(lambda: world_with_interventions_today(3))
    for email, locale in ((world.liaison.email, "fr-CA"), (world.coordinator.email, "es-419")):
        page = open_dashboard(new_page(viewport=viewport, locale=locale), email)
        assert not serious_violations(page)
        regions = page.eval_on_selector_all(".report-table-wrap", "nodes => nodes.map(node => node.tabIndex)")
        assert regions and set(regions) == {0}
        if viewport == DESKTOP:
            clipped = page.eval_on_selector_all(
                ".report-table-wrap", "nodes => nodes.filter(node => node.scrollWidth > node.clientWidth + 1).length"
            )
            assert clipped == 0
        page.goto("/reports/funder-report/?period=month&lang=es")
        assert not serious_violations(page)
