"""Notifications about referrals: the kinds, who hears about what, and the half-time reminder.

Who is told (each list then goes through ``notifications.services.notify``, which keeps only those
who may open the referral, never the actor):

- the receiving side: the assignee when there is one, else the receiving organisation's case
  workers — exactly the role groups the referral is granted to, not its liaisons or privacy
  officers;
- the sending side: whoever wrote the referral, or the sender's coordinators once that person has
  lost access;
- escalations name the side that is late: the sender's coordinators when the partner let its
  deadline pass; the sending side and its coordinators when the hub owes the partner an answer
  (its deadline paused) past the time the partner had left (kinds nobody can switch off).
"""

from datetime import datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from notifications.kinds import NotificationKind, choice_label, register_kind
from notifications.models import Delivery, Notification
from notifications.services import notify
from organisations.choices import NeedCategory, Role
from organisations.models import User
from organisations.permissions import Action, can, role_group_for, users_with_organisation_permission
from plumbing.jobs import for_each_row_locked, periodic_job
from referrals import sharing
from referrals.choices import DeclineReason, ReferralStatus
from referrals.models import Referral, ReferralMessage

RECEIVED = "referral_received"
INFO_REQUESTED = "referral_info_requested"
INFO_ANSWERED = "referral_info_answered"
ACCEPTED = "referral_accepted"
DECLINED = "referral_declined"
EXPIRED = "referral_expired"
MESSAGE = "referral_message"
HALF_TIME = "referral_half_time"
DEADLINE_PASSED = "referral_deadline_passed"
ESCALATED = "referral_escalated"
CONSENT_WITHDRAWN = "referral_consent_withdrawn"
ANSWER_OWED = "referral_answer_owed"


def _referral_url(notification) -> str:
    return reverse("referrals:detail", args=[notification.object_id])


def _message_excerpt(notification) -> str:
    """The start of the message a notification is about (``params["message"]``), as
    ``referrals.sharing`` lets the notification's organisation read it now."""
    message_id = notification.params.get("message")
    message = (
        ReferralMessage.objects.select_related("referral__consent").filter(pk=message_id).first()
        if message_id
        else None
    )
    if message is None:
        return ""
    body = Truncator(message.body).chars(EXCERPT_CHARACTERS)
    return sharing.notification_excerpt(message.referral, notification.organisation_id, body)


EXCERPT_CHARACTERS = 140


def _kind(code, label, sentence, default=Delivery.IN_APP, locked=False) -> None:
    """Register a referral kind whose text is ``sentence`` (marked with gettext_noop, translated at
    display time) filled with the stored params, the need and decline reason as labels."""

    def text(params) -> str:
        return _(sentence) % {
            **params,
            "need": choice_label(NeedCategory, params.get("need")),
            "reason": choice_label(DeclineReason, params.get("reason")),
            "author": params.get("author", ""),
        }

    register_kind(
        NotificationKind(
            code=code,
            label=label,
            model=Referral,
            text=text,
            url=_referral_url,
            default=default,
            locked=locked,
            excerpt=_message_excerpt,
        )
    )


_kind(
    RECEIVED,
    gettext_lazy("Referral received"),
    gettext_noop("Referral #%(number)s (%(need)s) from %(sender)s is waiting for your answer."),
    default=Delivery.EMAIL,
)
_kind(
    INFO_REQUESTED,
    gettext_lazy("Information requested on a referral"),
    gettext_noop("%(recipient)s asks for more information about referral #%(number)s (%(need)s)."),
    default=Delivery.EMAIL,
)
_kind(
    INFO_ANSWERED,
    gettext_lazy("Referral information answered"),
    gettext_noop("%(sender)s answered your question about referral #%(number)s (%(need)s)."),
)
_kind(
    ACCEPTED,
    gettext_lazy("Referral accepted"),
    gettext_noop("%(recipient)s accepted referral #%(number)s (%(need)s)."),
)
_kind(
    DECLINED,
    gettext_lazy("Referral declined"),
    gettext_noop("%(recipient)s declined referral #%(number)s (%(need)s): %(reason)s."),
    default=Delivery.EMAIL,
)
_kind(
    EXPIRED,
    gettext_lazy("Referral expired"),
    gettext_noop("Nobody at %(recipient)s answered referral #%(number)s (%(need)s) in time: it has expired."),
    default=Delivery.EMAIL,
)
_kind(
    MESSAGE,
    gettext_lazy("New message on a referral"),
    gettext_noop("%(author)s wrote about referral #%(number)s (%(need)s)."),
)
_kind(
    HALF_TIME,
    gettext_lazy("Referral deadline: half the time has passed"),
    gettext_noop("Half the time to answer referral #%(number)s (%(need)s) from %(sender)s has passed."),
    default=Delivery.EMAIL,
)
_kind(
    DEADLINE_PASSED,
    gettext_lazy("Referral deadline passed"),
    gettext_noop("The deadline to answer referral #%(number)s (%(need)s) from %(sender)s has passed."),
    default=Delivery.EMAIL,
)
_kind(
    ESCALATED,
    gettext_lazy("Escalation: a partner did not answer in time"),
    gettext_noop("%(recipient)s did not answer referral #%(number)s (%(need)s) by its deadline: please follow up."),
    default=Delivery.EMAIL,
    locked=True,
)

