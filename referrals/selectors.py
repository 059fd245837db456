"""Reads of referrals: restricted querysets for each side, and the audited detail read."""

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from organisations import selectors as organisation_selectors
from organisations.audit import PersonalRead, audit_read, audited, case_side, value
from organisations.errors import NotFoundError
from organisations.models import Organisation, RoleGroup, Service
from organisations.permissions import Action
from people import selectors as people_selectors
from people.models import Consent, Person
from referrals import sharing
from referrals.choices import CLOSED_STATUSES, OPEN_STATUSES, WAITING_FOR_RECIPIENT, ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage

LIST_RELATED = ("sender", "recipient", "assignee", "person", "consent")

# Referrals name their person (``organisations.audit``; registered by ``ReferralsConfig.ready``):
# read for the recipient, or for the sender.
PERSONAL_READS = {
    "referrals.referral": PersonalRead(
        "referrals.referral",
        case_side(lambda row: value(row, "sender_id"), lambda row: value(row, "recipient_id")),
        lambda row: [value(row, "person_id")],
        "referral_id",
        "sender_id",
    ),
}


def referrals_received(*, user) -> QuerySet[Referral]:
    """Referrals sent to the user's organisations that they may answer.

    The access policy alone decides which rows the user may answer. ``recipient_id__in`` only
    narrows it: grants on a referral go to role groups of its recipient, so every referral the
    policy lets through is addressed to an organisation where the user has a role group, and no
    row is lost. It is there for PostgreSQL, which then reads ``referral_recipient_idx`` in id
    order and stops at the end of the page instead of checking a million referrals against the
    grants (docs/benchmarks.md, "Referral inbox").
    """
    if user is None or not user.is_authenticated:
        return Referral.objects.none()
    recipients = list(RoleGroup.objects.filter(group__user=user).values_list("organisation_id", flat=True).distinct())
    received = Referral.objects.restrict(user, "respond").filter(recipient_id__in=recipients)
    return audited(
        received.select_related(*LIST_RELATED), user=user, organisation=lambda row, reader: value(row, "recipient_id")
    )


def referrals_sent(*, user) -> QuerySet[Referral]:
    """Referrals the user's organisations sent (through their case workers' organisation right)."""
    sent = Referral.objects.restrict(user, Action.CHANGE).select_related(*LIST_RELATED)
    return audited(sent, user=user, organisation=lambda row, reader: value(row, "sender_id"))


# The inbox tabs of an organisation (``_tab_filters``) say what they mean for both sides: a hub
# both sends and receives, and "waiting" is whatever this organisation owes an answer to.
# Tabs whose rows are all open referrals: the live snapshot (open referrals) is their whole truth.
COUNTED_TABS = ("new", "waiting", "mine", "overdue", "accepted")
NEW_STATUSES = (ReferralStatus.SENT, ReferralStatus.INFO_REQUESTED)
ACCEPTED_STATUSES = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)
# What the sender owes: the answer to the partner's question.
WAITING_FOR_SENDER = (ReferralStatus.INFO_REQUESTED,)


def _tab_filters(tab: str, *, user) -> tuple[Q | None, Q | None]:
    """(condition on the received referrals, condition on the sent ones) of ``tab``; None leaves
    that side out of the tab."""
    if tab == "sent":
        return None, Q()
    if tab == "new":
        # Nobody has taken it yet and it is not answered: sent, or waiting for the sender.
        return Q(status__in=NEW_STATUSES, assignee__isnull=True), None
    if tab == "waiting":
        return Q(status__in=WAITING_FOR_RECIPIENT), Q(status__in=WAITING_FOR_SENDER)
    if tab == "mine":
        return Q(assignee=user, status__in=OPEN_STATUSES), None
    if tab == "overdue":
        return Q(status__in=WAITING_FOR_RECIPIENT, respond_by__lt=timezone.now()), None
    if tab == "accepted":
        return Q(status__in=ACCEPTED_STATUSES), Q(status__in=ACCEPTED_STATUSES)
    return Q(status__in=CLOSED_STATUSES), Q(status__in=CLOSED_STATUSES)


def inbox_tab(*, user, organisation_id: int, tab: str) -> QuerySet[Referral]:
    """The referrals of one inbox tab of one organisation (see ``_tab_filters``), received (as the user
    may answer them) and sent (as the user works its cases), read for that organisation."""
    received_when, sent_when = _tab_filters(tab, user=user)
    parts = []
    if received_when is not None:
        recipients = RoleGroup.objects.filter(group__user=user).values_list("organisation_id", flat=True)
        if organisation_id in set(recipients):
            parts.append(Referral.objects.restrict(user, "respond").filter(received_when, recipient_id=organisation_id))
    if sent_when is not None:
        parts.append(Referral.objects.restrict(user, Action.CHANGE).filter(sent_when, sender_id=organisation_id))
    if not parts:
        return Referral.objects.none()
    rows = (
        parts[0]
        if len(parts) == 1
        else Referral.objects.filter(Q(pk__in=parts[0].values("pk")) | Q(pk__in=parts[1].values("pk")))
    )
    return audited(rows.select_related(*LIST_RELATED), user=user, organisation=lambda row, reader: organisation_id)


