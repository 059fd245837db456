"""Writes of the referral workflow. Every transition is one service call: it checks who may do
it (the sending side or the receiving side, through the access policy), that the referral is in
a state that allows it and still at the version the user saw, then writes the new state, a
timeline event and an audit entry, and publishes the change to both organisations' inboxes after
commit."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from organisations import permissions
from organisations.audit import audit_record
from organisations.choices import PartnershipScope, Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import Organisation, Partnership, Service, User
from organisations.permissions import Action
from organisations.selectors import agreement_in_force
from organisations.validators import validate_text
from people.choices import NeedUrgency
from people.models import Consent, Person
from plumbing.events import publish_on_commit
from plumbing.jobs import periodic_job
from referrals.choices import CLOSED_STATUSES, DECLINE_SIDE, DeclineReason, ReferralEventKind, ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage
from referrals.notifications import notify_consent_withdrawn, notify_referral_message, notify_referral_transition

INBOX_STREAM = "referrals.inbox"

# How long a partner has to answer, by urgency, unless the sender sets a deadline.
DEFAULT_RESPONSE_TIME = {
    NeedUrgency.IMMEDIATE: timedelta(hours=24),
    NeedUrgency.DAYS: timedelta(days=3),
    NeedUrgency.WEEKS: timedelta(days=7),
}

# The receiving organisation's roles that work its referral inbox.
RECIPIENT_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.WORKER)


@dataclass(frozen=True)
class Transition:
    """A move of the workflow: who makes it (``side``), from which states, to which."""

    side: str  # "sender" or "recipient"
    sources: frozenset
    target: ReferralStatus
    event: ReferralEventKind


S = ReferralStatus
TRANSITIONS = {
    "send": Transition("sender", frozenset({S.DRAFT}), S.SENT, ReferralEventKind.SENT),
    "request_info": Transition("recipient", frozenset({S.SENT}), S.INFO_REQUESTED, ReferralEventKind.INFO_REQUESTED),
    "answer_info": Transition("sender", frozenset({S.INFO_REQUESTED}), S.SENT, ReferralEventKind.INFO_ANSWERED),
    "accept": Transition("recipient", frozenset({S.SENT}), S.ACCEPTED, ReferralEventKind.ACCEPTED),
    "decline": Transition("recipient", frozenset({S.SENT, S.INFO_REQUESTED}), S.DECLINED, ReferralEventKind.DECLINED),
    "start": Transition("recipient", frozenset({S.ACCEPTED}), S.IN_PROGRESS, ReferralEventKind.STARTED),
    "complete": Transition(
        "recipient", frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.COMPLETED, ReferralEventKind.COMPLETED
    ),
    "cancel": Transition(
        "sender", frozenset({S.DRAFT, S.SENT, S.INFO_REQUESTED, S.ACCEPTED}), S.CANCELLED, ReferralEventKind.CANCELLED
    ),
    # Only the partner's clock expires a referral: while the sender owes an answer it is paused.
    "expire": Transition("system", frozenset({S.SENT}), S.EXPIRED, ReferralEventKind.EXPIRED),
}
RECIPIENT_RESPONSES = {"request_info", "accept", "decline"}
# The moves that put the referral, and what it shares, before the partner (again): each needs a
# data-sharing agreement in force that covers it (a draft sent days later, an answer after the
# agreement lapsed).
AGREEMENT_ACTIONS = {"send", "answer_info"}


def _side_action(side: str) -> str:
    return Action.CHANGE if side == "sender" else "respond"


def _check_consent(*, person: Person, recipient: Organisation, need_category: str, shared_groups, consent: Consent):
    if consent.person_id != person.pk or consent.recipient_id != recipient.pk:
        raise ApplicationError(_("This consent is not for this person and this organisation."), code="consent_mismatch")
    if not consent.is_active():
        raise ApplicationError(_("This consent is withdrawn or expired."), code="consent_inactive")
    if need_category not in consent.purposes:
        raise ApplicationError(_("The person did not consent to a referral for this need."), code="consent_purpose")
    if not shared_groups or not set(shared_groups) <= set(consent.data_groups):
        raise ApplicationError(
            _("Share only information the person consented to share with this organisation."), code="beyond_consent"
        )


def _check_agreement(*, sender: Organisation, recipient: Organisation, need_category: str, shared_groups) -> None:
    """The organisations' data-sharing agreement must cover what the referral shares, for its
    need, whatever the person consented to (``organisations.selectors.agreement_in_force``)."""
    agreement_in_force(
        organisation=sender,
        partner=recipient,
        scope=PartnershipScope.REFERRALS,
        purposes=[need_category],
        data_groups=shared_groups,
    )


def _record_event(referral, *, actor, organisation, kind, from_status="", reason="", note="") -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        organisation=organisation,
        kind=kind,
        from_status=from_status,
        to_status=referral.status,
        reason=reason,
        note=note,
    )


def _grant_recipient(referral: Referral) -> None:
    """The receiving organisation's case workers may see and answer this referral (and nothing
    else of the person): one guardian grant per role group, through the direct table, in one
    bulk insert."""
    groups = Group.objects.filter(role_group__organisation=referral.recipient, role_group__role__in=RECIPIENT_ROLES)
    assign_perm("referrals.view_referral", groups, referral)


def _publish(referral: Referral) -> None:
    """Push the referral to both organisations' inboxes, each seeing what it may see."""
    from referrals.api.serializers import ReferralListSerializer

    for organisation_id in (referral.sender_id, referral.recipient_id):
        if organisation_id == referral.recipient_id and referral.status == ReferralStatus.DRAFT:
            continue
        data = ReferralListSerializer(referral, context={"organisation_id": organisation_id}).data
        publish_on_commit(INBOX_STREAM, organisation_id, data)


