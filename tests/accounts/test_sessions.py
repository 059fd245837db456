"""Session lifetime: an idle timeout and an absolute one, with the clock moved; the idle expiry
is written at most once a minute."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from organisations.choices import Role
from tests.auth import login


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def page(client):
    return client.get(reverse("home"))


def session_row(client) -> Session:
    return Session.objects.get(session_key=client.cookies[django_settings.SESSION_COOKIE_NAME].value)


def test_a_session_ends_after_30_idle_minutes(client, network, clock):
    login(client, network.a[Role.WORKER])
    clock.shift(timedelta(minutes=29))
    assert page(client).status_code == 200
    clock.shift(timedelta(minutes=29))
    assert page(client).status_code == 200  # each request pushes the idle expiry back
    clock.shift(timedelta(minutes=30, seconds=1))
    response = page(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_idle_timeout_is_a_setting(client, network, clock, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    login(client, network.a[Role.WORKER])
    clock.shift(timedelta(minutes=5, seconds=1))
    assert page(client).status_code == 302


def test_a_session_ends_at_its_absolute_timeout_however_busy(client, network, clock, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT_HOURS = 1
    login(client, network.a[Role.WORKER])
    for _ in range(5):
        clock.shift(timedelta(minutes=11))
        assert page(client).status_code == 200
    clock.shift(timedelta(minutes=5, seconds=1))  # 60 minutes and one second after the login
    assert page(client).status_code == 302


def test_the_idle_expiry_is_written_at_most_once_a_minute(client, network, clock):
    login(client, network.a[Role.WORKER])
    page(client)
    written = session_row(client).expire_date
    clock.shift(timedelta(seconds=30))
    page(client)
    assert session_row(client).expire_date == written
    clock.shift(timedelta(seconds=31))
    page(client)
    assert session_row(client).expire_date == written + timedelta(seconds=61)
