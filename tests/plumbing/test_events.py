"""Publishing after commit, and never failing a write because the channel layer is down."""

import logging

import pytest
from django.db import transaction

from organisations import services
from organisations.choices import Role
from organisations.models import Membership
from plumbing import events
from plumbing.models import StreamVersion
from tests import factories


def test_publish_waits_for_the_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = events.publish_on_commit("tests.stream", "7", {"a": 1})
        assert sent == []
    assert len(callbacks) == 1
    [(group, event)] = sent
    assert group == "stream.tests.stream.7"
    assert event["version"] == version
    # What reaches sockets is plain JSON, serialised once.
    assert events.encode({"x": 1}) == '{"x":1}'
    assert '"prev_version":' in event["text"]


def test_a_delta_given_as_a_function_is_built_after_the_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    """What the transaction wrote after the call is in the delta: it is read once committed."""
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append(event))
    state = {"beds": 1}
    with django_capture_on_commit_callbacks(execute=True):
        version = events.publish_on_commit("tests.stream", "7", lambda: dict(state))
        state["beds"] = 2
    [event] = sent
    assert event["version"] == version
    assert '"data":{"beds":2}' in event["text"]


def test_a_delta_that_cannot_be_built_after_the_commit_is_logged_and_never_fails_the_write(
    db, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append(event))

    def broken():
        raise RuntimeError("the database went away")

    with (
        caplog.at_level(logging.ERROR, logger="plumbing.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = events.publish_on_commit("tests.stream", "7", broken)
    assert sent == []
    assert events.current_version("tests.stream", "7") == version
    assert "could not be read" in caplog.text


def test_versions_are_per_key_and_strictly_increasing(db):
    with transaction.atomic():
        assert [events.publish_on_commit("s", "a", {}) for _ in range(3)] == [1, 2, 3]
        assert events.publish_on_commit("s", "b", {}) == 1
    assert events.current_version("s", "a") == 3
    assert events.current_version("s", "never") == 0


def test_a_membership_change_publishes_the_rest_serializer_payload(db, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append((group, event)))
    organisation = factories.organisation()
    user = factories.user()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_grant(actor=None, organisation=organisation, user=user, role=Role.WORKER)
    groups = [group for group, _event in sent]
    # The member's notification inbox hears of it too (notifications.inbox, notifications.organisation_notices).
    assert groups == [
        f"stream.organisations.membership.{user.pk}",
        f"user.{user.pk}",
        f"stream.notifications.inbox.{user.pk}",
    ]
    delta = sent[0][1]
    assert delta["type"] == "stream.delta"
    assert '"role":"worker"' in delta["text"] and f'"id":{membership.pk}' in delta["text"]


@pytest.mark.django_db(transaction=True)
def test_a_write_succeeds_when_redis_is_unreachable(settings, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:9", "socket_timeout": None}]},
        }
    }
    organisation = factories.organisation()
    user = factories.user()
    with caplog.at_level(logging.ERROR, logger="plumbing.events"):
        membership = services.membership_grant(actor=None, organisation=organisation, user=user, role=Role.WORKER)
    assert Membership.objects.filter(pk=membership.pk, is_active=True).exists()
    assert StreamVersion.objects.get(stream="organisations.membership", key=str(user.pk)).version == 1
    assert "could not be sent" in caplog.text
