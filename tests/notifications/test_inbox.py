"""The inbox: created with the change and pushed only after commit, stored even when Redis is
down, the API (filters, keyset pages, mark one or all read, someone else's is a 404, preferences),
the pages and the bell, and the live stream through the real websocket stack."""

import json
import logging

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from notifications import services
from notifications.models import Delivery, Notification, NotificationPreference
from organisations.choices import Role
from plumbing import events
from tests.auth import login
from tests.notifications.world import build, referral_number
from tests.sockets import open_socket


@pytest.fixture
def world(db):
    return build()


def agent_of(world):
    return world.partner[Role.WORKER]


# --- Created in the transaction, pushed after commit ------------------------------------------------


def test_nothing_is_stored_or_pushed_for_a_rolled_back_change(world, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append(group))
    before = Notification.objects.count()
    version = events.current_version("notifications.inbox", agent_of(world).pk)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        world.refer()
        assert Notification.objects.filter(kind="referral_received").count() == 3
        raise RuntimeError("the change fails after the notifications were made")
    assert Notification.objects.count() == before
    assert callbacks == [] and sent == []
    assert events.current_version("notifications.inbox", agent_of(world).pk) == version


def test_a_committed_change_pushes_the_count_and_the_text_in_the_readers_language(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append((group, event)))
    agent = agent_of(world)
    agent.preferred_language = "es-419"
    agent.save(update_fields=["preferred_language"])
    with translation.override("en-ca"), django_capture_on_commit_callbacks(execute=True):
        referral = world.refer()
    [(group, event)] = [(g, e) for g, e in sent if g == f"stream.notifications.inbox.{agent.pk}"]
    message = json.loads(event["text"])
    assert message["type"] == "delta" and message["stream"] == "notifications.inbox"
    assert message["data"]["unread_count"] == services.unread_count(agent)
    assert message["data"]["notification"]["kind"] == "referral_received"
    assert referral_number(referral.pk, "es-419") in message["data"]["notification"]["text"]
    assert "Empleo" in message["data"]["notification"]["text"]  # the need, in Spanish (locale/)
    assert message["data"]["notification"]["url"] == f"/referrals/{referral.pk}/"


@pytest.mark.django_db(transaction=True)
def test_with_redis_unreachable_the_write_succeeds_and_the_notification_is_stored(settings, caplog):
    world = build()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:9", "socket_timeout": None}]},
        }
    }
    with caplog.at_level(logging.ERROR, logger="plumbing.events"):
        referral = world.refer()
    assert "could not be sent" in caplog.text
    agent = agent_of(world)
    assert Notification.objects.filter(recipient=agent, kind="referral_received", object_id=referral.pk).exists()
    # … and it shows on the next page load.
    client = Client()
    login(client, agent)
    page = client.get(reverse("notifications:inbox"))
    assert referral_number(referral.pk, agent.preferred_language) in page.content.decode()


# --- API ------------------------------------------------------------------------------------------


def test_the_api_lists_filters_and_pages_ones_own_notifications(world, api, django_assert_max_num_queries):
    agent = agent_of(world)
    referrals = [world.refer() for _ in range(3)]
    api.force_authenticate(agent)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/notifications/", {"kind": "referral_received", "page_size": 2})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["kind"] for row in rows] == ["referral_received"] * 2
    assert rows[0]["text"] and rows[0]["url"] == f"/referrals/{referrals[-1].pk}/"
    assert rows[0]["is_read"] is False
    more = api.get(response.json()["next"]).json()["results"]
    assert len(more) == 1 and more[0]["url"] == f"/referrals/{referrals[0].pk}/"
    everything = api.get("/api/v1/notifications/", {"page_size": 100}).json()["results"]
    assert {row["kind"] for row in everything} == {"referral_received", "membership_granted"}
    assert api.get("/api/v1/notifications/", {"unread": "maybe"}).status_code == 400


def test_marking_read_one_and_all(world, api):
    agent = agent_of(world)
    world.refer()
    world.refer()
    api.force_authenticate(agent)
    unread = services.unread_count(agent)
    first = Notification.objects.filter(recipient=agent, kind="referral_received").first()
    response = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert services.unread_count(agent) == unread - 1
    assert [row["id"] for row in api.get("/api/v1/notifications/", {"unread": "false"}).json()["results"]] == [first.pk]
    response = api.post("/api/v1/notifications/read-all/", {"kind": "referral_received"}, format="json")
    assert response.json() == {"marked": 1, "unread_count": unread - 2}
    response = api.post("/api/v1/notifications/read-all/", {}, format="json")
    assert response.json()["unread_count"] == 0


def test_someone_elses_notification_is_not_found(world, api):
    world.refer()
    theirs = Notification.objects.filter(recipient=agent_of(world)).first()
    api.force_authenticate(world.partner[Role.ADMIN])
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    api.force_authenticate(None)
    assert api.get("/api/v1/notifications/").status_code in (401, 403)


