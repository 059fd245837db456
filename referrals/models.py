"""Referrals between organisations: the referral itself, its timeline and its message thread."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from organisations.choices import NeedCategory
from organisations.models import Organisation, Service
from organisations.querysets import RestrictedQuerySet
from people.choices import NeedUrgency
from people.models import Consent, Person
from referrals.choices import FHIR_STATUS, DeclineReason, DeclineSide, ReferralEventKind, ReferralStatus


class Referral(models.Model):
    """A formal referral of a person (or their household) from one organisation to a partner's
    queue, sharing only the data groups an active consent covers.

    ``respond_by`` is the partner's deadline; it does not run while the sender owes an answer
    (``paused_at``).

    ``version`` goes up with every change: a write based on an older version is refused (409),
    so two agents acting at once never overwrite each other.
    """

    sender = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("to")
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals", verbose_name=_("service")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person"))
    for_household = models.BooleanField(_("for the whole household"), default=False)
    need_category = models.CharField(_("need"), max_length=32, choices=NeedCategory.choices)
    urgency = models.CharField(_("urgency"), max_length=16, choices=NeedUrgency.choices)
    reason = models.TextField(_("reason"), blank=True)
    shared_groups = models.JSONField(_("information shared"))
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("consent"))
    respond_by = models.DateTimeField(_("respond by"))
    # The partner's clock stops while the sender owes it an answer ("information requested"):
    # ``paused_at`` is when it stopped; on the answer ``respond_by`` moves on by the pause, which
    # is added to ``paused_total`` (the half-time reminder leaves it out of the time elapsed).
    paused_at = models.DateTimeField(_("deadline paused at"), null=True, blank=True)
    # Defaults in the database too: bulk SQL inserts (bench/) name only the columns they fill.
    paused_total = models.DurationField(_("deadline paused for"), default=timedelta(0), db_default=timedelta(0))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    decline_reason = models.CharField(_("decline reason"), max_length=32, choices=DeclineReason.choices, blank=True)
    # Set with the reason (``choices.DECLINE_SIDE``), so that reports count each side apart.
    decline_side = models.CharField(
        _("side of the decline"), max_length=16, choices=DeclineSide.choices, blank=True, default="", db_default=""
    )
    outcome = models.TextField(_("outcome"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    re_referral_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="re_referrals"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-id"]
        permissions = [("respond_referral", _("Can answer the referral for the receiving organisation"))]
        constraints = [
            models.CheckConstraint(condition=~Q(sender=models.F("recipient")), name="referral_not_to_self"),
        ]
        indexes = [
            models.Index(fields=["status", "respond_by"], name="referral_deadline_idx"),
            models.Index(fields=["recipient", "status", "-id"], name="referral_recipient_idx"),
            models.Index(fields=["sender", "status", "-id"], name="referral_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_need_category_display()} → {self.recipient}"

    @property
    def fhir_status(self) -> str:
        return FHIR_STATUS[ReferralStatus(self.status)]


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's direct foreign-key table for referral grants to the recipient's role groups."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [models.Index(fields=["group", "permission", "content_object"], name="referral_grant_idx")]


class ReferralEvent(models.Model):
    """One line of a referral's timeline: who, acting for which organisation, moved it from which
    state to which, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("event"), max_length=20, choices=ReferralEventKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.kind}"


class ReferralMessage(models.Model):
    """A message in a referral's thread between the sending and receiving organisations."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral message")
        verbose_name_plural = _("referral messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.body[:40]}"
