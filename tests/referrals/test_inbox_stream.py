"""The ``referrals.inbox`` live stream, end to end through the websocket endpoint."""

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from people import services as people_services
from tests.auth import login
from tests.casework import build_world
from tests.plumbing.test_consumer import open_socket

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


async def test_an_open_referral_page_is_told_to_redraw_without_the_text_when_consent_is_withdrawn(client):
    """The referral page follows its organisation's inbox stream and redraws its parts from the
    server when the referral's version goes up (static/js/referrals.js): the withdrawal moves the
    version, and what the page then fetches holds no free text."""
    world = await database_sync_to_async(build_world)()
    referral = await database_sync_to_async(world.refer)(reason="Appeler au 514 555-0123")
    await database_sync_to_async(login)(client, world.partner_agent)
    url = reverse("referrals:detail", args=[referral.pk])
    page = await database_sync_to_async(client.get)(url)
    assert "514 555-0123" in page.content.decode()
    socket, connected = await open_socket(world.partner_agent)
    assert connected
    await socket.send_json_to({"subscribe": "referrals.inbox", "key": str(world.partner.pk)})
    [shown] = (await socket.receive_json_from())["data"]

    await database_sync_to_async(people_services.consent_withdraw)(actor=world.hub_worker, consent=world.consent)
    delta = await socket.receive_json_from(timeout=2)
    assert delta["data"]["id"] == referral.pk and delta["data"]["version"] > shown["version"]
    assert "514 555-0123" not in str(delta)
    html = (await database_sync_to_async(client.get)(url)).content.decode()
    assert "514 555-0123" not in html and 'data-testid="text-withheld"' in html
    await socket.disconnect()
