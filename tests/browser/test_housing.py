"""The live housing board in a real browser: what a provider or a hub does on one page shows on
another person's open board within two seconds, without a reload."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from housing.choices import BedStatus
from organisations.choices import Role
from tests import factories
from tests.browser.test_reports import assert_no_horizontal_scroll
from tests.browser.test_shell import log_in
from tests.housing.world import build_housing_world

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_WITHIN_MS = 2_000


def open_board(page, site_id: int):
    """Open the board and wait until the site's card follows the live stream."""
    page.goto("/housing/")
    page.wait_for_selector(f'#site-{site_id}[data-live="live"]')
    # Set on this document only: if the page reloaded, the flag is gone.
    page.evaluate("window.boardNeverReloaded = true")
    return page.locator(f"#site-{site_id}")


def count(card, name: str) -> str:
    return card.locator(f'[data-count="{name}"]').inner_text()


def wait_for_count(page, site_id: int, name: str, expected: str):
    page.wait_for_function(
        "([selector, expected]) => document.querySelector(selector)?.textContent === expected",
        arg=[f'#site-{site_id} [data-count="{name}"]', expected],
        timeout=LIVE_WITHIN_MS,
    )


def test_a_bed_the_provider_takes_out_of_service_shows_on_the_hub_s_open_board(new_page, outside_event_loop):
    world = outside_event_loop(build_housing_world)
    site_id, bed = world.site.pk, world.shared_beds[0]

    board = new_page()
    log_in(board, world.hub_worker.email)
    card = open_board(board, site_id)
    assert (count(card, "shared_beds_free"), count(card, "out_of_service")) == ("2", "0")
    # On a phone, the board (its unmet-request form and long button label included) fits the width.
    assert_no_horizontal_scroll(board)

    provider = new_page(viewport={"width": 1280, "height": 800})
    log_in(provider, world.provider_staff.email)
    provider.goto("/housing/provider/")
    row = provider.locator(f"#bed-{bed.pk}")
    row.locator("summary").click()
    row.locator(f'input[name="bed{bed.pk}-reason"]').fill("Fuite d'eau")
    started = time.monotonic()
    row.locator("form button[type=submit]").first.click()

    wait_for_count(board, site_id, "shared_beds_free", "1")
    elapsed = time.monotonic() - started
    assert elapsed < LIVE_WITHIN_MS / 1000, f"the board changed after {elapsed:.2f} s"
    assert count(card, "out_of_service") == "1"
    assert board.evaluate("window.boardNeverReloaded") is True

    # The bed list of the card says which bed, in the hub worker's language.
    with translation.override(world.hub_worker.preferred_language):
        out_of_service = str(BedStatus.OUT_OF_SERVICE.label)
    card.locator("summary").click()
    bed_row = card.locator(".housing-bed", has_text=bed.label)
    assert out_of_service in bed_row.inner_text()

    # The provider's own page, after its redirect, offers to put the bed back in service.
    provider.wait_for_selector(f"#bed-{bed.pk}.housing-bed--out_of_service")
    assert provider.locator(f'#bed-{bed.pk} [data-show-if="out_of_service"]').is_visible()


def test_the_last_family_unit_held_by_one_hub_worker_shows_taken_on_a_colleague_s_board(new_page, outside_event_loop):
    def make_data():
        world = build_housing_world()
        return world, factories.member(world.hub, Role.COORDINATOR)

    world, colleague = outside_event_loop(make_data)
    site_id = world.site.pk

    board = new_page()
    log_in(board, colleague.email)
    card = open_board(board, site_id)
    assert (count(card, "family_units_free"), count(card, "family_units_total")) == ("1", "1")

    worker = new_page(viewport={"width": 1280, "height": 800})
    log_in(worker, world.hub_worker.email)
    worker.goto(f"/housing/sites/{site_id}/")
    worker.wait_for_selector('.housing-site[data-live="live"]')
    for bed in world.family_beds:
        worker.check(f"#bed-choice-{bed.pk}")
    worker.select_option("#id_occupant", f"household:{world.household.pk}")
    worker.check("#id_in_transit")
    arrival = timezone.localtime() + timedelta(hours=1)
    worker.fill("#id_expected_arrival_at", arrival.strftime("%Y-%m-%dT%H:%M"))
    started = time.monotonic()
    worker.click("#hold-submit")

    wait_for_count(board, site_id, "family_units_free", "0")
    elapsed = time.monotonic() - started
    assert elapsed < LIVE_WITHIN_MS / 1000, f"the board changed after {elapsed:.2f} s"
    assert count(card, "held") == "3"
    assert board.evaluate("window.boardNeverReloaded") is True

    # The worker's page came back after the hold with the household listed and the beds taken.
    worker.wait_for_url(f"**/housing/sites/{site_id}/#holds")
    assert world.household.name in worker.locator("#holds").inner_text()
    for bed in world.family_beds:
        assert worker.is_disabled(f"#bed-choice-{bed.pk}")
