"""Password-reset emails are limited per typed address and per client address; the page answers
the same whether an email was sent, refused by a limit, or the address has no account."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import PasswordResetRequest
from accounts.services import password_reset_requests_expire
from organisations.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def ask(client, email: str, address: str = "203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_at_most_three_emails_per_address_an_hour_with_the_same_answer(client, network, settings):
    worker = network.a[Role.WORKER]
    answers = [ask(client, worker.email, address=f"203.0.113.{number}") for number in range(10)]
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_EMAIL == 3
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, reverse("password_reset_done"))}
    # The address as typed in another case is the same address.
    ask(client, worker.email.upper(), address="198.51.100.1")
    assert len(mail.outbox) == 3

    with time_machine.travel(timezone.now() + timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES, seconds=1)):
        ask(client, worker.email)
        assert len(mail.outbox) == 4


def test_at_most_ten_requests_per_client_an_hour(client, network, settings):
    users = [network.a[Role.WORKER], network.a[Role.COORDINATOR], network.a[Role.ADMIN], network.b[Role.WORKER]]
    for number in range(settings.PASSWORD_RESET_PER_CLIENT):
        ask(client, f"nobody{number}@example.org")  # unknown addresses count too
    assert mail.outbox == []
    for user in users:
        assert ask(client, user.email)["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    ask(client, users[0].email, address="198.51.100.1")  # another client
    assert [message.to for message in mail.outbox] == [[users[0].email]]


def test_the_typed_address_is_not_stored_and_old_requests_are_deleted(client, network, settings):
    worker = network.a[Role.WORKER]
    ask(client, worker.email)
    stored = PasswordResetRequest.objects.get()
    assert worker.email not in stored.email_digest and stored.client_address == "203.0.113.7"
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.PASSWORD_RESET_WINDOW_MINUTES, seconds=1)):
        assert password_reset_requests_expire() == 1
    assert not PasswordResetRequest.objects.exists()