@transaction.atomic
def referral_create(
    *,
    actor: User,
    sender: Organisation,
    recipient: Organisation,
    person: Person,
    need_category: str,
    urgency: str,
    shared_groups: list[str],
    consent: Consent,
    reason: str = "",
    service: Service | None = None,
    for_household: bool = False,
    respond_by: datetime | None = None,
    assignee: User | None = None,
    send: bool = True,
) -> Referral:
    """Refer ``person`` to ``recipient`` (sent at once, or kept as a draft)."""
    if not permissions.has_organisation_permission(actor, "work_cases", sender):
        raise NotFoundError()
    permissions.require(actor, Action.CHANGE, person)
    if (
        not Partnership.objects.active()
        .filter(
            organisation=sender,
            partner=recipient,
            scope=PartnershipScope.REFERRALS,
            partner__is_active=True,
        )
        .exists()
    ):
        raise ApplicationError(
            _("Your organisation does not send referrals to this organisation."), code="no_partnership"
        )
    _check_agreement(sender=sender, recipient=recipient, need_category=need_category, shared_groups=shared_groups)
    if service is not None and (service.organisation_id != recipient.pk or not service.is_active):
        raise ApplicationError(_("This service is not offered by this organisation."), code="foreign_service")
    _check_consent(
        person=person, recipient=recipient, need_category=need_category, shared_groups=shared_groups, consent=consent
    )
    now = timezone.now()
    respond_by = respond_by or now + DEFAULT_RESPONSE_TIME[NeedUrgency(urgency)]
    if respond_by <= now:
        raise ApplicationError(_("The response deadline must be in the future."), code="deadline_past")
    referral = Referral(
        sender=sender,
        recipient=recipient,
        service=service,
        person=person,
        for_household=for_household,
        need_category=need_category,
        urgency=urgency,
        reason=reason,
        shared_groups=sorted(set(shared_groups)),
        consent=consent,
        respond_by=respond_by,
        created_by=actor,
    )
    if assignee is not None and not permissions.has_organisation_permission(assignee, "work_cases", recipient):
        raise ApplicationError(
            _("Assign the referral to someone of the receiving organisation."), code="foreign_assignee"
        )
    referral.assignee = assignee
    referral.full_clean()
    referral.save()
    permissions.require(actor, Action.CHANGE, referral)
    _record_event(referral, actor=actor, organisation=sender, kind=ReferralEventKind.CREATED)
    audit_record(
        actor=actor,
        organisation=sender,
        action="referrals.referral.created",
        obj=referral,
        details={"person": person.pk, "recipient": recipient.pk, "shared_groups": referral.shared_groups},
    )
    if send:
        referral = referral_transition(actor=actor, referral=referral, action="send", expected_version=1)
    else:
        _publish(referral)
    return referral


