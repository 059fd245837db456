"""A family at the door tonight, the housing part, in two browser contexts on a phone: the hub
worker opens the board for the household, holds a whole family unit for an arrival later today
with the provider consent recorded; the provider's page shows who arrives, how many and when,
and checks the family in with one action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from housing.choices import RoomKind
from housing.models import Room, Stay
from people.models import Person
from tests.browser.test_reports import assert_no_horizontal_scroll
from tests.browser.test_shell import log_in
from tests.housing.world import build_housing_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_family_unit_held_for_tonight_with_consent_is_checked_in_by_the_provider(new_page, outside_event_loop):
    world = outside_event_loop(build_housing_world)
    person_id = outside_event_loop(lambda: Person.objects.get(given_names="Yuliana").pk)
    unit_id = outside_event_loop(lambda: Room.objects.get(site=world.site, kind=RoomKind.FAMILY_UNIT).pk)
    arrival = (timezone.localtime() + timedelta(hours=3)).replace(second=0, microsecond=0)

    hub = new_page()
    log_in(hub, world.hub_worker.email)
    hub.goto(f"/housing/?person={person_id}&arrival={arrival.strftime('%Y-%m-%dT%H:%M')}&nights=2")
    assert "1 adulte, 2 enfants" in hub.locator("#for-composition").inner_text()
    assert hub.locator(".housing-card").first.get_attribute("id") == f"site-{world.site.pk}"
    assert_no_horizontal_scroll(hub)

    # "Hold beds" keeps the arrival chosen on the board and lands on the hold form, whose
    # family unit, arrival and button are within about a screen of each other on the phone.
    hub.locator(f"#site-{world.site.pk} .housing-card__actions a").click()
    hub.wait_for_url("**#hold")
    assert "Famille Rodríguez" in hub.locator("#hold-form-for").inner_text()
    assert hub.input_value("input[name=expected_arrival_at]") == arrival.strftime("%Y-%m-%dT%H:%M")
    form_top = hub.locator("#hold").bounding_box()["y"]
    assert hub.locator("#hold-submit").bounding_box()["y"] - form_top < 2 * 844
    hub.select_option("select[name=family_unit]", str(unit_id))
    hub.check("input[name=share_identity]")
    assert_no_horizontal_scroll(hub)
    hub.click("#hold-submit")
    hub.wait_for_url("**#holds")
    assert "Famille Rodríguez" in hub.locator(".housing-item").first.inner_text()
    assert_no_horizontal_scroll(hub)

    provider = new_page()
    log_in(provider, world.provider_staff.email)
    provider.goto("/housing/provider/")
    arrival_row = provider.locator(".housing-item").first
    text = arrival_row.inner_text()
    assert "Famille Rodríguez" in text and "3 personnes" in text
    assert arrival.strftime("%H") in text
    assert world.hub_worker.email in text
    assert_no_horizontal_scroll(provider)
    arrival_row.get_by_role("button", name="Confirmer l'arrivée").click()
    provider.wait_for_url("**#stay-*")
    assert outside_event_loop(lambda: Stay.objects.get().household_id) == world.household.pk
