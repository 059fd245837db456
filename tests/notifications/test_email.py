"""Emails: rendered in the recipient's language, sent from the outbox by the worker, retried with
backoff after an SMTP failure (a real aiosmtpd server), sent once even with two workers."""

import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone, translation

from notifications import services
from notifications.models import Delivery, Notification, NotificationPreference, OutgoingEmail
from organisations.choices import Role
from tests.notifications.world import build, referral_number
from tests.plumbing.test_worker import run_in_threads

LANGUAGES = {"fr-ca": "Emploi", "en-ca": "Employment", "es-419": "Empleo"}


@pytest.fixture
def world(db):
    return build()


def test_a_referral_received_is_queued_for_email_in_the_same_transaction(world):
    referral = world.refer()
    agent = world.partner[Role.WORKER]
    notification = Notification.objects.get(kind="referral_received", recipient=agent)
    assert notification.delivery == Delivery.EMAIL
    email = OutgoingEmail.objects.get(notification=notification)
    assert email.status == OutgoingEmail.Status.PENDING and email.recipient == agent
    assert notification.params["number"] == referral.pk


@pytest.mark.parametrize(("language", "need_label"), LANGUAGES.items())
def test_the_email_is_written_in_the_recipients_language(world, settings, language, need_label):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agent = world.partner[Role.WORKER]
    agent.preferred_language = language
    agent.save(update_fields=["preferred_language"])
    NotificationPreference.objects.create(user=world.partner[Role.ADMIN], kind="referral_received", delivery="off")
    NotificationPreference.objects.create(
        user=world.partner[Role.COORDINATOR], kind="referral_received", delivery="in_app"
    )
    referral = world.refer()
    # The sender's own language plays no part: the worker renders for the reader.
    with translation.override("fr-ca"):
        assert services.outbox_send_due() == 1
    [message] = mail.outbox
    assert message.to == [agent.email]
    assert message.extra_headers["Content-Language"] == language
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert f'<html lang="{language}">' in html
    # The need's label is translated already (locale/), in both parts.
    assert need_label in message.body and need_label in html
    assert referral_number(referral.pk, language) in message.body
    assert f"/referrals/{referral.pk}/" in message.body
    # Nothing translated is stored: only codes and names.
    notification = Notification.objects.get(recipient=agent, kind="referral_received")
    assert notification.params["need"] == "employment"
    assert notification.emailed_at is not None


@pytest.mark.parametrize(("language", "greeting"), [("fr-ca", "Bonjour"), ("es-419", "Hola")])
def test_new_strings_are_translated_in_the_email(world, settings, language, greeting):
    """The email's own sentences, not only the labels it borrows, are in the reader's language."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    agent = world.partner[Role.WORKER]
    agent.preferred_language = language
    agent.save(update_fields=["preferred_language"])
    world.refer(assignee=agent)
    services.outbox_send_due()
    assert greeting in mail.outbox[0].body


class FlakySMTP:
    """An SMTP sink that refuses the first ``failures`` messages with a temporary error."""

    def __init__(self, failures: int):
        self.failures = failures
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.failures > 0:
                self.failures -= 1
                return "451 4.3.0 Try again later"
            self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    def start(failures: int = 0) -> FlakySMTP:
        handler = FlakySMTP(failures)
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = controller.port
        settings.EMAIL_USE_TLS = False
        return handler

    started = []
    yield start
    for controller in started:
        controller.stop()


def test_a_failed_send_is_retried_with_backoff_then_sent_once(world, smtp_server):
    server = smtp_server(failures=1)
    agent = world.partner[Role.WORKER]
    world.refer(assignee=agent)
    email = OutgoingEmail.objects.get()
    now = timezone.now()

    assert services.outbox_send_due(now=now) == 0
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.PENDING
    assert email.attempts == 1 and "451" in email.last_error
    assert email.next_attempt_at == now + services.RETRY_FIRST
    assert server.received == []

    # Not due yet: nothing is tried.
    assert services.outbox_send_due(now=now + timedelta(seconds=30)) == 0
    assert server.received == []

    assert services.outbox_send_due(now=now + timedelta(minutes=2)) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    assert [envelope.rcpt_tos for envelope in server.received] == [[agent.email]]
    assert b"Message-ID: <outbox-" in server.received[0].original_content

    # Later passes send nothing again.
    assert services.outbox_send_due(now=now + timedelta(hours=1)) == 0
    assert len(server.received) == 1


def test_an_unreachable_smtp_server_keeps_the_email_pending(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    world.refer(assignee=world.partner[Role.WORKER])
    now = timezone.now()
    for attempt in range(1, 4):
        services.outbox_send_due(now=now + timedelta(days=attempt))
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.PENDING and email.attempts == 3
    assert email.next_attempt_at - (now + timedelta(days=3)) == services.retry_delay(3) == timedelta(minutes=4)
    assert services.retry_delay(30) == services.RETRY_MAX


def test_a_daily_digest_collects_the_days_notifications_once(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    author = world.hub[Role.WORKER]
    NotificationPreference.objects.create(user=author, kind="referral_accepted", delivery=Delivery.DIGEST)
    NotificationPreference.objects.create(user=author, kind="referral_message", delivery=Delivery.DIGEST)
    from referrals import services as referral_services

    referral = world.refer()
    referral_services.referral_message_post(actor=world.partner[Role.WORKER], referral=referral, body="Bonjour")
    referral_services.referral_transition(
        actor=world.partner[Role.WORKER], referral=referral, action="accept", expected_version=referral.version
    )
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.digests_queue(now=tomorrow) == 1
    assert services.digests_queue(now=tomorrow) == 0  # idempotent
    mail.outbox.clear()
    services.outbox_send_due(now=tomorrow)
    [digest] = [message for message in mail.outbox if message.to == [author.email]]
    number = referral_number(referral.pk, author.preferred_language)
    assert digest.body.count(number) == 2
    assert not Notification.objects.filter(recipient=author, delivery=Delivery.DIGEST, emailed_at__isnull=True)


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_each_email_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = build()
    for _ in range(6):
        world.refer()
    mail.outbox.clear()
    expected = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
    assert expected == 6 * 3  # the partner's admin, coordinator and worker, by default by email

    counts = run_in_threads(lambda: services.outbox_send_due(batch_size=100), 2)

    assert sum(counts) == expected
    assert len(mail.outbox) == expected
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == expected
    assert not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()


def test_a_crash_after_sending_sends_again_with_the_same_message_id(world, settings, monkeypatch):
    """The documented choice (docs/notifications.md): at least once, never lost. A worker that dies
    between the SMTP answer and the commit leaves the row pending; the next pass sends it again,
    with the same Message-ID so that the receiving side can tell it is the same message."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.refer(assignee=world.partner[Role.WORKER])
    mail.outbox.clear()
    original_save = OutgoingEmail.save

    def crash(self, *args, **kwargs):
        if self.status == OutgoingEmail.Status.SENT:
            raise SystemExit("worker killed")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(OutgoingEmail, "save", crash)
    with pytest.raises(SystemExit):
        services.outbox_send_due()
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.PENDING
    monkeypatch.setattr(OutgoingEmail, "save", original_save)
    assert services.outbox_send_due() == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]
    assert services.outbox_send_due() == 0