@transaction.atomic
def referral_transition(
    *,
    actor: User | None,
    referral: Referral,
    action: str,
    expected_version: int | None,
    reason: str = "",
    note: str = "",
) -> Referral:
    """Move ``referral`` through ``action`` (see TRANSITIONS).

    ``expected_version`` is the version the user acted on: another change since then is a
    conflict (409), never an overwrite. ``actor=None`` is the worker (expiry).
    """
    transition = TRANSITIONS[action]
    if actor is not None:
        permissions.require(actor, _side_action(transition.side), referral)
    referral = Referral.objects.select_for_update().select_related("sender", "recipient").get(pk=referral.pk)
    if expected_version is not None and referral.version != expected_version:
        raise ConflictError(extra={"current_version": referral.version, "status": referral.status})
    if referral.status not in transition.sources:
        raise ConflictError(
            _("This referral is “%(status)s”: it cannot be %(action)s now.")
            % {"status": referral.get_status_display(), "action": _ACTION_PAST[action]},
            code="illegal_transition",
            extra={"current_version": referral.version, "status": referral.status},
        )
    if action == "decline" and reason not in DeclineReason.values:
        raise ApplicationError(_("Choose a reason for declining."), code="decline_reason_required")
    if action == "decline" and reason == DeclineReason.OTHER and not note.strip():
        # "Other" says nothing by itself: the hub needs the words to find the person another way.
        raise ApplicationError(_("Say why, in a few words."), code="decline_note_required")
    if action in {"request_info", "answer_info"} and not note.strip():
        raise ApplicationError(_("Write the question or the answer."), code="message_required")
    if action in AGREEMENT_ACTIONS:
        _check_agreement(
            sender=referral.sender,
            recipient=referral.recipient,
            need_category=referral.need_category,
            shared_groups=referral.shared_groups,
        )
    from_status = referral.status
    now = timezone.now()
    referral.status = transition.target
    referral.version += 1
    if action == "send":
        referral.sent_at = now
        _grant_recipient(referral)
    if action in RECIPIENT_RESPONSES and referral.first_response_at is None:
        referral.first_response_at = now
    if action == "accept":
        referral.accepted_at = now
    if action == "request_info":
        referral.paused_at = now
    if action == "answer_info" and referral.paused_at is not None:
        # The partner gets back the time that was left when it asked.
        pause = max(now - referral.paused_at, timedelta(0))
        referral.respond_by += pause
        referral.paused_total += pause
        referral.paused_at = None
    if transition.target in CLOSED_STATUSES:
        referral.paused_at = None
    if action == "decline":
        referral.decline_reason = reason
        referral.decline_side = DECLINE_SIDE[DeclineReason(reason)]
    if action == "complete":
        referral.outcome = note
    if transition.target in CLOSED_STATUSES:
        referral.closed_at = now
    referral.save()
    acting_organisation = referral.sender if transition.side == "sender" else referral.recipient
    if transition.side == "system":
        acting_organisation = None
    _record_event(
        referral,
        actor=actor,
        organisation=acting_organisation,
        kind=transition.event,
        from_status=from_status,
        reason=reason,
        note=note,
    )
    message = None
    if action in {"request_info", "answer_info"}:
        message = ReferralMessage.objects.create(
            referral=referral, author=actor, organisation=acting_organisation, body=note
        )
    audit_record(
        actor=actor,
        organisation=acting_organisation,
        action=f"referrals.referral.{action}",
        obj=referral,
        details={"from": from_status, "to": referral.status, "reason": reason},
    )
    _publish(referral)
    notify_referral_transition(referral=referral, action=action, actor=actor, message=message)
    return referral


_ACTION_PAST = {
    "send": _("sent"),
    "request_info": _("asked for more information"),
    "answer_info": _("answered"),
    "accept": _("accepted"),
    "decline": _("declined"),
    "start": _("started"),
    "complete": _("completed"),
    "cancel": _("cancelled"),
    "expire": _("expired"),
}


