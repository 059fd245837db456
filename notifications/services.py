"""Writes of the notification inbox: creating notifications (with their email in the outbox),
marking them read, delivery preferences, and the worker jobs that send the outbox and queue the
daily digests.

Picking recipients is a security decision (Zulip): domain apps propose the people who should
know (the assignee, the sender's author, the partner's case workers — never "everyone in the
organisation"), and ``notify`` keeps only those the access policy lets open the object, and never
the actor themself.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation

from notifications.kinds import get_kind
from notifications.models import Delivery, Notification, NotificationPreference, OutgoingEmail
from notifications.rendering import render_email
from organisations.errors import ApplicationError
from organisations.permissions import Action, can, require
from plumbing.events import publish_on_commit
from plumbing.jobs import periodic_job

logger = logging.getLogger(__name__)

INBOX_STREAM = "notifications.inbox"

# Outbox retries: 1 min, 2, 4… at most an hour apart; after MAX_ATTEMPTS the row is "failed"
# (kept, visible in the admin site, never silently dropped).
RETRY_FIRST = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 12


def deliveries_for(user_ids, kind_code: str) -> dict[int, str]:
    """Each user's delivery for a kind, in one query: their choice, else the kind's default; a
    locked kind is never off."""
    kind = get_kind(kind_code)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind_code).values_list(
            "user_id", "delivery"
        )
    )
    deliveries = {}
    for user_id in user_ids:
        delivery = chosen.get(user_id) or kind.default
        deliveries[user_id] = Delivery.IN_APP if kind.locked and delivery == Delivery.OFF else delivery
    return deliveries


def delivery_for(user, kind_code: str) -> str:
    return deliveries_for([user.pk], kind_code)[user.pk]


def notify(
    *,
    kind: str,
    subject: models.Model,
    recipients: Iterable,
    organisation=None,
    actor=None,
    occasion: str = "",
    params: dict | None = None,
) -> list[Notification]:
    """Notify each of ``recipients`` who may open ``subject`` about it; call it inside the
    transaction of the change (or of the reminder job), so that the notification exists exactly
    when the change does.

    With an ``occasion`` (reminders), a recipient gets at most one notification per kind, object
    and occasion: the unique constraint makes a second run, or a second worker, create nothing.
    Returns the notifications created.
    """
    definition = get_kind(kind)
    if definition is None:
        raise ValueError(f"Unknown notification kind {kind!r}")
    candidates = {user.pk: user for user in recipients if user is not None}
    if actor is not None:
        candidates.pop(actor.pk, None)
    created = []
    if occasion:
        # Reminders run again and again over the same rows: skip at once who was already told.
        told = Notification.objects.filter(
            recipient_id__in=list(candidates),
            kind=kind,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
            occasion=occasion,
        ).values_list("recipient_id", flat=True)
        for user_id in list(told):
            candidates.pop(user_id, None)
    deliveries = deliveries_for(list(candidates), kind)
    for user in candidates.values():
        delivery = deliveries[user.pk]
        # Never about something the reader cannot open, whoever proposed them.
        if delivery == Delivery.OFF or not user.is_active or not can(user, Action.VIEW, subject):
            continue
        notification = Notification(
            recipient=user,
            organisation=organisation,
            kind=kind,
            subject=subject,
            occasion=occasion,
            params=params or {},
            actor=actor,
            delivery=delivery,
        )
        if occasion:
            try:
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                continue  # already told on this occasion (another run or another worker)
        else:
            notification.save()
        if delivery == Delivery.EMAIL:
            OutgoingEmail.objects.create(recipient=user, notification=notification)
        _publish(notification)
        created.append(notification)
    return created


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _publish(notification: Notification) -> None:
    """Push the new notification and the unread count to every open tab of its recipient,
    after commit, worded in the recipient's language."""
    from notifications.api.serializers import NotificationSerializer

    recipient = notification.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        data = NotificationSerializer(notification).data
    publish_on_commit(INBOX_STREAM, recipient.pk, {"unread_count": unread_count(recipient), "notification": data})