_kind(
    ANSWER_OWED,
    gettext_lazy("Escalation: your organisation owes a partner an answer"),
    gettext_noop(
        "Your organisation owes %(recipient)s an answer about referral #%(number)s (%(need)s): "
        "its deadline stays paused until you answer."
    ),
    default=Delivery.EMAIL,
    locked=True,
)
_kind(
    CONSENT_WITHDRAWN,
    gettext_lazy("Consent withdrawn on a referral"),
    gettext_noop(
        "The person withdrew the consent behind referral #%(number)s from %(sender)s: "
        "its information is no longer shared with you."
    ),
    default=Delivery.EMAIL,
    locked=True,
)


def _params(referral: Referral, **extra) -> dict:
    """Codes and proper names only: the sentence is written when read, in the reader's language."""
    return {
        "number": referral.pk,
        "need": referral.need_category,
        "sender": referral.sender.name,
        "recipient": referral.recipient.name,
        **extra,
    }


def receiving_side(referral: Referral) -> list[User]:
    """The assignee, else the receiving organisation's case workers."""
    if referral.assignee_id is not None:
        return [referral.assignee]
    return list(users_with_organisation_permission(referral.recipient, "work_cases"))


def sender_coordinators(referral: Referral) -> list[User]:
    return list(role_group_for(referral.sender, Role.COORDINATOR).user_set.filter(is_active=True))


def sending_side(referral: Referral) -> list[User]:
    """Whoever wrote the referral while they may still open it, else the sender's coordinators."""
    author = referral.created_by
    if can(author, Action.VIEW, referral):
        return [author]
    return sender_coordinators(referral)


# action of referral_transition → (kind, side told, organisation the notification is for)
TRANSITION_KINDS = {
    "send": (RECEIVED, receiving_side, "recipient"),
    "request_info": (INFO_REQUESTED, sending_side, "sender"),
    "answer_info": (INFO_ANSWERED, receiving_side, "recipient"),
    "accept": (ACCEPTED, sending_side, "sender"),
    "decline": (DECLINED, sending_side, "sender"),
    "expire": (EXPIRED, sending_side, "sender"),
}


def notify_referral_transition(
    *, referral: Referral, action: str, actor: User | None, message: ReferralMessage | None = None
) -> None:
    """Called by ``referral_transition`` inside its transaction; ``message`` is the question or
    answer of "information requested", which the notification quotes."""
    if action not in TRANSITION_KINDS:
        return
    kind, side, organisation_field = TRANSITION_KINDS[action]
    params = _params(referral, reason=referral.decline_reason)
    if message is not None:
        params["message"] = message.pk
    notify(
        kind=kind,
        subject=referral,
        recipients=side(referral),
        organisation=getattr(referral, organisation_field),
        actor=actor,
        params=params,
    )
    if action == "expire":
        # The deadline passed unanswered: the partner's agents hear it, and the hub's
        # coordinators are asked to follow up (an escalation nobody can switch off).
        notify(
            kind=DEADLINE_PASSED,
            subject=referral,
            recipients=receiving_side(referral),
            organisation=referral.recipient,
            occasion="deadline",
            params=params,
        )
        notify(
            kind=ESCALATED,
            subject=referral,
            recipients=sender_coordinators(referral),
            organisation=referral.sender,
            occasion="deadline",
            params=params,
        )


