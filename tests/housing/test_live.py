"""The ``housing.availability`` stream: who may follow a site, one snapshot shared by the boards
that subscribe together (it names no person) while each board's access is checked, and, on
PostgreSQL, a state sent as version n that holds every change committed before it."""

import json
import threading

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.utils import timezone

from housing import services
from housing.choices import BedStatus
from housing.streams import AvailabilityStream
from organisations.choices import OrganisationKind, Role
from people import services as people_services
from plumbing import events
from plumbing.events import current_version
from tests import factories
from tests.housing.world import build_housing_world
from tests.sockets import open_socket


def test_who_may_follow_which_site(db):
    world = build_housing_world()
    stream = AvailabilityStream()
    site = str(world.site.pk)
    outsider = factories.member(factories.organisation(kind=OrganisationKind.HUB), Role.WORKER)
    keys = [site, "999999", "not-a-site"]
    assert stream.allowed_keys(world.hub_worker, keys) == {site}
    assert stream.allowed_keys(world.provider_staff, keys) == {site}
    assert stream.allowed_keys(outsider, keys) == set()
    assert stream.can_subscribe(world.hub_worker, site)
    assert not stream.can_subscribe(outsider, site)
    world.site.is_active = False
    world.site.save(update_fields=["is_active"])
    assert stream.allowed_keys(world.hub_worker, keys) == set()


def test_the_site_is_checked_with_one_permission_query(db, django_assert_max_num_queries):
    world = build_housing_world()
    stream = AvailabilityStream()
    keys = [str(world.site.pk)]
    with django_assert_max_num_queries(6) as captured:
        stream.allowed_keys(world.hub_worker, keys)
    assert sum('FROM "housing_site"' in query["sql"] for query in captured.captured_queries) == 1


async def open_board(user) -> WebsocketCommunicator:
    communicator, connected = await open_socket(user)
    assert connected
    return communicator


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_boards_subscribing_together_get_one_state_and_an_outsider_none():
    world = await database_sync_to_async(build_housing_world)()
    outsider = await database_sync_to_async(factories.member)(
        await database_sync_to_async(factories.organisation)(kind=OrganisationKind.HUB), Role.WORKER
    )
    boards = [await open_board(user) for user in (world.hub_worker, world.provider_staff, world.hub_worker, outsider)]
    for board in boards:
        await board.send_json_to({"subscribe": "housing.availability", "key": str(world.site.pk)})
    answers = [await board.receive_json_from(timeout=3) for board in boards]
    *allowed, refused = answers
    assert (refused["type"], refused["code"]) == ("error", "not_found")
    assert "data" not in refused
    assert {answer["type"] for answer in allowed} == {"snapshot"}
    assert all(answer["data"] == allowed[0]["data"] for answer in allowed)
    assert len(allowed[0]["data"]["beds"]) == 5
    for board in boards:
        await board.disconnect()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_state_sent_with_each_version_holds_every_earlier_change():
    """Holds on one site at the same moment: the state sent with each version must show every
    bed held under that version or an earlier one, not only the request's own (each state is
    read after its commit, when every earlier version has committed)."""
    world = build_housing_world()
    beds = world.family_beds + world.shared_beds
    people = [
        people_services.person_create(actor=world.hub_worker, owner=world.hub, given_names=f"P{i}", family_names="X")
        for i in range(len(beds))
    ]
    first_version = current_version("housing.availability", world.site.pk)
    sent = []
    barrier = threading.Barrier(len(beds))
    coordinator = factories.member(world.hub, Role.COORDINATOR)

    def hold(bed, person):
        try:
            barrier.wait(timeout=30)
            services.hold_create(
                actor=coordinator,
                organisation=world.hub,
                site=world.site,
                bed_ids=[bed.pk],
                person=person,
                expected_arrival_at=timezone.now(),
                # One person per bed, family units included: a coordinator's override.
                override_reason="Test",
            )
        finally:
            connection.close()

    def recording(group, event):
        sent.append(json.loads(event["text"]))

    original = events.send_to_group
    events.send_to_group = recording
    try:
        threads = [threading.Thread(target=hold, args=pair) for pair in zip(beds, people, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        events.send_to_group = original
    versions = sorted(message["version"] for message in sent)
    assert versions == list(range(first_version + 1, first_version + len(beds) + 1))
    for message in sent:
        held = [bed for bed in message["data"]["beds"] if bed["status"] == BedStatus.HELD]
        assert len(held) >= message["version"] - first_version, message["version"]
    last_state = max(sent, key=lambda message: message["version"])["data"]
    assert {bed["status"] for bed in last_state["beds"]} == {BedStatus.HELD}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_provider_s_websocket_snapshot_names_nobody_with_or_after_consent():
    """The provider may read the names of people who consented on its pages and in the API; the
    live stream carries beds only, before the consent, with it and after its withdrawal."""

    def hold_with_consent():
        world = build_housing_world()
        services.hold_create(
            actor=world.hub_worker,
            organisation=world.hub,
            site=world.site,
            bed_ids=[bed.pk for bed in world.family_beds],
            household=world.household,
            expected_arrival_at=timezone.now(),
            identity_consent=services.IdentityConsent(),
        )
        return world

    def withdraw_all(world):
        for consent in world.household.members.first().consents.all():
            people_services.consent_withdraw(actor=world.hub_worker, consent=consent)

    world = await database_sync_to_async(hold_with_consent)()
    names = ("Rodríguez", "Yuliana", "Mateo", "Lía")
    for step in ("with consent", "after withdrawal"):
        if step == "after withdrawal":
            await database_sync_to_async(withdraw_all)(world)
        board = await open_board(world.provider_staff)
        await board.send_json_to({"subscribe": "housing.availability", "key": str(world.site.pk)})
        answer = await board.receive_json_from(timeout=3)
        assert answer["type"] == "snapshot", step
        assert answer["data"]["counts"]["held"] == 3
        text = json.dumps(answer, ensure_ascii=False)
        assert not any(name in text for name in names), step
        await board.disconnect()
