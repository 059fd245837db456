"""The websocket endpoint end to end, through the real routing stack (origin check, session
authentication) and the configured channel layer (Redis on CI, in-memory on the embedded default).
"""

import asyncio
import copy
import json

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction

from organisations import permissions, services
from organisations.choices import Role
from organisations.models import Membership, Organisation
from plumbing import events, streams
from tests import factories
from tests.sockets import open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def make_member(role=Role.WORKER):
    organisation = factories.organisation()
    return organisation, factories.member(organisation, role)


@database_sync_to_async
def grant(organisation, user, role):
    with transaction.atomic():
        return services.membership_grant(actor=None, organisation=organisation, user=user, role=role)


@database_sync_to_async
def end_memberships(user):
    for membership in Membership.objects.filter(user=user, is_active=True):
        services.membership_end(actor=None, membership=membership)


class OrganisationInternalStream(streams.Stream):
    """A stream keyed by organisation whose subscribers are the organisation's members."""

    name = "tests.organisation"

    def can_subscribe(self, user, key):
        organisation = Organisation.objects.filter(pk=key).first()
        return organisation is not None and permissions.has_organisation_permission(user, "view_internal", organisation)

    def snapshot(self, user, key):
        return {"organisation": int(key)}


@pytest.fixture
def organisation_stream():
    streams.register(OrganisationInternalStream())
    yield OrganisationInternalStream.name
    streams.unregister(OrganisationInternalStream.name)


async def test_anonymous_is_refused(settings):
    settings.DEBUG = False
    communicator, connected = await open_socket(user=None)
    assert not connected


@pytest.mark.parametrize(
    "origin",
    [
        b"http://evil.example",
        None,
        b"http://localhost:8080",  # another port of the same host
        b"https://localhost",  # another scheme
        b"null",
    ],
)
async def test_valid_session_from_a_foreign_or_missing_origin_is_refused(settings, origin):
    settings.DEBUG = False
    _organisation, user = await make_member()
    communicator, connected = await open_socket(user, origin=origin)
    assert not connected


async def test_the_origin_must_match_the_host_with_its_port_and_be_an_allowed_host(settings):
    settings.DEBUG = False
    _organisation, user = await make_member()
    assert (await open_socket(user, origin=b"http://localhost:8000", host=b"localhost:8000"))[1]
    assert not (await open_socket(user, origin=b"http://localhost:8000", host=b"localhost:8001"))[1]
    # A Host outside ALLOWED_HOSTS is refused even when the Origin matches it.
    assert not (await open_socket(user, origin=b"http://evil.example", host=b"evil.example"))[1]
    # Behind the TLS proxy: the scheme comes from SECURE_PROXY_SSL_HEADER, as for Django.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert not (await open_socket(user, origin=b"https://localhost"))[1]
    settings.CSRF_TRUSTED_ORIGINS = ["https://passerelle.example.org"]
    assert (await open_socket(user, origin=b"https://passerelle.example.org"))[1]


async def test_snapshot_then_deltas_with_increasing_versions():
    organisation, user = await make_member()
    communicator, connected = await open_socket(user)
    assert connected
    await communicator.send_json_to({"subscribe": "organisations.membership", "key": str(user.pk)})
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert [m["role"] for m in snapshot["data"]] == [Role.WORKER]
    first_version = snapshot["version"]
    assert first_version >= 1

    await grant(organisation, user, Role.LIAISON)
    await grant(organisation, user, Role.COORDINATOR)
    first = await communicator.receive_json_from(timeout=2)
    second = await communicator.receive_json_from(timeout=2)
    assert (first["type"], first["data"]["role"], first["prev_version"], first["version"]) == (
        "delta",
        Role.LIAISON,
        first_version,
        first_version + 1,
    )
    assert (second["prev_version"], second["version"]) == (first_version + 1, first_version + 2)
    await communicator.disconnect()