def test_preferences_per_kind_and_locked_kinds(world, api):
    coordinator = world.hub[Role.COORDINATOR]
    api.force_authenticate(coordinator)
    rows = {row["kind"]: row for row in api.get("/api/v1/notifications/preferences/").json()}
    assert rows["referral_escalated"]["locked"] is True and "off" not in rows["referral_escalated"]["choices"]
    assert rows["referral_received"]["delivery"] == Delivery.EMAIL
    response = api.put(
        "/api/v1/notifications/preferences/",
        {"deliveries": {"referral_received": "off", "referral_accepted": "digest"}},
        format="json",
    )
    assert response.status_code == 200
    assert {row["kind"]: row["delivery"] for row in response.json()}["referral_accepted"] == "digest"
    response = api.put(
        "/api/v1/notifications/preferences/", {"deliveries": {"referral_escalated": "off"}}, format="json"
    )
    assert response.status_code == 422 and response.json()["code"] == "locked_kind"
    # A stored "off" for a locked kind (set before it was locked) still lets it through.
    NotificationPreference.objects.update_or_create(
        user=coordinator, kind="referral_escalated", defaults={"delivery": "off"}
    )
    assert services.delivery_for(coordinator, "referral_escalated") == Delivery.IN_APP


def test_off_means_no_notification(world):
    agent = agent_of(world)
    services.preferences_update(user=agent, deliveries={"referral_received": Delivery.OFF})
    world.refer()
    assert not Notification.objects.filter(recipient=agent, kind="referral_received").exists()
    assert Notification.objects.filter(recipient=world.partner[Role.ADMIN], kind="referral_received").exists()


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_bell_inbox_and_preferences_pages(world):
    agent = agent_of(world)
    referral = world.refer()
    client = Client()
    login(client, agent)
    home = client.get("/").content.decode()
    unread = services.unread_count(agent)
    assert 'id="notification-bell"' in home and f'data-key="{agent.pk}"' in home
    assert f'id="notification-count">{unread}<' in home

    page = client.get(reverse("notifications:inbox"), {"unread": "1", "kind": "referral_received"}).content.decode()
    assert page.count('class="notification notification--unread"') == 1
    assert referral_number(referral.pk, agent.preferred_language) in page

    notification = Notification.objects.get(recipient=agent, kind="referral_received")
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    other = Notification.objects.filter(recipient=world.partner[Role.ADMIN]).first()
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404

    client.post(reverse("notifications:read-all"))
    assert services.unread_count(agent) == 0

    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="kind-referral_received"' in page
    assert 'name="kind-referral_escalated" value="off"' not in page
    response = client.post(reverse("notifications:preferences"), {"kind-referral_received": "digest"})
    assert response.status_code == 302
    assert services.delivery_for(agent, "referral_received") == Delivery.DIGEST


# --- Live: through the real websocket stack ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_inbox_stream_sends_a_snapshot_and_a_delta_to_its_user_only():
    from channels.db import database_sync_to_async

    world = await database_sync_to_async(build)()
    agent = agent_of(world)
    socket, connected = await open_socket(agent)
    assert connected
    await socket.send_json_to({"subscribe": "notifications.inbox", "key": str(agent.pk)})
    snapshot = await socket.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot" and snapshot["data"]["unread_count"] == 1  # the role granted

    intruder, _ = await open_socket(world.partner[Role.ADMIN])
    await intruder.send_json_to({"subscribe": "notifications.inbox", "key": str(agent.pk)})
    assert (await intruder.receive_json_from(timeout=5))["type"] == "error"

    referral = await database_sync_to_async(world.refer)()
    delta = await socket.receive_json_from(timeout=5)
    assert delta["type"] == "delta" and delta["data"]["unread_count"] == 2
    assert delta["data"]["notification"]["url"] == f"/referrals/{referral.pk}/"
    assert delta["prev_version"] == snapshot["version"]
    assert await intruder.receive_nothing(timeout=0.3)
    await socket.disconnect()
    await intruder.disconnect()


def test_after_losing_access_the_text_and_link_are_withheld(world, api):
    from organisations import services as organisation_services

    agent = agent_of(world)
    referral = world.refer()
    # The agent keeps another role elsewhere, so they can still log in and read their inbox.
    organisation_services.membership_grant(actor=None, organisation=world.other.organisation, user=agent, role="worker")
    membership = agent.memberships.get(organisation=world.partner.organisation)
    organisation_services.membership_end(actor=None, membership=membership)
    api.force_authenticate(agent)
    rows = {row["kind"]: row for row in api.get("/api/v1/notifications/", {"page_size": 100}).json()["results"]}
    with translation.override(agent.preferred_language):
        withheld = translation.gettext("You no longer have access to what this notification was about.")
    assert rows["referral_received"]["text"] == withheld
    assert rows["referral_received"]["url"] == ""
    # Their own membership stays theirs to read.
    assert rows["membership_ended"]["url"] == "/profile/"
    client = Client()
    login(client, agent)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert referral_number(referral.pk, agent.preferred_language) not in page
    assert escape(withheld) in page
