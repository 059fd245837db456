"""The notification inbox: notifications, delivery preferences, the email outbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.querysets import RestrictedQuerySet


class Delivery(models.TextChoices):
    """How a user wants to hear about one kind of notification."""

    IN_APP = "in_app", _("In the app only")
    EMAIL = "email", _("By email at once")
    DIGEST = "digest", _("In a daily email digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    """Something one user should know about one object (a referral, a hold, a consent…), in the
    context of one organisation.

    Only codes, ids and proper names are stored (``kind``, ``params``): the text is rendered when
    it is shown or emailed, in the reader's language (``notifications.kinds``). A reminder carries
    an ``occasion`` ("half_time", "2026-11-30"): one recipient gets one notification per kind,
    object and occasion, which the database enforces, so a job run twice creates nothing twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("type of object")
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    subject = GenericForeignKey("content_type", "object_id")
    occasion = models.CharField(_("occasion"), max_length=32, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    # The delivery chosen when it was created: a digest collects the notifications made for it.
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices, default=Delivery.IN_APP)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "occasion"],
                condition=~Q(occasion=""),
                name="notification_once_per_occasion",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(delivery="digest", emailed_at__isnull=True),
                name="notification_digest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """One user's choice of delivery for one kind; a kind without a row uses its default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=64)
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="unique_notification_preference")]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.kind}: {self.delivery}"


class OutgoingEmail(models.Model):
    """An email waiting in the outbox: one notification sent at once, one user's daily digest, or
    a message from a template to an address (an invitation to someone who may have no account).

    Nothing is rendered here: the worker renders it when it sends, in the recipient's language at
    that moment (a template message: in its ``language``, chosen when it was queued). A failed
    send stays pending with ``next_attempt_at`` pushed back (exponential backoff); the worker
    marks a row sent in the same transaction that holds its row lock, so two workers never send it
    twice (docs/notifications.md says what a crash can do). A template message's ``params`` may
    hold a one-time link: they are erased once the email is sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    notification = models.OneToOneField(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email",
        verbose_name=_("notification"),
    )
    digest_day = models.DateField(_("digest of"), null=True, blank=True)
    address = models.EmailField(_("address"), blank=True)
    template = models.CharField(_("template"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(notification__isnull=False, digest_day__isnull=True, template="", recipient__isnull=False)
                    | Q(notification__isnull=True, digest_day__isnull=False, template="", recipient__isnull=False)
                    | (Q(notification__isnull=True, digest_day__isnull=True, address__gt="") & ~Q(template=""))
                ),
                name="email_notification_digest_or_template",
            ),
            models.UniqueConstraint(fields=["recipient", "digest_day"], name="one_digest_per_user_and_day"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_due_idx"),
        ]

    def __str__(self) -> str:
        return f"email {self.pk} → {self.recipient_id or self.address} ({self.status})"
