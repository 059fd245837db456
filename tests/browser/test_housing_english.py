"""The hub's evening in English (en_CA) on a 390 px phone: the board for a household, the hold,
the site page with its move action, the provider's arrivals and check-in. Every page is in
English (no French word of the interface left) and nothing scrolls sideways."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from housing.choices import RoomKind
from housing.models import Room, Stay
from organisations.models import User
from people.models import Person
from tests.browser.test_households import shot
from tests.browser.test_reports import assert_no_horizontal_scroll
from tests.browser.test_shell import log_in
from tests.housing.world import build_housing_world

pytestmark = pytest.mark.django_db(transaction=True)

# Words of the French interface that no data of the world contains.
FRENCH = re.compile(
    r"\b(adultes?|enfants?|personnes|lits?|retenue|séjour|arrivée|ménage|Confirmer|Retenir|Déplacer|Aujourd'hui)\b",
    re.IGNORECASE,
)


def assert_english(page, name: str) -> None:
    assert page.get_attribute("html", "lang") == "en-ca"
    text = page.locator("main").inner_text()
    assert not FRENCH.findall(text), (name, FRENCH.findall(text))
    assert_no_horizontal_scroll(page)
    shot(page, f"en-{name}")


def test_the_evening_in_english_on_a_phone(new_page, outside_event_loop):
    def make_world():
        world = build_housing_world()
        User.objects.filter(pk__in=[world.hub_worker.pk, world.provider_staff.pk]).update(preferred_language="en-ca")
        return world

    world = outside_event_loop(make_world)
    person_id = outside_event_loop(lambda: Person.objects.get(given_names="Yuliana").pk)
    unit_id = outside_event_loop(lambda: Room.objects.get(site=world.site, kind=RoomKind.FAMILY_UNIT).pk)
    arrival = (timezone.localtime() + timedelta(hours=3)).replace(second=0, microsecond=0)

    hub = new_page(locale="en-CA")
    log_in(hub, world.hub_worker.email)
    hub.goto(f"/people/{person_id}/")
    assert_english(hub, "1-person-file")
    hub.goto(f"/people/households/{world.household.pk}/")
    assert_english(hub, "2-household")
    hub.goto(f"/housing/?person={person_id}&arrival={arrival.strftime('%Y-%m-%dT%H:%M')}&nights=2")
    assert "1 adult, 2 children" in hub.locator("#for-composition").inner_text()
    assert_english(hub, "3-board")
    hub.locator(f"#site-{world.site.pk} .housing-card__actions a").click()
    hub.wait_for_url("**#hold")
    assert_english(hub, "4-site")
    hub.select_option("select[name=family_unit]", str(unit_id))
    hub.check("input[name=share_identity]")
    hub.click("#hold-submit")
    hub.wait_for_url("**#holds")
    assert_english(hub, "5-held")

    provider = new_page(locale="en-CA")
    log_in(provider, world.provider_staff.email)
    provider.goto("/housing/provider/")
    assert "3 people" in provider.locator(".housing-item").first.inner_text()
    assert provider.locator("[data-arrivals=today]").count() == 1
    assert_english(provider, "6-provider")
    provider.locator(".housing-item").first.get_by_role("button", name="Confirm the arrival").click()
    provider.wait_for_url("**#stay-*")
    assert_english(provider, "7-checked-in")
    stay_id = outside_event_loop(lambda: Stay.objects.get().pk)
    provider.goto(f"/housing/stays/{stay_id}/move/")
    assert_english(provider, "8-move")
    # The list of free beds may be long: "Move" stays in the first screen.
    box = provider.locator("#move-submit").bounding_box()
    assert box is not None and box["y"] + box["height"] <= provider.viewport_size["height"]
    hub.goto(f"/people/{person_id}/")
    assert_english(hub, "9-person-file-stay")
