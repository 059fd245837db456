"""The housing API end to end: the board and a site's availability (never a person), provider
upkeep, holds and stays through their whole life, constraint conflicts as 409 with the taken beds
and the availability version, Idempotency-Key, unmet requests, occupancy aggregates, and the last
bed under 50 concurrent requests on PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from housing import services
from housing.choices import AllocationKind, HoldStatus, RoomKind, SiteKind, StayStatus
from housing.models import Bed, BedAllocation, Hold, Room, Site, Stay, UnmetHousingRequest
from organisations import services as organisation_services
from organisations.choices import OrganisationKind, Role
from organisations.models import IdempotencyRecord
from people import services as people_services
from plumbing.events import current_version
from tests import factories
from tests.housing.world import build_housing_world

NAMES = ("Rodríguez", "Yuliana", "Mateo", "Ibrahim", "Diallo")


@pytest.fixture
def world(db):
    return build_housing_world()


def later(**delta) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


def post_hold(api, world, beds, **fields):
    fields.setdefault("household", world.household.pk)
    fields.setdefault("expected_arrival_at", later(minutes=30))
    headers = {"HTTP_IDEMPOTENCY_KEY": fields.pop("key")} if "key" in fields else {}
    body = {"site": world.site.pk, "beds": [bed.pk for bed in beds], **fields}
    return api.post(reverse("housing-hold-list"), body, format="json", **headers)


def take_one_bed_of_the_unit(world, bed):
    """One adult in a family-unit bed: a coordinator's override (a unit is for a family)."""
    return services.hold_create(
        actor=factories.member(world.hub, Role.COORDINATOR),
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk],
        person=world.person,
        expected_arrival_at=timezone.now() + timedelta(minutes=30),
        override_reason="Plus rien d'autre ce soir",
    )


def availability(api, site):
    response = api.get(reverse("housing-site-detail", args=[site.pk]))
    assert response.status_code == 200
    return response.json()


def statuses(data) -> dict[str, str]:
    return {bed["label"]: bed["status"] for bed in data["beds"]}


# --- The board and a site's availability --------------------------------------------------------


def test_the_board_counts_beds_and_filters(api, world, django_assert_max_num_queries):
    services.site_create(
        actor=None,
        provider=world.provider,
        name="Refuge des femmes",
        address="3, rue Dorchester",
        kind=SiteKind.EMERGENCY,
        women_only=True,
        wheelchair_access=True,
        staff_languages=["fr", "es"],
    )
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    with django_assert_max_num_queries(8):
        response = api.get(reverse("housing-site-list"))
    assert response.status_code == 200
    cards = {card["name"]: card for card in response.json()["results"]}
    assert set(cards) == {"Maison Saint-Roch", "Refuge des femmes"}
    assert cards["Maison Saint-Roch"]["counts"] == {
        "available": 2,
        "held": 3,
        "occupied": 0,
        "out_of_service": 0,
        "free_shared_room": 2,
        "free_family_unit": 0,
    }
    assert cards["Maison Saint-Roch"]["provider"]["id"] == world.provider.pk

    def names(**filters):
        return [card["name"] for card in api.get(reverse("housing-site-list"), filters).json()["results"]]

    assert names(families="true") == ["Maison Saint-Roch"]
    assert names(women_only="true") == ["Refuge des femmes"]
    assert names(wheelchair_access="true", language="es") == ["Refuge des femmes"]
    assert names(language="ar") == []
    response = api.get(reverse("housing-site-list"), {"families": "perhaps"})
    assert response.status_code == 400
    assert "families" in response.json()["fields"]


def test_a_site_s_availability_carries_the_stream_version(api, world):
    api.force_authenticate(world.hub_worker)
    before = availability(api, world.site)
    assert before["version"] == current_version("housing.availability", world.site.pk)
    assert before["counts"] == {"available": 5, "held": 0, "occupied": 0, "out_of_service": 0}
    assert before["free_by_room_kind"] == {"shared_room": 2, "family_unit": 3}
    assert before["site"]["eligibility"]["families"] is True
    assert post_hold(api, world, world.family_beds).status_code == 201
    after = availability(api, world.site)
    assert after["version"] == before["version"] + 1
    assert statuses(after) == {"D1": "available", "D2": "available", "F1": "held", "F2": "held", "F3": "held"}


