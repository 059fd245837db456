"""The ``referrals.inbox`` live stream, end to end through the websocket endpoint."""

import pytest
from channels.db import database_sync_to_async

from people import services as people_services
from tests.casework import build_world
from tests.notifications.test_consumer import open_socket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_partner_inbox_gets_new_referrals_and_redactions_live():
    world = await database_sync_to_async(build_world)()
    socket, connected = await open_socket(world.partner_agent)
    assert connected
    await socket.send_json_to({"subscribe": "referrals.inbox", "key": str(world.partner.pk)})
    snapshot = await socket.receive_json_from()
    assert (snapshot["type"], snapshot["data"]) == ("snapshot", [])

    referral = await database_sync_to_async(world.refer)()
    delta = await socket.receive_json_from(timeout=2)
    assert (delta["type"], delta["data"]["id"], delta["data"]["status"]) == ("delta", referral.pk, "sent")
    assert delta["data"]["person_name"] == "María José García López"

    await database_sync_to_async(people_services.consent_withdraw)(actor=world.hub_worker, consent=world.consent)
    redacted = await socket.receive_json_from(timeout=2)
    assert (redacted["data"]["id"], redacted["data"]["person_name"]) == (referral.pk, None)
    assert redacted["prev_version"] == delta["version"]
    await socket.disconnect()


async def test_another_partner_cannot_follow_this_inbox():
    world = await database_sync_to_async(build_world)()
    socket, _ = await open_socket(world.other_agent)
    await socket.send_json_to({"subscribe": "referrals.inbox", "key": str(world.partner.pk)})
    assert (await socket.receive_json_from())["code"] == "not_found"
    await socket.disconnect()
