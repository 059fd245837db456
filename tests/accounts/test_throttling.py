"""Login throttling (django-axes): per (email, address) pair and per address, a cool-off that
grows, the same answer and the same work whether or not an account has the email."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django.utils import timezone

from organisations.choices import Role
from tests import factories

ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.20"
UNKNOWN = "nobody-here@example.org"


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed: the work, and so the time, a login attempt costs."""

    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


def attempt(client, email: str, password: str, address: str = ATTACKER):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def page_text(response, email: str) -> str:
    """The page without what differs by nature: the CSRF token and the email typed back."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html.replace(email, "EMAIL")


@pytest.fixture
def worker(network):
    return network.a[Role.WORKER]


def test_a_wrong_password_and_an_unknown_email_get_the_same_page(client, worker):
    known = attempt(client, worker.email, "wrong-password")
    unknown = attempt(client, UNKNOWN, "wrong-password")
    assert known.status_code == unknown.status_code == 200
    assert page_text(known, worker.email) == page_text(unknown, UNKNOWN)
    assert "mot de passe valides" in known.content.decode()


def test_the_pair_is_locked_after_the_limit_even_with_the_right_password(client, worker, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert attempt(client, worker.email, "wrong-password").status_code == 200
    locked = attempt(client, worker.email, "wrong-password")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "60"
    assert "Trop de tentatives" in locked.content.decode()
    assert attempt(client, worker.email, factories.PASSWORD).status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_a_locked_unknown_email_gets_the_same_answer_as_a_locked_account(client, worker, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        known = attempt(client, worker.email, "wrong-password")
        unknown = attempt(client, UNKNOWN, "wrong-password")
    assert known.status_code == unknown.status_code == 429
    assert known["Retry-After"] == unknown["Retry-After"]
    assert page_text(known, worker.email) == page_text(unknown, UNKNOWN)


def test_an_attacker_does_not_lock_the_victim_out_from_elsewhere(client, worker, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT * 3):
        attempt(client, worker.email.upper(), "wrong-password", address=ATTACKER)
    assert attempt(client, worker.email, factories.PASSWORD, address=ATTACKER).status_code == 429
    response = attempt(client, worker.email, factories.PASSWORD, address=VICTIM)
    assert response.status_code == 302


def test_an_address_trying_many_accounts_is_locked_at_its_own_higher_limit(client, worker, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for number in range(11):
        assert attempt(client, f"guess{number}@example.org", "wrong-password").status_code == 200
    assert attempt(client, "guess-last@example.org", "wrong-password").status_code == 429
    assert attempt(client, worker.email, factories.PASSWORD).status_code == 429
    assert attempt(client, worker.email, factories.PASSWORD, address=VICTIM).status_code == 302


def test_the_lockout_ends_after_the_cool_off_which_grows_with_more_failures(client, worker, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            attempt(client, worker.email, "wrong-password")
        clock.move_to(start + timedelta(seconds=59))
        assert attempt(client, worker.email, factories.PASSWORD).status_code == 429
        # That refused attempt counted: the lock now runs a minute from it.
        clock.move_to(start + timedelta(seconds=59 + 61))
        assert attempt(client, worker.email, factories.PASSWORD).status_code == 302
        client.logout()

        # Once a lockout has ended, its failures are forgotten. Failing on during a lockout
        # doubles it for every further round of failures, up to the maximum.
        for _ in range(settings.LOGIN_FAILURE_LIMIT * 2):
            response = attempt(client, worker.email, "wrong-password")
        assert response["Retry-After"] == "120"
        for _ in range(settings.LOGIN_FAILURE_LIMIT):
            response = attempt(client, worker.email, "wrong-password")
        assert response["Retry-After"] == "240"
        settings.LOGIN_COOLOFF_MAX_MINUTES = 3
        assert attempt(client, worker.email, "wrong-password")["Retry-After"] == "180"
        last_failure = timezone.now()
        clock.move_to(last_failure + timedelta(minutes=2, seconds=59))
        assert attempt(client, worker.email, factories.PASSWORD).status_code == 429
        clock.move_to(last_failure + timedelta(minutes=5, seconds=59 + 1))
        assert attempt(client, worker.email, factories.PASSWORD).status_code == 302


def test_an_unknown_email_costs_the_same_password_hashing_as_a_known_one(client, db, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    user = factories.user()
    for email in (user.email, UNKNOWN):
        CountingHasher.hashed = 0
        attempt(client, email, "wrong-password")
        assert CountingHasher.hashed == 1, email
    # Locked out, neither is hashed at all: still the same work.
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, user.email, "wrong-password")
        attempt(client, UNKNOWN, "wrong-password")
    for email in (user.email, UNKNOWN):
        CountingHasher.hashed = 0
        assert attempt(client, email, "wrong-password").status_code == 429
        assert CountingHasher.hashed == 0, email