@transaction.atomic
def referral_assign(*, actor: User, referral: Referral, assignee_id: int | None, expected_version: int) -> Referral:
    """The receiving organisation puts one of its case workers in charge (``assignee_id``), or
    nobody (None). The assignee is looked up among the receiving organisation's case workers
    only: an id of nobody, of someone elsewhere or of a colleague without cases all get the same
    ``foreign_assignee`` answer, which says nothing about who has an account."""
    permissions.require(actor, "respond", referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.version != expected_version:
        raise ConflictError(extra={"current_version": referral.version, "status": referral.status})
    assignee = None
    if assignee_id is not None:
        assignee = (
            permissions.users_with_organisation_permission(referral.recipient, "work_cases")
            .filter(pk=assignee_id)
            .first()
        )
        if assignee is None:
            raise ApplicationError(_("Assign the referral to someone of your organisation."), code="foreign_assignee")
    referral.assignee = assignee
    referral.version += 1
    referral.save(update_fields=["assignee", "version", "updated_at"])
    _record_event(
        referral,
        actor=actor,
        organisation=referral.recipient,
        kind=ReferralEventKind.ASSIGNED,
        from_status=referral.status,
        note=assignee.full_name if assignee else "",
    )
    audit_record(
        actor=actor,
        organisation=referral.recipient,
        action="referrals.referral.assigned",
        obj=referral,
        details={"assignee": assignee.pk if assignee else None},
    )
    _publish(referral)
    return referral


# As long as any other note of a referral (referrals.forms): a message is read on a phone.
MESSAGE_MAX_LENGTH = 4000


def _check_message(body: str) -> None:
    """The page's form and the API both end here: no control characters (which a page or an
    export would show back raw), at most ``MESSAGE_MAX_LENGTH`` characters."""
    try:
        validate_text(body)
        MaxLengthValidator(MESSAGE_MAX_LENGTH)(body.strip())
    except ValidationError as error:
        raise ApplicationError(error.messages[0], code="invalid_message") from None


@transaction.atomic
def referral_message_post(*, actor: User, referral: Referral, body: str) -> ReferralMessage:
    """A message in the thread, from whichever side the actor works for."""
    permissions.require(actor, Action.VIEW, referral)
    if not body.strip():
        raise ApplicationError(_("Write a message."), code="message_required")
    _check_message(body)
    organisation = referral.sender if permissions.can(actor, Action.CHANGE, referral) else referral.recipient
    if referral.status == ReferralStatus.DRAFT:
        raise ConflictError(_("Send the referral before writing to the partner."), code="illegal_transition")
    message = ReferralMessage.objects.create(
        referral=referral, author=actor, organisation=organisation, body=body.strip()
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="referrals.message.posted",
        obj=message,
        details={"referral": referral.pk},
    )
    _publish(referral)
    notify_referral_message(message=message, actor=actor)
    return message


@transaction.atomic
def referral_rerefer(
    *,
    actor: User,
    referral: Referral,
    recipient: Organisation,
    consent: Consent,
    service: Service | None = None,
) -> Referral:
    """After a decline or an expiry, send the same referral to another partner in one action."""
    permissions.require(actor, Action.CHANGE, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status not in {S.DECLINED, S.EXPIRED}:
        raise ConflictError(
            _("Only a declined or expired referral can be sent to another partner."), code="illegal_transition"
        )
    new = referral_create(
        actor=actor,
        sender=referral.sender,
        recipient=recipient,
        person=referral.person,
        need_category=referral.need_category,
        urgency=referral.urgency,
        shared_groups=referral.shared_groups,
        consent=consent,
        reason=referral.reason,
        service=service,
        for_household=referral.for_household,
    )
    new.re_referral_of = referral
    new.save(update_fields=["re_referral_of"])
    _record_event(
        referral,
        actor=actor,
        organisation=referral.sender,
        kind=ReferralEventKind.RE_REFERRED,
        from_status=referral.status,
        note=str(new.pk),
    )
    return new


@periodic_job("referrals.expire_overdue", every=timedelta(minutes=1))
def referral_expire_overdue(batch_size: int = 100) -> int:
    """Expire referrals the partner did not answer by their deadline (not those waiting for the
    sender's answer: their deadline is paused). Rows are claimed with SKIP LOCKED, so
    two workers never expire one twice; a worker that was down catches up on its next run."""
    expired = 0
    while True:
        with transaction.atomic():
            due = list(
                Referral.objects.select_for_update(skip_locked=True)
                .filter(status__in=TRANSITIONS["expire"].sources, respond_by__lte=timezone.now())
                .order_by("pk")[:batch_size]
            )
            for referral in due:
                referral_transition(actor=None, referral=referral, action="expire", expected_version=None)
        expired += len(due)
        if len(due) < batch_size:
            return expired


def on_consent_withdrawn(consent: Consent) -> None:
    """Registered with people.services, inside the withdrawal's transaction: each referral sent
    under this consent changes for its partner (its free text and the person are withheld), so
    its version goes up and it is republished: open inboxes and referral pages redraw it without
    the text at once. The partner's case workers are told, with nothing of the file."""
    referrals = consent.referrals.exclude(status=ReferralStatus.DRAFT)
    referrals.update(version=F("version") + 1)
    for referral in referrals.select_related("sender", "recipient", "assignee", "person", "consent"):
        _publish(referral)
        notify_consent_withdrawn(referral=referral, actor=consent.withdrawn_by)
