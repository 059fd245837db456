"""Open websockets close within a second when their session or account ends (logout, password
change, deactivation, second factor reset, membership end), and at the next heartbeat when their
session expires; an unverified session is not authenticated."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import services
from organisations import services as organisation_services
from organisations.choices import Role
from organisations.models import Membership
from plumbing.events import CLOSE_ACCESS_CHANGED, CLOSE_SESSION_ENDED
from tests import factories
from tests.auth import login
from tests.sockets import open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def logged_in_client(user, *, second_factor: bool = True) -> Client:
    client = Client()
    if second_factor:
        login(client, user)
    else:
        client.force_login(user)
    return client


async def closed_with(communicator, timeout: float = 1) -> int:
    output = await communicator.receive_output(timeout=timeout)
    assert output["type"] == "websocket.close", output
    return output["code"]


@database_sync_to_async
def member(role=Role.WORKER):
    organisation = factories.organisation()
    return factories.member(organisation, role)


async def test_logout_closes_that_sessions_sockets_within_a_second():
    user = await member()
    phone, laptop = await logged_in_client(user), await logged_in_client(user)
    phone_socket, _ = await open_socket(client=phone)
    laptop_socket, _ = await open_socket(client=laptop)

    await database_sync_to_async(phone.post)("/accounts/logout/")
    assert await closed_with(phone_socket) == CLOSE_SESSION_ENDED
    assert await laptop_socket.receive_nothing(timeout=0.3)  # the other session stays
    await laptop_socket.disconnect()


async def test_a_password_change_anywhere_closes_every_socket_of_the_user():
    user = await member()
    first, second = (
        await open_socket(client=await logged_in_client(user)),
        await open_socket(client=await logged_in_client(user)),
    )

    def change_password():
        user.set_password("another-long-password")
        user.save()

    await database_sync_to_async(change_password)()
    assert await closed_with(first[0]) == CLOSE_SESSION_ENDED
    assert await closed_with(second[0]) == CLOSE_SESSION_ENDED


async def test_deactivation_closes_every_socket_at_once():
    user = await member()
    socket, _ = await open_socket(client=await logged_in_client(user))
    user.is_active = False
    await database_sync_to_async(user.save)()
    assert await closed_with(socket) == CLOSE_SESSION_ENDED


async def test_the_end_of_a_membership_closes_every_socket_of_the_user():
    user = await member()
    socket, _ = await open_socket(client=await logged_in_client(user))

    @database_sync_to_async
    def end():
        organisation_services.membership_end(actor=None, membership=Membership.objects.get(user=user))

    await end()
    assert await closed_with(socket) == CLOSE_ACCESS_CHANGED


async def test_a_second_factor_reset_closes_every_socket_of_the_member():
    organisation = await database_sync_to_async(factories.organisation)()
    admin = await database_sync_to_async(factories.member)(organisation, Role.ADMIN)
    user = await database_sync_to_async(factories.member)(organisation, Role.WORKER)
    socket, _ = await open_socket(client=await logged_in_client(user))

    @database_sync_to_async
    def reset():
        membership = Membership.objects.get(user=user)
        services.two_factor_reset(actor=admin, membership=membership)

    await reset()
    assert await closed_with(socket) == CLOSE_SESSION_ENDED


async def test_a_socket_whose_session_expired_closes_at_the_next_heartbeat(settings):
    settings.WS_HEARTBEAT_SECONDS = 0.2
    user = await member()
    client = await logged_in_client(user)
    socket, _ = await open_socket(client=client)
    assert (await socket.receive_json_from(timeout=1))["type"] == "heartbeat"

    # The idle (or absolute) timeout passed: the row's expiry is what both write.
    await database_sync_to_async(Session.objects.update)(expire_date=timezone.now() - timedelta(seconds=1))
    for _ in range(3):  # a heartbeat already on its way may come first
        output = await socket.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            break
    assert (output["type"], output["code"]) == ("websocket.close", CLOSE_SESSION_ENDED)


async def test_a_session_without_the_second_factor_it_needs_is_not_authenticated():
    worker = await member(Role.WORKER)
    _socket, connected = await open_socket(client=await logged_in_client(worker, second_factor=False))
    assert not connected

    liaison = await member(Role.LIAISON)
    socket, connected = await open_socket(client=await logged_in_client(liaison, second_factor=False))
    assert connected
    await socket.disconnect()