def notify_referral_message(*, message: ReferralMessage, actor: User) -> None:
    """Called by ``referral_message_post``: the other side hears about a new message."""
    referral = message.referral
    if message.organisation_id == referral.sender_id:
        recipients, organisation = receiving_side(referral), referral.recipient
    else:
        recipients, organisation = sending_side(referral), referral.sender
    notify(
        kind=MESSAGE,
        subject=referral,
        recipients=recipients,
        organisation=organisation,
        actor=actor,
        params=_params(referral, author=message.organisation.name, message=message.pk),
    )


def notify_consent_withdrawn(*, referral: Referral, actor: User | None) -> None:
    """Called when the consent of a sent referral is withdrawn: the partner's side hears that it
    may no longer use what it received, with the referral's number and sender only (codes and
    names of organisations: nothing of the person's file)."""
    notify(
        kind=CONSENT_WITHDRAWN,
        subject=referral,
        recipients=receiving_side(referral),
        organisation=referral.recipient,
        actor=actor,
        occasion="consent_withdrawn",
        params={"number": referral.pk, "sender": referral.sender.name},
    )


@periodic_job("referrals.remind_half_time", every=timedelta(minutes=5))
def referral_remind_half_time(batch_size: int = 100, now: datetime | None = None) -> int:
    """Remind the partner's agents when half the time to answer an open referral has passed.

    Idempotent: one reminder per recipient and referral (occasion ``half_time``, unique in the
    database). Each referral is handled in a short transaction of its own, its row locked with
    SKIP LOCKED, so two workers share the work; a worker that was down sends the reminders still
    due (not those of referrals that expired meanwhile).
    """
    now = now or timezone.now()
    reminded = Notification.objects.filter(kind=HALF_TIME, occasion="half_time").values("object_id")
    due = (
        # Only while the partner's clock runs (not while the sender owes an answer).
        Referral.objects.filter(status=ReferralStatus.SENT, sent_at__isnull=False, respond_by__gt=now)
        .exclude(pk__in=reminded)
        # Half time passed ⇔ time left ≤ time elapsed, the pauses left out (the clock started
        # that much later).
        .alias(
            left=ExpressionWrapper(F("respond_by") - Value(now), output_field=DurationField()),
            elapsed=ExpressionWrapper(Value(now) - (F("sent_at") + F("paused_total")), output_field=DurationField()),
        )
        .filter(left__lte=F("elapsed"))
    )

    def remind(referral: Referral) -> int:
        notified = notify(
            kind=HALF_TIME,
            subject=referral,
            recipients=receiving_side(referral),
            organisation=referral.recipient,
            occasion="half_time",
            params=_params(referral),
        )
        return len(notified)

    return for_each_row_locked(due.select_related("sender", "recipient", "assignee"), remind, batch_size)


@periodic_job("referrals.remind_answer_owed", every=timedelta(minutes=5))
def referral_remind_answer_owed(batch_size: int = 100, now: datetime | None = None) -> int:
    """Tell the sending side, and escalate to its coordinators, when the sender has owed the
    partner an answer ("information requested") for longer than the time the partner had left:
    its deadline (``respond_by``, paused) has passed. The partner is not late, so it is not told.

    Once per pause (occasion ``answer_owed:<when the pause began>``); each referral in a short
    transaction of its own, its row locked with SKIP LOCKED.
    """
    now = now or timezone.now()
    due = Referral.objects.filter(
        status=ReferralStatus.INFO_REQUESTED, paused_at__isnull=False, respond_by__lte=now
    ).select_related("sender", "recipient", "created_by")

    def escalate(referral: Referral) -> int:
        recipients = {user.pk: user for user in (*sending_side(referral), *sender_coordinators(referral))}
        notified = notify(
            kind=ANSWER_OWED,
            subject=referral,
            recipients=recipients.values(),
            organisation=referral.sender,
            occasion=f"answer_owed:{int(referral.paused_at.timestamp())}",
            params=_params(referral),
        )
        return len(notified)

    return for_each_row_locked(due, escalate, batch_size)
