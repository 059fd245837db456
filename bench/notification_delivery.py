"""Benchmark: what notifications cost a referral, how fast the outbox drains into a real SMTP
server, and how long a reminder pass takes with one and two workers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \
      .venv/bin/python bench/notification_delivery.py [--referrals 200] [--emails 1000] [--reminders 2000]

1. Creates and migrates its own database ``passerelle_bench_notifications`` on DATABASE_URL's
   server (never the database named there, nor a ``test*`` one), emptied of referrals and
   notifications at each run; seeds a hub and a partner (admin, coordinator, 3 workers: 5
   recipients of a new referral) through the services.
2. ``referral send``: ``--referrals`` referrals created and sent through ``referral_create``, half
   with the notification hook, half with it replaced by a no-op (alternating); median and p95
   per call, and the ratio.
3. ``outbox``: ``--emails`` pending emails sent into an aiosmtpd sink on 127.0.0.1 by one worker,
   then as many by two worker threads at once; emails per second, and every email received once.
4. ``half-time reminders``: ``--reminders`` open referrals past half time; one pass with one
   worker, one with two (on fresh rows), then an idle pass (everything already reminded): seconds
   each, and exactly one reminder per recipient and referral.

References, measured in the same run: the referral sent without the hook; the same number of
emails sent by Django's SMTP backend straight into the same sink over one connection (no outbox);
the same number of notifications as the reminder pass writes, inserted in one ``bulk_create``
(no rule, no lock, no outbox row). The last lines print each figure against its reference and the
ratio.

Figures are from one run on a shared machine; the load average is printed with them.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import database_urls, ensure_database, free_port, log, percentile, print_references  # noqa: E402

BENCH_DATABASE = "passerelle_bench_notifications"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def django_setup(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        WORKER_IN_PROCESS="false",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "ERROR"),
    )
    import django

    django.setup()


def seed():
    """A hub worker, a partner with five case workers, a person with a consent; old referrals
    and notifications are removed so that every run starts alike."""
    from django.db import connection

    from organisations import services as organisation_services
    from organisations.choices import OrganisationKind, PartnershipScope, Role
    from organisations.models import Organisation
    from tests import factories
    from tests.casework import consent_for

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_outgoingemail, notifications_notification, referrals_referral CASCADE")
    hub = Organisation.objects.filter(slug="bench-notifications-hub").first()
    if hub is None:
        log("seeding")
        hub = organisation_services.organisation_create(
            actor=None, name="Bench hub", slug="bench-notifications-hub", kind=OrganisationKind.HUB
        )
        partner = organisation_services.organisation_create(
            actor=None, name="Bench partner", slug="bench-notifications-partner", kind=OrganisationKind.EMPLOYMENT
        )
        factories.partnership(hub, partner, PartnershipScope.REFERRALS)
        factories.member(hub, Role.WORKER)
        for role in (Role.ADMIN, Role.COORDINATOR, Role.WORKER, Role.WORKER, Role.WORKER):
            factories.member(partner, role)
    partner = Organisation.objects.get(slug="bench-notifications-partner")
    worker = factories.case_worker(hub)
    person = factories.person(hub, actor=worker)
    consent = consent_for(worker, person, partner)
    return hub, partner, worker, person, consent


def refer(world):
    from organisations.choices import NeedCategory
    from people.choices import DataGroup, NeedUrgency
    from referrals import services

    hub, partner, worker, person, consent = world
    return services.referral_create(
        actor=worker,
        sender=hub,
        recipient=partner,
        person=person,
        consent=consent,
        need_category=NeedCategory.EMPLOYMENT,
        urgency=NeedUrgency.DAYS,
        shared_groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
    )


def bench_referral_send(world, count: int) -> tuple:
    from referrals import services

    hook = services.notify_referral_transition
    timings = {"with": [], "without": []}
    for index in range(count):
        variant = "with" if index % 2 == 0 else "without"
        services.notify_referral_transition = hook if variant == "with" else (lambda **kwargs: None)
        started = time.perf_counter()
        refer(world)
        timings[variant].append((time.perf_counter() - started) * 1000)
    services.notify_referral_transition = hook
    medians = {variant: statistics.median(values) for variant, values in timings.items()}
    for variant, values in timings.items():
        summary = f"median {medians[variant]:.1f} ms, p95 {percentile(values, 0.95):.1f} ms"
        log(f"referral send {variant} notifications: {summary}")
    log(f"referral send: ratio with/without {medians['with'] / medians['without']:.2f} (5 recipients)")
    return ("referral sent, median", medians["with"], "the same without the notification hook", medians["without"])


class Sink:
    def __init__(self):
        self.received = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(envelope)
        return "250 OK"


def run_workers(count: int, function) -> list:
    from django.db import close_old_connections

    barrier = threading.Barrier(count)
    results = []

    def run():
        barrier.wait()
        try:
            results.append(function())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def bare_send(notification, count: int) -> float:
    """Seconds to send ``count`` emails with Django's SMTP backend over one connection: no outbox."""
    from django.core.mail import EmailMessage, get_connection

    messages = [
        EmailMessage(f"Bench {index}", "A referral was received.", to=[notification.recipient.email])
        for index in range(count)
    ]
    started = time.perf_counter()
    with get_connection() as connection:
        sent = connection.send_messages(messages)
    elapsed = time.perf_counter() - started
    assert sent == count, sent
    return elapsed