def inbox_counts(*, user, organisation_id: int) -> dict[str, int]:
    """How many referrals each counted tab of the organisation holds (``COUNTED_TABS``)."""
    return {tab: inbox_tab(user=user, organisation_id=organisation_id, tab=tab).count() for tab in COUNTED_TABS}


def _visible_referrals(*, user) -> QuerySet[Referral]:
    return Referral.objects.restrict(user, Action.VIEW).select_related(*LIST_RELATED)


def referral_list(*, user) -> QuerySet[Referral]:
    """Every referral the user may see, sent or received; the rows read are audited."""
    return audited(_visible_referrals(user=user), user=user)


def inbox_open(*, user, organisation_id: int) -> QuerySet[Referral]:
    """The open referrals of one organisation, received or sent, as ``user`` may see them."""
    return referral_list(user=user).filter(
        Q(recipient_id=organisation_id) | Q(sender_id=organisation_id), status__in=OPEN_STATUSES
    )


def referral_detail(*, user, referral_id: int) -> Referral:
    """One referral with its timeline and thread: 404 unless allowed; the read is audited. Its
    free text is withheld as ``sharing.withhold_free_text`` says for the side the user reads it
    for (``text_withheld_on`` set on the instance)."""
    referral = (
        _visible_referrals(user=user)
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
    referral = sharing.withhold_free_text(referral, reader.pk)
    # The person is named in the entry only for the organisation that owns their file (the sender):
    # a partner's log never links referrals to a person id (docs/privacy.md).
    named = [referral.person_id] if reader.pk == referral.sender_id else []
    audit_read(actor=user, organisation=reader, obj=referral, what="referrals.referral.detail", people=named)
    return referral


def filter_by_person(queryset: QuerySet[Referral], *, user, person_id: int) -> QuerySet[Referral]:
    """Narrow ``queryset`` to the referrals of one person, only when ``user`` may see that
    person's file: otherwise nothing, exactly as for an id nobody has, so that a partner cannot
    learn which referrals (redacted ones included) are about the same person."""
    return people_selectors.narrow_to_visible_occupant(queryset, user=user, field="person", occupant_id=person_id)


def reading_organisation_id(*, user, referral: Referral) -> int:
    """Which side ``user`` reads ``referral`` for: the sender when they work its cases, else the
    recipient (whose grant let them see it)."""
    if Referral.objects.restrict(user, Action.CHANGE).filter(pk=referral.pk).exists():
        return referral.sender_id
    return referral.recipient_id


# --- Whom a person may be referred to, and under which consent --------------------------------------


def partner_services(
    *, user, partners: QuerySet[Organisation], need_category: str, language: str
) -> tuple[list[Service], bool]:
    """Active services of ``partners`` (the sender's referral partners) that answer the need, by
    organisation and name; only those offered in the person's ``language`` when there are any.
    The boolean says which list it is (True: in the person's language)."""
    offered = list(
        organisation_selectors.directory_services(user=user, need_category=need_category)
        .filter(organisation__in=partners)
        .distinct()
        .order_by("organisation__name", "name")
    )
    in_language = [service for service in offered if language in service.languages]
    return (in_language, True) if in_language else (offered, False)


def consenting_recipient_ids(*, user, person: Person, need_category: str) -> set[int]:
    """The organisations the person has a consent in force with for this need (whatever it lets
    them share)."""
    consents = people_selectors.consent_list(user=user, person=person).active()
    return {consent.recipient_id for consent in consents if need_category in consent.purposes}


def covering_consents(*, user, person: Person, recipient_id: int, need_category: str) -> list[Consent]:
    """The person's consents in force for this partner and this purpose, newest first."""
    consents = people_selectors.consent_list(user=user, person=person).active().filter(recipient_id=recipient_id)
    return [consent for consent in consents if need_category in consent.purposes]


def consent_covering(consents: Iterable[Consent], data_groups: Iterable[str]) -> Consent | None:
    """The first of ``consents`` that on its own covers every one of ``data_groups``: a referral
    rests on one consent, never on several added together."""
    groups = set(data_groups)
    return next((consent for consent in consents if groups <= set(consent.data_groups)), None)


def rerefer_partners(*, user, referral: Referral, partners: QuerySet[Organisation]) -> tuple[list[Organisation], bool]:
    """Of ``partners`` (the sender's referral partners), those other than the referral's recipient
    that hold a consent covering its need and everything it shared; and whether some lack one."""
    others = list(partners.exclude(pk=referral.recipient_id))
    covered = [
        partner
        for partner in others
        if consent_covering(
            covering_consents(
                user=user, person=referral.person, recipient_id=partner.pk, need_category=referral.need_category
            ),
            referral.shared_groups,
        )
        is not None
    ]
    return covered, len(covered) < len(others)