async def test_subscribing_to_a_key_you_may_not_see_is_refused(organisation_stream):
    _mine, user = await make_member()
    _other_organisation, other_user = await make_member()
    communicator, _ = await open_socket(user)
    for request in (
        {"subscribe": "organisations.membership", "key": str(other_user.pk)},
        {"subscribe": organisation_stream, "key": str(_other_organisation.pk)},
        {"subscribe": "no.such.stream", "key": "1"},
        {"subscribe": "organisations.membership", "key": "not a key!"},
    ):
        await communicator.send_json_to(request)
        answer = await communicator.receive_json_from()
        assert (answer["type"], answer["code"]) == ("error", "not_found"), request
    await communicator.disconnect()


async def test_an_unknown_request_gets_an_error_and_the_socket_stays_open():
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"hello": 1})
    assert (await communicator.receive_json_from())["code"] == "bad_request"
    await communicator.send_json_to({"subscribe": "organisations.membership", "key": str(user.pk)})
    assert (await communicator.receive_json_from())["type"] == "snapshot"
    await communicator.disconnect()


async def test_membership_ended_ends_the_subscription_within_a_second(organisation_stream):
    organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    assert (await communicator.receive_json_from())["type"] == "snapshot"

    await end_memberships(user)
    message = await communicator.receive_json_from(timeout=1)
    assert message == {
        "type": "unsubscribed",
        "stream": organisation_stream,
        "key": str(organisation.pk),
        "reason": "access_lost",
    }

    # Then the socket closes: the page reconnects and follows what it still may.
    output = await communicator.receive_output(timeout=1)
    assert (output["type"], output["code"]) == ("websocket.close", events.CLOSE_ACCESS_CHANGED)


def _publish_in_transaction(stream, key, data, rollback=False):
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            events.publish_on_commit(stream, key, data)
            if rollback:
                raise Rollback
    except Rollback:
        pass


async def test_a_rolled_back_change_sends_nothing(organisation_stream):
    organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    snapshot = await communicator.receive_json_from()

    await database_sync_to_async(_publish_in_transaction)(organisation_stream, organisation.pk, {"n": 1}, True)
    assert await communicator.receive_nothing(timeout=0.3)
    await database_sync_to_async(_publish_in_transaction)(organisation_stream, organisation.pk, {"n": 2})
    delta = await communicator.receive_json_from(timeout=2)
    assert delta["data"] == {"n": 2}
    # The rolled-back version was rolled back too: no gap for the client to see.
    assert delta["prev_version"] == snapshot["version"]
    await communicator.disconnect()


async def test_heartbeat_carries_versions_and_a_gap_is_resynchronised(settings, organisation_stream):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    snapshot = await communicator.receive_json_from()

    # A change whose delta is lost on the way: the version moves, nothing is sent.
    @database_sync_to_async
    def lose_a_delta():
        with transaction.atomic():
            events.bump_version(organisation_stream, str(organisation.pk))

    await lose_a_delta()
    heartbeat = await communicator.receive_json_from(timeout=2)
    assert heartbeat["type"] == "heartbeat"
    [entry] = heartbeat["versions"]
    assert entry == {"stream": organisation_stream, "key": str(organisation.pk), "version": snapshot["version"] + 1}

    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    while (message := await communicator.receive_json_from(timeout=2))["type"] == "heartbeat":
        pass
    assert (message["type"], message["version"]) == ("snapshot", snapshot["version"] + 1)
    await communicator.disconnect()


async def test_deactivated_user_is_disconnected_at_next_check(settings):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    _organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    user.is_active = False
    await database_sync_to_async(user.save)(update_fields=["is_active"])
    output = await communicator.receive_output(timeout=2)
    assert (output["type"], output["code"]) == ("websocket.close", events.CLOSE_SESSION_ENDED)


@pytest.mark.redis
async def test_a_socket_idle_for_more_than_five_seconds_on_redis_stays_open(organisation_stream):
    """redis-py 8's 5 s socket timeout used to close idle consumers (STACK.md, trap 1)."""
    assert "RedisChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
    organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    await communicator.receive_json_from()
    await asyncio.sleep(6.5)
    await database_sync_to_async(_publish_in_transaction)(organisation_stream, organisation.pk, {"after": "idle"})
    delta = await communicator.receive_json_from(timeout=3)
    assert delta["data"] == {"after": "idle"}
    await communicator.send_json_to({"unsubscribe": organisation_stream, "key": str(organisation.pk)})
    assert json.dumps((await communicator.receive_json_from())["reason"]) == '"requested"'
    await communicator.disconnect()