def bench_outbox(world, count: int) -> list[tuple]:
    from aiosmtpd.controller import Controller
    from django.conf import settings

    from notifications.models import Notification, OutgoingEmail
    from notifications.services import outbox_send_due

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", controller.port, False
    notification = Notification.objects.filter(kind="referral_received").first()
    lines = []
    try:
        bare = bare_send(notification, count)
        assert len(sink.received) == count, len(sink.received)
        log(f"reference, {count} emails sent straight to the sink over one connection: {bare:.2f} s")
        for workers in (1, 2):
            OutgoingEmail.objects.all().delete()
            sink.received.clear()
            # One notification per email (an email belongs to one notification).
            notifications = Notification.objects.bulk_create(
                [
                    Notification(
                        recipient=notification.recipient,
                        organisation=notification.organisation,
                        kind=notification.kind,
                        content_type=notification.content_type,
                        object_id=notification.object_id,
                        params=notification.params,
                        delivery="email",
                    )
                    for _ in range(count)
                ]
            )
            OutgoingEmail.objects.bulk_create(
                [OutgoingEmail(recipient=notification.recipient, notification=n) for n in notifications]
            )
            started = time.perf_counter()
            sent = sum(run_workers(workers, lambda: outbox_send_due(batch_size=count)))
            elapsed = time.perf_counter() - started
            assert sent == count and len(sink.received) == count, (sent, len(sink.received))
            assert not OutgoingEmail.objects.exclude(status="sent").exists()
            log(f"outbox, {workers} worker(s): {count} emails in {elapsed:.2f} s, {count / elapsed:.0f}/s, each once")
            lines.append(
                (
                    f"outbox, {workers} worker(s), {count} emails",
                    elapsed,
                    "sent straight to the sink, one connection",
                    bare,
                    "s",
                )
            )
    finally:
        controller.stop()
    return lines


def bare_insert(world, rows: int) -> float:
    """Seconds to insert ``rows`` half-time notifications in one ``bulk_create`` (then delete them)."""
    from django.db import transaction

    from notifications.models import Notification
    from referrals.notifications import HALF_TIME

    template = Notification.objects.filter(kind="referral_received").first()
    started = time.perf_counter()
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=template.recipient,
                    organisation=template.organisation,
                    kind=HALF_TIME,
                    content_type=template.content_type,
                    object_id=template.object_id,
                    params=template.params,
                )
                for _ in range(rows)
            ]
        )
    elapsed = time.perf_counter() - started
    Notification.objects.filter(kind=HALF_TIME).delete()
    return elapsed


def bench_reminders(world, count: int) -> list[tuple]:
    from django.db.models import Count
    from django.utils import timezone

    from notifications.models import Notification
    from referrals import services
    from referrals.models import Referral
    from referrals.notifications import HALF_TIME, referral_remind_half_time
    from referrals.services import notify_referral_transition

    lines = []
    bare = bare_insert(world, count * 5)
    log(f"reference, {count * 5} notifications inserted in one bulk_create: {bare:.2f} s")
    services.notify_referral_transition = lambda **kwargs: None  # seeding: no "received" noise
    try:
        for workers in (1, 2):
            Referral.objects.all().delete()
            for _ in range(count):
                refer(world)
            later = timezone.now() + timedelta(days=2)
            started = time.perf_counter()
            reminded = sum(
                run_workers(workers, lambda later=later: referral_remind_half_time(batch_size=200, now=later))
            )
            elapsed = time.perf_counter() - started
            duplicates = (
                Notification.objects.filter(kind=HALF_TIME)
                .values("recipient_id", "object_id")
                .annotate(n=Count("id"))
                .filter(n__gt=1)
                .count()
            )
            assert duplicates == 0 and reminded == count * 5, (duplicates, reminded)
            log(f"half-time reminders, {workers} worker(s): {reminded} for {count} referrals in {elapsed:.2f} s")
            lines.append(
                (
                    f"half-time reminders, {workers} worker(s), {reminded}",
                    elapsed,
                    "one bulk INSERT of as many",
                    bare,
                    "s",
                )
            )
            started = time.perf_counter()
            assert referral_remind_half_time(now=later) == 0
            log(
                f"half-time reminders, idle pass over {count} reminded referrals: {time.perf_counter() - started:.3f} s"
            )
            Notification.objects.filter(kind=HALF_TIME).delete()
    finally:
        services.notify_referral_transition = notify_referral_transition
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=200)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--reminders", type=int, default=2000)
    options = parser.parse_args()
    database_url, maintenance_url = database_urls(BENCH_DATABASE, local_only=False)
    django_setup(database_url)
    ensure_database(database_url, maintenance_url)
    world = seed()
    log(f"load average before: {load_average()}")
    lines = [bench_referral_send(world, options.referrals)]
    lines += bench_outbox(world, options.emails)
    lines += bench_reminders(world, options.reminders)
    log(f"load average after: {load_average()}")
    print_references(lines)


if __name__ == "__main__":
    main()
