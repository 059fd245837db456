"""The person file's housing part (housing/person_file.py): the holds and stays of the person and of
their household, current and past, during a hold, during a stay and after it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from housing import services as housing_services
from housing.choices import ExitDestination
from tests.auth import login
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    world = build_housing_world()
    world.hub_worker.preferred_language = "en-ca"
    world.hub_worker.save(update_fields=["preferred_language"])
    return world


def file_html(client, person) -> str:
    response = client.get(reverse("people:file", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def housing_part(html: str) -> str:
    start = html.index('<section class="section" id="housing"')
    return html[start : html.index("</section>", start)]


def hold_for_household(world):
    return housing_services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now() + timedelta(hours=3),
    )


def test_a_member_s_file_shows_the_household_s_hold_then_its_stay_then_its_history(client, world):
    member = world.household.members.get(given_names="Mateo")
    login(client, world.hub_worker)
    assert "No bed held and no stay now." in housing_part(file_html(client, member))

    hold = hold_for_household(world)
    html = file_html(client, member)
    assert html.count('id="housing"') == 1
    part = housing_part(html)
    assert "No bed held and no stay now." not in part
    assert 'data-housing="hold" data-status="active"' in part
    assert "Maison Saint-Roch" in part and reverse("housing:site", args=[world.site.pk]) in part
    assert "Unité 1 · F1, Unité 1 · F2, Unité 1 · F3" in part
    assert "Whole household" in part and "Expected arrival" in part and "Held until" in part

    stay = housing_services.stay_check_in(actor=world.provider_staff, hold=hold)
    part = housing_part(file_html(client, member))
    assert 'data-housing="stay" data-status="active"' in part
    assert "In the site" in part and "(planned)" in part
    assert 'id="person-housing-history"' in part and 'data-housing="hold" data-status="checked_in"' in part

    housing_services.stay_check_out(
        actor=world.provider_staff, stay=stay, exit_destination=ExitDestination.OTHER_SHELTER
    )
    part = housing_part(file_html(client, member))
    assert "No bed held and no stay now." in part
    assert "2 earlier holds and stays" in part
    assert 'data-housing="stay" data-status="checked_out"' in part


def test_a_person_s_own_hold_shows_on_their_file_only(client, world):
    housing_services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now() + timedelta(hours=1),
    )
    login(client, world.hub_worker)
    part = housing_part(file_html(client, world.person))
    assert 'data-housing="hold" data-status="active"' in part and "Dortoir · D1" in part
    assert "Whole household" not in part
    member = world.household.members.first()
    assert "No bed held and no stay now." in housing_part(file_html(client, member))


def test_an_expired_hold_the_worker_has_not_freed_yet_is_history(client, world, time_machine):
    hold_for_household(world)
    time_machine.move_to(timezone.now() + timedelta(days=2))
    login(client, world.hub_worker)
    part = housing_part(file_html(client, world.household.members.first()))
    assert "No bed held and no stay now." in part
    assert 'data-housing="hold" data-status="active"' in part and "Expired" in part
