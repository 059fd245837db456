"""Reads of referrals: restricted querysets for each side, and the audited detail read."""

from django.db.models import Prefetch, Q, QuerySet

from organisations.audit import audit_read
from organisations.errors import NotFoundError
from organisations.permissions import Action
from referrals.choices import OPEN_STATUSES
from referrals.models import Referral, ReferralEvent, ReferralMessage

LIST_RELATED = ("sender", "recipient", "assignee", "person", "consent")


def referrals_received(*, user) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations that they may answer (one grant subquery)."""
    return Referral.objects.restrict(user, "respond").select_related(*LIST_RELATED)


def referrals_sent(*, user) -> QuerySet[Referral]:
    """Referrals the user's organisations sent (through their case workers' organisation right)."""
    return Referral.objects.restrict(user, Action.CHANGE).select_related(*LIST_RELATED)


def referral_list(*, user) -> QuerySet[Referral]:
    """Every referral the user may see, sent or received."""
    return Referral.objects.restrict(user, Action.VIEW).select_related(*LIST_RELATED)


def inbox_open(*, user, organisation_id: int) -> QuerySet[Referral]:
    """The open referrals of one organisation, received or sent, as ``user`` may see them."""
    return referral_list(user=user).filter(
        Q(recipient_id=organisation_id) | Q(sender_id=organisation_id), status__in=OPEN_STATUSES
    )


def referral_detail(*, user, referral_id: int) -> Referral:
    """One referral with its timeline and thread: 404 unless allowed; the read is audited."""
    referral = (
        referral_list(user=user)
        .prefetch_related(
            Prefetch("events", ReferralEvent.objects.select_related("actor", "organisation")),
            Prefetch("messages", ReferralMessage.objects.select_related("author", "organisation")),
            "person__milestones",
            "person__needs",
        )
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFoundError()
    reader = (
        referral.sender
        if reading_organisation_id(user=user, referral=referral) == referral.sender_id
        else (referral.recipient)
    )
    audit_read(actor=user, organisation=reader, obj=referral, what="referrals.referral.detail")
    return referral


def reading_organisation_id(*, user, referral: Referral) -> int:
    """Which side ``user`` reads ``referral`` for: the sender when they work its cases, else the
    recipient (whose grant let them see it)."""
    if Referral.objects.restrict(user, Action.CHANGE).filter(pk=referral.pk).exists():
        return referral.sender_id
    return referral.recipient_id