def test_persons_names_never_appear_in_sites_availability(api, world):
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    held = post_hold(api, world, [world.shared_beds[0]], household=None, person=world.person.pk).json()
    check_in = api.post(reverse("housing-hold-check-in", args=[held["id"]]), {}, format="json")
    assert check_in.status_code == 201
    for user in (world.hub_worker, world.provider_staff):
        api.force_authenticate(user)
        for response in (
            api.get(reverse("housing-site-detail", args=[world.site.pk])),
            api.get(reverse("housing-site-list")),
        ):
            assert response.status_code == 200
            assert not any(name in response.content.decode() for name in NAMES)
    # While holds and stays name them to the hub that placed them; the host, without the people's
    # consent, reads the hold code and the composition.
    assert "Ibrahim" not in api.get(reverse("housing-stay-list")).content.decode()
    api.force_authenticate(world.hub_worker)
    assert "Rodríguez" in api.get(reverse("housing-hold-list")).content.decode()
    assert "Ibrahim" in api.get(reverse("housing-stay-list")).content.decode()


# --- Provider upkeep ------------------------------------------------------------------------------


def test_provider_staff_create_describe_confirm_and_furnish_a_site(api, world):
    api.force_authenticate(world.provider_staff)
    response = api.post(
        reverse("housing-site-list"),
        {
            "provider": world.provider.pk,
            "name": "Halte Limoilou",
            "address": "800, 3e Avenue",
            "kind": SiteKind.TRANSITIONAL,
            "families": True,
            "staff_languages": ["es", "fr", "es"],
            "max_stay_days": 90,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    site = Site.objects.get(pk=response.json()["id"])
    assert site.staff_languages == ["es", "fr"]
    response = api.patch(
        reverse("housing-site-detail", args=[site.pk]),
        {"check_in_hours_fr": "8 h – 22 h", "provider": factories.organisation().pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    site.refresh_from_db()
    assert (site.check_in_hours, site.provider_id) == ("8 h – 22 h", world.provider.pk)
    assert api.post(reverse("housing-site-confirm", args=[site.pk])).json()["last_confirmed_at"]
    response = api.post(
        reverse("housing-site-rooms", args=[site.pk]),
        {"name": "Unité A", "kind": RoomKind.FAMILY_UNIT, "beds": 4},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert [bed["label"] for bed in response.json()["beds"]] == ["1", "2", "3", "4"]
    assert availability(api, site)["free_by_room_kind"] == {"shared_room": 0, "family_unit": 4}
    duplicate = api.post(
        reverse("housing-site-rooms", args=[site.pk]), {"name": "Unité A", "kind": "family_unit", "beds": 2}
    )
    assert duplicate.status_code == 422  # the schema cannot say a name is taken
    assert Room.objects.filter(site=site).count() == 1


def test_a_site_with_contradictory_rules_is_refused_with_field_errors(api, world):
    api.force_authenticate(world.provider_staff)
    response = api.patch(
        reverse("housing-site-detail", args=[world.site.pk]), {"women_only": True, "men_only": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Site.objects.get(pk=world.site.pk).women_only


def test_beds_go_out_of_service_and_back(api, world):
    bed = world.shared_beds[1]
    api.force_authenticate(world.provider_staff)
    response = api.post(reverse("housing-bed-out-of-service", args=[bed.pk]), {"reason": "Punaises"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["bed"], response.json()["ends_at"]) == (bed.pk, None)
    assert statuses(availability(api, world.site))["D2"] == "out_of_service"
    response = api.post(reverse("housing-bed-in-service", args=[bed.pk]))
    assert response.status_code == 200
    assert response.json()["status"] == "available"
    assert api.post(reverse("housing-bed-out-of-service", args=[bed.pk]), {}, format="json").status_code == 400


def test_a_held_bed_cannot_go_out_of_service(api, world):
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    api.force_authenticate(world.provider_staff)
    response = api.post(
        reverse("housing-bed-out-of-service", args=[world.family_beds[0].pk]), {"reason": "Fuite"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["beds"]) == ("beds_taken", [world.family_beds[0].pk])
    assert body["version"] == current_version("housing.availability", world.site.pk)


# --- Holds and stays ----------------------------------------------------------------------------


def test_a_hold_through_check_in_extension_and_check_out(api, world):
    api.force_authenticate(world.hub_worker)
    response = post_hold(api, world, world.family_beds, in_transit=True, expected_arrival_at=later(hours=1))
    assert response.status_code == 201, response.json()
    hold = response.json()
    assert (hold["status"], hold["in_transit"], hold["household"]["name"]) == ("active", True, "Famille Rodríguez")
    assert [bed["label"] for bed in hold["beds"]] == ["F1", "F2", "F3"]
    assert hold["organisation"]["id"] == world.hub.pk
    # The hosting provider sees the hold, and checks the family in.
    api.force_authenticate(world.provider_staff)
    assert [row["id"] for row in api.get(reverse("housing-hold-list")).json()["results"]] == [hold["id"]]
    response = api.post(
        reverse("housing-hold-check-in", args=[hold["id"]]), {"planned_end_at": later(days=7)}, format="json"
    )
    assert response.status_code == 201, response.json()
    stay = response.json()
    assert (stay["status"], stay["hold"], len(stay["beds"])) == ("active", hold["id"], 3)
    assert Hold.objects.get(pk=hold["id"]).status == HoldStatus.CHECKED_IN
    # The hub extends it, within the site's maximum stay.
    api.force_authenticate(world.hub_worker)
    url = reverse("housing-stay-extend", args=[stay["id"]])
    refused = api.post(url, {"planned_end_at": later(days=45)}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "beyond_max_stay")
    response = api.post(url, {"planned_end_at": later(days=14)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["extended_times"] == 1
    # The provider checks them out.
    api.force_authenticate(world.provider_staff)
    url = reverse("housing-stay-check-out", args=[stay["id"]])
    assert api.post(url, {"exit_destination": "nowhere"}, format="json").status_code == 400
    response = api.post(url, {"exit_destination": "permanent_housing"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == StayStatus.CHECKED_OUT
    assert set(statuses(availability(api, world.site)).values()) == {"available"}
    again = api.post(url, {"exit_destination": "permanent_housing"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "stay_ended")


def test_a_released_hold_frees_its_beds_and_ends_once(api, world):
    api.force_authenticate(world.hub_worker)
    hold = post_hold(api, world, world.family_beds).json()
    url = reverse("housing-hold-release", args=[hold["id"]])
    response = api.post(url, {"no_show": True}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == HoldStatus.NO_SHOW
    assert set(statuses(availability(api, world.site)).values()) == {"available"}
    assert api.post(url, {}, format="json").json()["code"] == "hold_ended"
    assert api.post(reverse("housing-hold-check-in", args=[hold["id"]]), {}).status_code == 409


def test_a_family_hold_that_partly_conflicts_is_409_and_holds_nothing(api, world):
    api.force_authenticate(world.hub_worker)
    taken = world.family_beds[1]
    take_one_bed_of_the_unit(world, taken)
    version = current_version("housing.availability", world.site.pk)
    response = post_hold(api, world, world.family_beds)
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["beds"], body["version"]) == ("beds_taken", [taken.pk], version)
    assert body["detail"]
    assert not Hold.objects.filter(household=world.household).exists()
    assert BedAllocation.objects.filter(is_active=True).count() == 1
    assert current_version("housing.availability", world.site.pk) == version


def test_an_extension_that_would_overlap_is_409(api, world):
    bed = world.shared_beds[0]
    api.force_authenticate(world.hub_worker)
    hold = post_hold(api, world, [bed], household=None, person=world.person.pk).json()
    stay = api.post(
        reverse("housing-hold-check-in", args=[hold["id"]]), {"planned_end_at": later(days=5)}, format="json"
    ).json()
    api.force_authenticate(world.provider_staff)
    response = api.post(
        reverse("housing-bed-out-of-service", args=[bed.pk]),
        {"starts_at": later(days=6), "ends_at": later(days=8), "reason": "Peinture"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    api.force_authenticate(world.hub_worker)
    response = api.post(
        reverse("housing-stay-extend", args=[stay["id"]]), {"planned_end_at": later(days=9)}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["beds"]) == ("beds_taken", [bed.pk])
    assert body["version"] == current_version("housing.availability", world.site.pk)
    assert Stay.objects.get(pk=stay["id"]).extended_times == 0


def test_hold_input_errors(api, world):
    api.force_authenticate(world.hub_worker)
    both = post_hold(api, world, world.shared_beds, person=world.person.pk)
    assert (both.status_code, both.json()["code"]) == (422, "refused")
    assert "non_field_errors" in both.json()["fields"]
    neither = post_hold(api, world, world.shared_beds, household=None)
    assert neither.status_code == 422
    no_beds = post_hold(api, world, [])
    assert "beds" in no_beds.json()["fields"]
    no_choice = api.post(
        reverse("housing-hold-list"),
        {"site": world.site.pk, "household": world.household.pk, "expected_arrival_at": later(hours=1)},
        format="json",
    )
    assert no_choice.status_code == 422
    other_site = services.site_create(
        actor=None, provider=world.provider, name="Autre", address="1, rue X", kind=SiteKind.EMERGENCY
    )
    services.room_create(actor=None, site=other_site, name="Chambre", kind=RoomKind.SHARED_ROOM, beds=1)
    foreign_bed = other_site.beds.get()
    response = post_hold(api, world, [foreign_bed])
    assert (response.status_code, response.json()["code"]) == (422, "invalid_beds")
    past = post_hold(api, world, world.family_beds, expected_arrival_at=later(minutes=-30))
    assert (past.status_code, past.json()["code"]) == (422, "arrival_in_past")
    unknown = post_hold(api, world, world.family_beds, household=10**9)
    assert unknown.status_code == 404
    assert not Hold.objects.exists()


def test_a_site_that_does_not_exist_and_one_you_may_not_use_get_the_same_answers(api, world):
    """The serializer reads the site by id only (the service checks it): a malformed request is
    a 400 and a well-formed one a 404, whether the site exists or not."""
    other_provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    hidden = services.site_create(
        actor=None, provider=other_provider, name="Ailleurs", address="2, rue Y", kind=SiteKind.EMERGENCY
    )
    api.force_authenticate(world.hub_worker)
    for site_id in (hidden.pk, 10**9):
        body = {"site": site_id, "beds": [], "household": world.household.pk, "expected_arrival_at": later(hours=1)}
        malformed = api.post(reverse("housing-hold-list"), body, format="json")
        assert (malformed.status_code, list(malformed.json()["fields"])) == (400, ["beds"])
        refused = post_hold(api, world, world.family_beds, site=site_id)
        assert (refused.status_code, refused.json()["code"]) == (404, "not_found")
    assert not Hold.objects.exists()


def test_a_hold_and_a_refusal_are_bounded_in_queries(api, world, django_assert_max_num_queries):
    """A bed already taken is refused by two statements (``housing/early_refusal.py``: the site,
    the occupant and the three rights, then the beds), before any model is read, any transaction
    or lock, with the same body as the locked check's (docs/benchmarks.md, "Holds"). A hold made
    runs those two first, then the service's reads; the counts include the test's savepoints; a
    hold made also reads the household's members and the beds' rooms (the site's rules) and the
    codes in use at the site."""
    api.force_authenticate(world.hub_worker)
    with django_assert_max_num_queries(25):
        assert post_hold(api, world, world.family_beds).status_code == 201
    version = current_version("housing.availability", world.site.pk)
    with django_assert_max_num_queries(2) as refusal:
        response = post_hold(api, world, world.family_beds[:1], household=None, person=world.person.pk)
    assert response.status_code == 409
    assert response.json() | {"detail": ""} == {
        "detail": "",
        "code": "beds_taken",
        "beds": [world.family_beds[0].pk],
        "version": version,
    }
    sql = [query["sql"] for query in refusal.captured_queries]
    assert not [query for query in sql if query.startswith(("INSERT", "UPDATE", "SAVEPOINT")) or "FOR UPDATE" in query]


def test_one_household_cannot_hold_twice(api, world):
    api.force_authenticate(world.hub_worker)
    assert post_hold(api, world, world.family_beds).status_code == 201
    response = post_hold(api, world, world.shared_beds)
    assert (response.status_code, response.json()["code"]) == (409, "already_held")


def test_hold_and_stay_lists_are_filtered_and_bounded_in_queries(api, world, django_assert_max_num_queries):
    api.force_authenticate(world.hub_worker)
    for index, bed in enumerate(world.shared_beds):
        person = people_services.person_create(
            actor=world.hub_worker, owner=world.hub, given_names=f"Personne {index}", family_names="Test"
        )
        assert post_hold(api, world, [bed], household=None, person=person.pk).status_code == 201
    assert post_hold(api, world, world.family_beds).status_code == 201
    # The households' members in one query: the composition each row shows.
    with django_assert_max_num_queries(7):
        rows = api.get(reverse("housing-hold-list")).json()["results"]
    assert len(rows) == 3
    assert all(row["held_by"]["id"] == world.hub_worker.pk for row in rows)
    response = api.get(reverse("housing-hold-list"), {"household": world.household.pk, "status": "active"})
    assert [row["household"]["id"] for row in response.json()["results"]] == [world.household.pk]
    assert api.get(reverse("housing-hold-list"), {"status": "expired"}).json()["count"] == 0
    for row in rows:
        api.post(reverse("housing-hold-check-in", args=[row["id"]]), {}, format="json")
    with django_assert_max_num_queries(7):
        assert api.get(reverse("housing-stay-list")).json()["count"] == 3


# --- Idempotency-Key ------------------------------------------------------------------------------


def test_a_replayed_hold_returns_the_same_answer_and_creates_nothing(api, world):
    api.force_authenticate(world.hub_worker)
    arrival = later(hours=1)
    first = post_hold(api, world, world.family_beds, key="hold-rodriguez-1", expected_arrival_at=arrival)
    assert first.status_code == 201
    replay = post_hold(api, world, world.family_beds, key="hold-rodriguez-1", expected_arrival_at=arrival)
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert replay.headers["Idempotent-Replay"] == "true"
    assert Hold.objects.count() == 1
    assert BedAllocation.objects.filter(is_active=True).count() == 3
    other_body = post_hold(api, world, world.shared_beds, key="hold-rodriguez-1")
    assert (other_body.status_code, other_body.json()["code"]) == (422, "idempotency_key_reused")
    assert Hold.objects.count() == 1


def test_a_refused_request_does_not_use_up_its_key(api, world):
    api.force_authenticate(world.hub_worker)
    take_one_bed_of_the_unit(world, world.family_beds[0])
    assert post_hold(api, world, world.family_beds, key="k-2").status_code == 409
    assert not IdempotencyRecord.objects.filter(key="k-2").exists()
    services.hold_release(actor=world.hub_worker, hold=Hold.objects.get())
    assert post_hold(api, world, world.family_beds, key="k-2").status_code == 201


def test_check_in_and_extend_replay_without_writing_twice(api, world):
    api.force_authenticate(world.hub_worker)
    hold = post_hold(api, world, world.family_beds).json()
    url = reverse("housing-hold-check-in", args=[hold["id"]])
    body = {"planned_end_at": later(days=3)}
    first, replay = (api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="in-1") for _ in range(2))
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert Stay.objects.count() == 1
    # Another body under the same key is refused; a new key meets the ended hold.
    other = api.post(url, {"planned_end_at": later(days=4)}, format="json", HTTP_IDEMPOTENCY_KEY="in-1")
    assert other.status_code == 422
    fresh = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="in-2")
    assert (fresh.status_code, fresh.json()["code"]) == (409, "hold_ended")
    extend = reverse("housing-stay-extend", args=[first.json()["id"]])
    body = {"planned_end_at": later(days=10)}
    responses = [api.post(extend, body, format="json", HTTP_IDEMPOTENCY_KEY="ext-1") for _ in range(2)]
    assert [response.status_code for response in responses] == [200, 200]
    assert responses[0].json() == responses[1].json()
    assert Stay.objects.get(pk=first.json()["id"]).extended_times == 1


# --- Unmet demand and occupancy (the reports' figures) ------------------------------------------------


def test_an_unmet_request_in_one_click(api, world):
    api.force_authenticate(world.hub_worker)
    response = api.post(
        reverse("housing-unmet-request-list"), {"household_size": 5, "reason": "no_family_room"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["organisation"]["id"] == world.hub.pk
    response = api.post(
        reverse("housing-unmet-request-list"),
        {
            "household_size": 3,
            "reason": "no_family_room",
            "household": world.household.pk,
            "need_categories": ["housing_emergency", "childcare"],
            "languages": ["es"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["household"]["name"] == "Famille Rodríguez"
    assert api.get(reverse("housing-unmet-request-list")).json()["count"] == 2
    bad = api.post(reverse("housing-unmet-request-list"), {"household_size": 0, "reason": "why"}, format="json")
    assert set(bad.json()["fields"]) == {"household_size", "reason"}
    # Someone else's household is not found, like one that does not exist.
    api.force_authenticate(world.provider_staff)
    response = api.post(
        reverse("housing-unmet-request-list"),
        {"household_size": 3, "reason": "no_bed", "household": world.household.pk},
        format="json",
    )
    assert response.status_code == 404
    assert UnmetHousingRequest.objects.count() == 2


def test_an_unmet_request_asks_for_the_organisation_when_the_user_works_for_several(api, world):
    user = factories.member(factories.organisation(kind=OrganisationKind.HUB), Role.WORKER)
    organisation_services.membership_grant(actor=None, organisation=world.hub, user=user, role=Role.WORKER)
    api.force_authenticate(user)
    url = reverse("housing-unmet-request-list")
    response = api.post(url, {"household_size": 2, "reason": "no_bed"}, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (422, ["organisation"])
    response = api.post(url, {"household_size": 2, "reason": "no_bed", "organisation": world.hub.pk}, format="json")
    assert response.status_code == 201


def test_a_city_liaison_gets_aggregates_and_nothing_else(api, world):
    api.force_authenticate(world.hub_worker)
    hold = post_hold(api, world, world.family_beds).json()
    person_hold = post_hold(api, world, [world.shared_beds[0]], household=None, person=world.person.pk).json()
    stay = api.post(reverse("housing-hold-check-in", args=[person_hold["id"]]), {}, format="json").json()
    api.post(reverse("housing-unmet-request-list"), {"household_size": 4, "reason": "no_bed"}, format="json")
    liaison = factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON)
    api.force_authenticate(liaison)
    response = api.get(reverse("housing-occupancy"))
    assert response.status_code == 200
    counts = response.json()
    # The reports' suppression: 1 to 4 is "<5", whatever the route.
    small, zero = {"value": None, "display": "<5"}, {"value": 0, "display": "0"}
    assert counts["suppressed"] is True
    assert counts["beds_by_site_kind"] == {
        "short_term": {"out_of_service": zero, "occupied": small, "held": small, "available": small}
    }
    assert [counts[key] for key in ("active_holds", "active_stays", "unmet_requests_this_month")] == [small] * 3
    assert not any(name in response.content.decode() for name in NAMES)
    for url in (
        reverse("housing-site-detail", args=[world.site.pk]),
        reverse("housing-hold-detail", args=[hold["id"]]),
        reverse("housing-stay-detail", args=[stay["id"]]),
    ):
        assert api.get(url).status_code == 404
    for basename in ("housing-site", "housing-hold", "housing-stay"):
        assert api.get(reverse(f"{basename}-list")).json()["count"] == 0
    # The hub's coordinator gets the figures as they are.
    api.force_authenticate(factories.member(world.hub, Role.COORDINATOR))
    counts = api.get(reverse("housing-occupancy")).json()
    assert counts["suppressed"] is False
    assert counts["beds_by_site_kind"]["short_term"]["held"] == {"value": 3, "display": "3"}
    # Those without the aggregates right get 404, not an empty city.
    api.force_authenticate(world.hub_worker)
    response = api.get(reverse("housing-occupancy"))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_openapi_schema_documents_the_housing_api(api, world):
    api.force_authenticate(world.hub_worker)
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/housing/sites/",
        "/api/v1/housing/sites/{id}/",
        "/api/v1/housing/sites/{id}/confirm/",
        "/api/v1/housing/sites/{id}/rooms/",
        "/api/v1/housing/beds/{id}/out-of-service/",
        "/api/v1/housing/beds/{id}/in-service/",
        "/api/v1/housing/holds/",
        "/api/v1/housing/holds/{id}/release/",
        "/api/v1/housing/holds/{id}/check-in/",
        "/api/v1/housing/stays/",
        "/api/v1/housing/stays/{id}/extend/",
        "/api/v1/housing/stays/{id}/check-out/",
        "/api/v1/housing/unmet-requests/",
        "/api/v1/housing/occupancy/",
    ):
        assert path in paths, path
    create = paths["/api/v1/housing/holds/"]["post"]
    assert "409" in create["responses"]
    assert any(parameter["name"] == "Idempotency-Key" for parameter in create["parameters"])
    conflict = schema["components"]["schemas"]["HousingConflict"]["properties"]
    assert {"beds", "version"} <= set(conflict)
    retrieve = paths["/api/v1/housing/sites/{id}/"]["get"]["responses"]["200"]
    assert retrieve["content"]["application/json"]["schema"]["$ref"].endswith("/SiteAvailability")


# --- The last bed, 50 requests at once (PostgreSQL) -------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_clients_for_the_last_bed_one_201_and_49_409():
    world = build_housing_world()
    last_bed = world.shared_beds[1]
    # Every other bed of the site is taken: the family holds its unit, a person the first bunk.
    services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now(),
    )
    services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    people = [
        people_services.person_create(
            actor=world.hub_worker, owner=world.hub, given_names=f"Personne {index}", family_names="Concurrente"
        )
        for index in range(50)
    ]
    barrier = threading.Barrier(len(people))
    answers, failures = [], []
    url = reverse("housing-hold-list")
    arrival = later(hours=1)

    def attempt(person):
        client = APIClient()
        client.force_authenticate(world.hub_worker)
        try:
            barrier.wait(timeout=30)
            response = client.post(
                url,
                {"site": world.site.pk, "beds": [last_bed.pk], "person": person.pk, "expected_arrival_at": arrival},
                format="json",
            )
            answers.append((response.status_code, response.json()))
        except Exception as error:  # a 500 is raised by the test client: collected, then failed on
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread for thread in threads if thread.is_alive()], "a request hangs"
    assert failures == []
    codes = sorted(code for code, _body in answers)
    assert codes == [201] + [409] * 49, codes
    conflicts = [body for code, body in answers if code == 409]
    # A request that waited past lock_timeout (a very loaded machine) is told to try again (busy).
    assert all(body["code"] in ("beds_taken", "busy") and body["detail"] for body in conflicts)
    taken = [body for body in conflicts if body["code"] == "beds_taken"]
    assert all(body["beds"] == [last_bed.pk] and isinstance(body["version"], int) for body in taken)
    assert BedAllocation.objects.filter(bed=last_bed, is_active=True, kind=AllocationKind.HOLD).count() == 1
    assert Hold.objects.filter(allocations__bed=last_bed).count() == 1
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_that_waits_past_the_lock_timeout_gets_409_not_500():
    world = build_housing_world()
    bed = world.shared_beds[0]
    locked, release = threading.Event(), threading.Event()

    def hold_the_bed_lock():
        try:
            with transaction.atomic():
                list(Bed.objects.select_for_update().filter(pk=bed.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_bed_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        api = APIClient()
        api.force_authenticate(world.hub_worker)
        response = api.post(
            reverse("housing-hold-list"),
            {"site": world.site.pk, "beds": [bed.pk], "person": world.person.pk, "expected_arrival_at": later(hours=1)},
            format="json",
        )
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert (response.status_code, response.json()["code"]) == (409, "busy")
    assert response.json()["detail"]
    assert not Hold.objects.exists()


def test_a_hold_may_name_a_referral_the_user_can_see(api, world):
    mine = factories.referral(world.hub, world.provider, person=world.person, actor=world.hub_worker)
    elsewhere = factories.referral(factories.organisation(kind=OrganisationKind.HUB), world.provider)
    api.force_authenticate(world.hub_worker)
    refused = post_hold(
        api, world, [world.shared_beds[0]], household=None, person=world.person.pk, referral=elsewhere.pk
    )
    assert refused.status_code == 404
    response = post_hold(api, world, [world.shared_beds[0]], household=None, person=world.person.pk, referral=mine.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["referral"] == mine.pk