@pytest.mark.redis
async def test_a_board_open_longer_than_the_group_expiry_still_gets_deltas(settings, organisation_stream):
    """channels_redis drops a group member ``group_expiry`` seconds after it joined, however long
    its socket stays open: the process renews its memberships (LocalGroups.renew)."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    layers["default"]["CONFIG"]["group_expiry"] = 1
    settings.CHANNEL_LAYERS = layers
    organisation, user = await make_member()
    communicator, _ = await open_socket(user)
    await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    snapshot = await communicator.receive_json_from()
    await asyncio.sleep(3)
    await database_sync_to_async(_publish_in_transaction)(organisation_stream, organisation.pk, {"after": "expiry"})
    delta = await communicator.receive_json_from(timeout=3)
    assert (delta["data"], delta["prev_version"]) == ({"after": "expiry"}, snapshot["version"])
    await communicator.disconnect()


class SharedOrganisationStream(OrganisationInternalStream):
    """The organisation stream with one snapshot for every allowed user, counting its reads."""

    name = "tests.shared"
    shared_snapshot = True
    reads = 0

    def snapshot(self, user, key):
        SharedOrganisationStream.reads += 1
        return {"organisation": int(key), "read": SharedOrganisationStream.reads}


@pytest.fixture
def shared_stream():
    SharedOrganisationStream.reads = 0
    streams.register(SharedOrganisationStream())
    yield SharedOrganisationStream.name
    streams.unregister(SharedOrganisationStream.name)


async def test_sockets_subscribing_together_share_one_snapshot_but_not_their_permissions(shared_stream):
    """A burst of subscriptions (every board after a Redis restart) is read in batches: one
    snapshot per key for every allowed socket, while each user's access is still checked."""
    organisation, member = await make_member()
    _elsewhere, outsider = await make_member()
    sockets = [(await open_socket(member))[0] for _ in range(8)] + [(await open_socket(outsider))[0]]
    request = {"subscribe": shared_stream, "key": str(organisation.pk)}
    for communicator in sockets:
        await communicator.send_json_to(request)
    answers = [await communicator.receive_json_from(timeout=3) for communicator in sockets]

    *members_answers, outsider_answer = answers
    assert (outsider_answer["type"], outsider_answer["code"]) == ("error", "not_found")
    assert {answer["type"] for answer in members_answers} == {"snapshot"}
    assert len({answer["version"] for answer in members_answers}) == 1
    # Fewer reads than sockets: those that asked while a batch was being read were read together.
    assert 1 <= SharedOrganisationStream.reads < len(members_answers)
    for communicator in sockets:
        await communicator.disconnect()


async def test_each_socket_of_a_batch_gets_its_own_answer(organisation_stream):
    """Without a shared snapshot every socket's snapshot is read for its own user, even when the
    requests are answered in one batch."""
    organisation, first = await make_member()
    second = await database_sync_to_async(factories.member)(organisation, Role.WORKER)
    sockets = [(await open_socket(user))[0] for user in (first, second, first)]
    for communicator in sockets:
        await communicator.send_json_to({"subscribe": organisation_stream, "key": str(organisation.pk)})
    for communicator in sockets:
        snapshot = await communicator.receive_json_from(timeout=3)
        assert (snapshot["type"], snapshot["data"]) == ("snapshot", {"organisation": organisation.pk})
        await communicator.disconnect()


async def test_heartbeats_fall_on_the_process_ticks(settings):
    from plumbing.consumer import next_heartbeat_delay

    settings.WS_HEARTBEAT_SECONDS = 20
    # Two sockets due 0.3 s apart within one tick are checked at the same moment.
    assert next_heartbeat_delay(100.2) == pytest.approx(20.8)
    assert next_heartbeat_delay(100.5) == pytest.approx(20.5)
    assert next_heartbeat_delay(100.0) == pytest.approx(20.0)
    settings.WS_HEARTBEAT_SECONDS = 0.2
    assert 0.2 <= next_heartbeat_delay(7.05) < 0.4
