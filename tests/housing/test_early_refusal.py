"""A refused hold answered early (``housing/early_refusal.py``) answers exactly what the service
would have answered without it, in every situation: the shortcut refuses only what it can prove,
and leaves every 404, 400, 422 and hold made to ``hold_create``."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from housing import early_refusal, services
from housing.models import Bed, Room, Site
from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.models import Partnership
from people import services as people_services
from tests import factories
from tests.housing.test_api import later, take_one_bed_of_the_unit
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    return build_housing_world()


def post_hold(api, world, beds, **fields):
    """POST a hold of ``beds`` (or, with none, of what ``fields`` choose: a ``room``)."""
    body = {"site": world.site.pk, "household": world.household.pk, "expected_arrival_at": later(minutes=30)}
    if beds:
        body["beds"] = [bed.pk for bed in beds]
    return api.post(reverse("housing-hold-list"), body | fields, format="json")


def answer(api, world, beds, **fields):
    response = post_hold(api, world, beds, **fields)
    body = response.json()
    return response.status_code, body.get("code"), body.get("beds")


def both_answers(api, world, monkeypatch, beds, **fields):
    """The answer with the shortcut, then without it (the service alone), to the same request in
    the same state (a refusal writes nothing). Checks that the shortcut answered exactly the
    409s about beds and people, and left everything else to the service."""
    real, early = early_refusal.unavailable, []
    with monkeypatch.context() as patch:
        patch.setattr(early_refusal, "unavailable", lambda **kwargs: early.append(real(**kwargs)) or early[-1])
        with_shortcut = answer(api, world, beds, **dict(fields))
    with monkeypatch.context() as patch:
        patch.setattr(early_refusal, "unavailable", lambda **kwargs: None)
        without_shortcut = answer(api, world, beds, **dict(fields))
    answered_early = bool(early and early[0] is not None)
    assert answered_early == (with_shortcut[1] in ("beds_taken", "already_held", "already_staying")), with_shortcut
    return with_shortcut, without_shortcut


@pytest.fixture
def taken(world):
    """The family unit's first bed held by another person of the hub."""
    take_one_bed_of_the_unit(world, world.family_beds[0])
    return world.family_beds[0]


def test_a_taken_bed_is_refused_the_same_way_and_early(api, world, monkeypatch, taken, django_assert_max_num_queries):
    api.force_authenticate(world.hub_worker)
    fast, slow = both_answers(api, world, monkeypatch, [taken, world.family_beds[1]])
    assert fast == slow == (409, "beds_taken", [taken.pk])
    with django_assert_max_num_queries(2):
        assert answer(api, world, [taken])[0] == 409


def test_a_family_unit_taken_is_refused_the_same_way(api, world, monkeypatch, taken):
    api.force_authenticate(world.hub_worker)
    unit = world.family_beds[0].room_id
    fast, slow = both_answers(api, world, monkeypatch, [], room=unit)
    assert fast == slow == (409, "beds_taken", [taken.pk])


def test_people_already_holding_or_staying_are_refused_the_same_way(api, world, monkeypatch):
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    fast, slow = both_answers(api, world, monkeypatch, world.shared_beds[:1])
    assert fast == slow == (409, "already_held", None)
    # A member of the household asking alone is the same people.
    member = world.household.members.first()
    fast, slow = both_answers(api, world, monkeypatch, world.shared_beds[:1], household=None, person=member.pk)
    assert fast == slow == (409, "already_held", None)
    hold = world.household.holds.get()
    services.stay_check_in(actor=world.hub_worker, hold=hold)
    fast, slow = both_answers(api, world, monkeypatch, world.shared_beds[:1])
    assert fast == slow == (409, "already_staying", None)


def test_no_right_on_the_site_or_the_file_is_a_404_as_before(api, world, monkeypatch, taken):
    stranger_hub = factories.organisation(kind=OrganisationKind.HUB)
    stranger = factories.member(stranger_hub, Role.WORKER)
    their_person = people_services.person_create(
        actor=stranger, owner=stranger_hub, given_names="Ana", family_names="Paz"
    )
    api.force_authenticate(stranger)
    fast, slow = both_answers(api, world, monkeypatch, [taken], household=None, person=their_person.pk)
    assert fast == slow == (404, "not_found", None)
    # The hub's worker, for another hub's person.
    api.force_authenticate(world.hub_worker)
    fast, slow = both_answers(api, world, monkeypatch, [taken], household=None, person=their_person.pk)
    assert fast == slow == (404, "not_found", None)
    # The provider's staff may hold beds of its site, but not work on the hub's file.
    api.force_authenticate(world.provider_staff)
    fast, slow = both_answers(api, world, monkeypatch, [taken])
    assert fast == slow == (404, "not_found", None)
    # The partnership ended: the hub may no longer hold the provider's beds.
    Partnership.objects.filter(organisation=world.hub, partner=world.provider, scope=PartnershipScope.HOUSING).update(
        status="ended"
    )
    api.force_authenticate(world.hub_worker)
    fast, slow = both_answers(api, world, monkeypatch, [taken])
    assert fast == slow == (404, "not_found", None)


def test_an_arrival_outside_the_window_or_the_hours_is_the_services_answer(api, world, monkeypatch, taken):
    api.force_authenticate(world.hub_worker)
    beyond = (timezone.now() + world.site.hold_horizon + timedelta(hours=1)).isoformat()
    fast, slow = both_answers(api, world, monkeypatch, [taken], expected_arrival_at=beyond)
    assert fast == slow and fast[0] == 422
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    fast, slow = both_answers(api, world, monkeypatch, [taken], expected_arrival_at=past)
    assert fast == slow and fast[0] == 422
    arrival = timezone.localtime(timezone.now() + timedelta(hours=1))
    Site.objects.filter(pk=world.site.pk).update(
        check_in_from=(arrival + timedelta(hours=2)).time().replace(second=0, microsecond=0),
        check_in_until=(arrival + timedelta(hours=3)).time().replace(second=0, microsecond=0),
    )
    fast, slow = both_answers(api, world, monkeypatch, [taken], expected_arrival_at=arrival.isoformat())
    assert fast == slow and fast[:2] == (409, "outside_check_in")
    confirmed = {"expected_arrival_at": arrival.isoformat(), "confirm_outside_check_in": True}
    fast, slow = both_answers(api, world, monkeypatch, [taken], **confirmed)
    assert fast == slow == (409, "beds_taken", [taken.pk])


def test_beds_of_another_site_or_a_room_that_is_not_a_unit_are_the_services_answer(api, world, monkeypatch, taken):
    other_site = Site.objects.create(provider=world.provider, name="Autre", address="1, rue", kind=world.site.kind)
    other_bed = Bed.objects.create(
        site=other_site, room=Room.objects.create(site=other_site, name="R", kind="shared_room"), label="A1"
    )
    api.force_authenticate(world.hub_worker)
    fast, slow = both_answers(api, world, monkeypatch, [taken, other_bed])
    assert fast == slow and fast[:2] == (422, "invalid_beds")
    shared_room = world.shared_beds[0].room_id
    fast, slow = both_answers(api, world, monkeypatch, [], room=shared_room)
    assert fast == slow and fast[:2] == (422, "invalid_room")


def test_free_beds_are_left_to_the_service(api, world, monkeypatch):
    calls = []
    real = early_refusal.unavailable
    monkeypatch.setattr(early_refusal, "unavailable", lambda **kwargs: calls.append(real(**kwargs)) or calls[-1])
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    assert calls == [None]
