"""Reads of the privacy app. Every list goes through the access policy; a read that shows a
person's data is audited (``organisations.audit.audit_read``)."""

from datetime import date, timedelta

from django.db.models import QuerySet

from organisations.audit import PersonalRead, audit_read, audited, value
from organisations.errors import NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, organisation_ids_with_permission, users_with_organisation_permission
from people.models import Person
from people.names import name_key
from privacy.export import GROUP_OF_FIELD
from privacy.models import ConfidentialityIncident, EmergencyCommunication, PrivacyRequest, Rectification
from referrals.models import Referral

# The records of this app that name a person, and how their reads are audited
# (``organisations.audit``; registered by ``PrivacyConfig.ready``): read for their organisation.
_of_organisation = lambda row, reader: value(row, "organisation_id")  # noqa: E731
_its_person = lambda row: [value(row, "person_id")]  # noqa: E731
PERSONAL_READS = {
    "privacy.privacyrequest": PersonalRead(
        "privacy.privacyrequest", _of_organisation, _its_person, "request_id", "organisation_id"
    ),
    "privacy.rectification": PersonalRead(
        "privacy.rectification", _of_organisation, _its_person, "rectification_id", "organisation_id"
    ),
    "privacy.emergencycommunication": PersonalRead(
        "privacy.emergencycommunication", _of_organisation, _its_person, "", "organisation_id"
    ),
    "privacy.confidentialityincident": PersonalRead(
        "privacy.confidentialityincident", _of_organisation, lambda row: [], "incident_id", "organisation_id"
    ),
}

# The action of ``privacy.apps``: the people whose rights ``user`` handles.
PRIVACY = "privacy"
# The action of ``privacy.apps`` for reading a register whole.
REGISTER = "register"


def _handled_people(*, user) -> QuerySet[Person]:
    return Person.objects.restrict(user, PRIVACY).select_related("owner", "household")


def privacy_people(*, user, search: str = "") -> QuerySet[Person]:
    """The people whose files ``user`` handles requests for, optionally searched by name;
    audited when read (``privacy.person.search``: the ids found, never the words searched)."""
    people = _handled_people(user=user)
    for token in name_key(search, "").split():
        people = people.filter(name_key__contains=token)
    return audited(people, user=user, what="privacy.person.search")


def privacy_person(*, user, person_id: int | None) -> Person:
    """One person for a request or a register entry: 404 unless ``user`` handles their file."""
    person = _handled_people(user=user).filter(pk=person_id).first() if person_id else None
    if person is None:
        raise NotFoundError()
    return person


def _requests(*, user) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.restrict(user, Action.VIEW).select_related("person", "organisation", "recorded_by")


def request_list(*, user) -> QuerySet[PrivacyRequest]:
    """The requests ``user`` handles; audited when read (they name people)."""
    return audited(_requests(user=user), user=user)


def request_detail(*, user, request_id: int) -> PrivacyRequest:
    """One request, read by ``user``: 404 unless allowed; audited, since it names the person."""
    found = _requests(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotFoundError()
    audit_read(actor=user, organisation=found.organisation, obj=found, what="privacy.request.detail")
    return found


def requests_due(*, on: date, within_days: int) -> QuerySet[PrivacyRequest]:
    """Open requests whose answer is due within ``within_days`` of ``on`` (or overdue): the
    reminder job's rows, for every organisation."""
    return PrivacyRequest.objects.filter(answered_on__isnull=True, due_on__lte=on + timedelta(days=within_days))


def _rectifications(*, user) -> QuerySet[Rectification]:
    return Rectification.objects.restrict(user, Action.VIEW).select_related("person", "changed_by")


def rectification_list(*, user, person: Person | None = None) -> QuerySet[Rectification]:
    """Corrections ``user`` may read (of one person); audited when read."""
    rows = _rectifications(user=user)
    return audited(rows.filter(person=person) if person is not None else rows, user=user)


def rectification_detail(*, user, rectification_id: int) -> Rectification:
    found = _rectifications(user=user).filter(pk=rectification_id).first()
    if found is None:
        raise NotFoundError()
    audit_read(actor=user, organisation=found.organisation, obj=found, what="privacy.rectification.detail")
    return found


def emergency_communication_list(*, user, person: Person | None = None) -> QuerySet[EmergencyCommunication]:
    """Communications without consent ``user`` may read (of one person); audited when read."""
    rows = EmergencyCommunication.objects.restrict(user, Action.VIEW).select_related(
        "person", "decided_by", "recorded_by", "organisation"
    )
    return audited(rows.filter(person=person) if person is not None else rows, user=user)


def emergency_register(*, user) -> list[EmergencyCommunication]:
    """The register of communications without consent, as the privacy officer reads it (the
    ``register`` action: case workers see an entry only on its person's file). The read is
    audited once per organisation shown, since the register names people."""
    rows = list(
        EmergencyCommunication.objects.restrict(user, REGISTER).select_related(
            "person", "decided_by", "recorded_by", "organisation"
        )
    )
    for organisation in {row.organisation for row in rows}:
        audit_read(actor=user, organisation=organisation, obj=organisation, what="privacy.emergency_register")
    return rows


def incident_list(*, user) -> QuerySet[ConfidentialityIncident]:
    return ConfidentialityIncident.objects.restrict(user, Action.VIEW).select_related("organisation", "recorded_by")


def incident_detail(*, user, incident_id: int) -> ConfidentialityIncident:
    found = incident_list(user=user).filter(pk=incident_id).first()
    if found is None:
        raise NotFoundError()
    return found


def partners_who_received(*, rectification: Rectification) -> list[dict]:
    """The partners a referral sent the corrected field's old value to: those whose referrals of
    the person, sent before the correction, shared the field's data group. The person can be
    told, and the partners asked to correct their copy (s. 28)."""
    group = GROUP_OF_FIELD.get(rectification.field)
    if group is None or rectification.person_id is None:
        return []
    partners: dict[int, dict] = {}
    referrals = (
        Referral.objects.filter(person_id=rectification.person_id, sent_at__lte=rectification.changed_at)
        .select_related("recipient")
        .order_by("sent_at")
    )
    for referral in referrals:
        if group in referral.shared_groups:
            partners.setdefault(referral.recipient_id, {"organisation": referral.recipient, "sent": []})
            partners[referral.recipient_id]["sent"].append(referral.sent_at)
    return list(partners.values())


def privacy_organisations(*, user) -> list[Organisation]:
    """The organisations where ``user`` handles privacy (incidents are entered for one of them)."""
    ids = organisation_ids_with_permission(user, "manage_privacy_requests")
    return list(Organisation.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def privacy_deciders(*, organisation: Organisation) -> QuerySet:
    """Who may decide a communication without consent for ``organisation``'s files: its privacy
    officers and coordinators."""
    return users_with_organisation_permission(organisation, "manage_privacy_requests").order_by("full_name", "email")