def _publish_count(user) -> None:
    publish_on_commit(INBOX_STREAM, user.pk, {"unread_count": unread_count(user), "notification": None})


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (another user's is not found)."""
    require(user, Action.CHANGE, notification)
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    notification.refresh_from_db()
    if updated:
        _publish_count(user)
    return notification


@transaction.atomic
def notification_mark_all_read(*, user, kind: str | None = None) -> int:
    """Mark all the user's unread notifications (of one kind, if given) read; returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    updated = unread.update(read_at=timezone.now())
    if updated:
        _publish_count(user)
    return updated


@transaction.atomic
def preferences_update(*, user, deliveries: dict[str, str]) -> None:
    """Save the user's delivery per kind; a locked kind cannot be switched off."""
    for code, delivery in deliveries.items():
        kind = get_kind(code)
        if kind is None or delivery not in Delivery.values:
            raise ApplicationError(code="invalid_preference")
        if kind.locked and delivery == Delivery.OFF:
            raise ApplicationError(code="locked_kind")
        NotificationPreference.objects.update_or_create(user=user, kind=code, defaults={"delivery": delivery})


# --- The email outbox ------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the ``attempts``-th failure."""
    return min(RETRY_MAX, RETRY_FIRST * 2 ** max(0, attempts - 1))


def email_queue(*, address: str, template: str, language: str, params: dict) -> OutgoingEmail:
    """Put a message to ``address`` in the outbox, to be rendered from ``template``
    (``<template>_subject.txt``, ``.txt`` and ``.html``) in ``language`` with ``params`` when it is
    sent. For someone who may have no account (an invitation); call it inside the transaction of
    the change it tells about. ``params`` may hold a one-time link: it is erased once sent."""
    return OutgoingEmail.objects.create(address=address, template=template, language=language, params=params)


def _email_notifications(email: OutgoingEmail) -> list[Notification]:
    if email.template:
        return []
    if email.notification_id is not None:
        return [email.notification]
    # A digest collects what was waiting for one when it is sent, so a day the worker missed
    # is not lost: it arrives with the next digest.
    return list(
        Notification.objects.filter(
            recipient=email.recipient, delivery=Delivery.DIGEST, emailed_at__isnull=True
        ).order_by("created_at", "pk")
    )


@periodic_job("notifications.send_emails", every=timedelta(seconds=15))
def outbox_send_due(batch_size: int = 50, now: datetime | None = None) -> int:
    """Send the due emails of the outbox, one transaction per email.

    Each row is locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (SQLite: the IMMEDIATE write
    transaction) while it is sent, and marked sent before that transaction commits, so two
    workers never send one email and a failure is retried later with backoff. A crash between
    the SMTP answer and the commit leaves the row pending: it is sent again (same Message-ID), a
    duplicate we accept rather than losing an email (docs/notifications.md).
    """
    sent = 0
    for _ in range(batch_size):
        with transaction.atomic():
            moment = now or timezone.now()
            email = (
                OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "notification")
                .filter(status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=moment)
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if email is None:
                break
            notifications = _email_notifications(email)
            try:
                message = render_email(email, notifications)
                if message is not None:
                    message.send()
            except Exception as error:
                email.attempts += 1
                email.last_error = repr(error)[:2000]
                email.next_attempt_at = moment + retry_delay(email.attempts)
                if email.attempts >= MAX_ATTEMPTS:
                    email.status = OutgoingEmail.Status.FAILED
                email.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
                logger.warning("Email %s not sent (attempt %s): %r", email.pk, email.attempts, error)
                continue
            email.status = OutgoingEmail.Status.SENT
            email.attempts += 1
            email.sent_at = moment
            email.last_error = ""
            # A template message's link (an invitation's secret) lives in the recipient's mailbox
            # from now on, not here.
            email.params = {}
            email.save(update_fields=["status", "attempts", "sent_at", "last_error", "params"])
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=moment)
            sent += 1
    return sent


@periodic_job("notifications.queue_digests", every=timedelta(minutes=15))
def digests_queue(now: datetime | None = None) -> int:
    """Once a day (after local midnight), put one digest in the outbox for each user with
    digest notifications waiting. Idempotent: one digest per user and day (unique constraint);
    a worker that was down queues it on its next pass."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day_start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    waiting = (
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True, created_at__lt=day_start)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    digest_day = today - timedelta(days=1)
    emails = [OutgoingEmail(recipient_id=user_id, digest_day=digest_day, next_attempt_at=now) for user_id in waiting]
    before = OutgoingEmail.objects.filter(digest_day=digest_day).count()
    OutgoingEmail.objects.bulk_create(emails, ignore_conflicts=True)
    return OutgoingEmail.objects.filter(digest_day=digest_day).count() - before
