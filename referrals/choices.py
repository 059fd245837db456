"""Referral states, decline reasons and timeline events (codes in English, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    INFO_REQUESTED = "info_requested", _("Information requested")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    # Gendered in French and Spanish (une orientation expirée), unlike other "Expired" labels.
    EXPIRED = "expired", pgettext_lazy("referral status", "Expired")


OPEN_STATUSES = {
    ReferralStatus.SENT,
    ReferralStatus.INFO_REQUESTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
}
WAITING_FOR_RECIPIENT = {ReferralStatus.SENT}
CLOSED_STATUSES = {ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED, ReferralStatus.EXPIRED}

# HL7 FHIR ServiceRequest.status for each state, for a later exchange with the health partner.
FHIR_STATUS = {
    ReferralStatus.DRAFT: "draft",
    ReferralStatus.SENT: "active",
    ReferralStatus.INFO_REQUESTED: "on-hold",
    ReferralStatus.ACCEPTED: "active",
    ReferralStatus.IN_PROGRESS: "active",
    ReferralStatus.COMPLETED: "completed",
    ReferralStatus.DECLINED: "revoked",
    ReferralStatus.CANCELLED: "revoked",
    ReferralStatus.EXPIRED: "revoked",
}


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    PERSON_UNREACHABLE = "person_unreachable", _("Person unreachable")
    PERSON_DECLINED = "person_declined", _("The person declined")
    OTHER = "other", _("Other")


class DeclineSide(models.TextChoices):
    """Whose side a decline comes from: the person's (they said no, or could not be reached) or
    the provider's (no room, or the person is not eligible). Reports count them apart: the first
    is not a gap in services, the second is."""

    PERSON = "person", _("The person's side")
    PROVIDER = "provider", _("The provider's side")
    OTHER = "other", _("Other")


DECLINE_SIDE = {
    DeclineReason.PERSON_DECLINED: DeclineSide.PERSON,
    DeclineReason.PERSON_UNREACHABLE: DeclineSide.PERSON,
    DeclineReason.NO_CAPACITY: DeclineSide.PROVIDER,
    DeclineReason.NOT_ELIGIBLE: DeclineSide.PROVIDER,
    DeclineReason.OTHER: DeclineSide.OTHER,
}


class ReferralEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    SENT = "sent", _("Sent")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_ANSWERED = "info_answered", _("Information given")
    ACCEPTED = "accepted", _("Accepted")
    STARTED = "started", _("Work started")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", pgettext_lazy("referral event", "Expired")
    ASSIGNED = "assigned", _("Assigned")
    RE_REFERRED = "re_referred", _("Referred again")
