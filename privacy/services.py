"""Writes of the privacy app. Each service runs in one transaction, checks the access policy
(the ``manage_privacy_requests`` right on the organisation holding the file), writes, and appends
an audit entry whose details hold ids, codes and field names, never values."""

import json
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisations import permissions
from organisations.audit import audit_record
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation, User
from organisations.permissions import Action
from people.choices import DataGroup
from people.models import Person
from privacy import export, pdf
from privacy.choices import EXPORT_LOCALES
from privacy.models import ConfidentialityIncident, EmergencyCommunication, PrivacyRequest, Rectification
from privacy.selectors import PRIVACY

# Fields a rectification may correct: the profile's single values (languages spoken and the
# household relationship have their own forms on the file).
RECTIFIABLE_FIELDS = tuple(
    name for name in export.GROUP_OF_FIELD if name not in {"other_languages", "household_relationship"}
)


def _require_privacy(actor: User, person: Person) -> None:
    permissions.require(actor, PRIVACY, person)


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not permissions.has_organisation_permission(actor, "manage_privacy_requests", organisation):
        raise NotFoundError()


# --- Access and portability (s. 27) --------------------------------------------------------------


@transaction.atomic
def request_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    received_on: date,
    channel: str,
    language: str,
    requester: str = "person",
    representative_name: str = "",
    included_members: list[Person] = (),
    note: str = "",
) -> PrivacyRequest:
    """Record a request received for ``person``; its answer is due 30 days after receipt.
    ``included_members`` are household members who gave their own consent to be in the export."""
    _require_privacy(actor, person)
    for member in included_members:
        if member.pk == person.pk or member.household_id is None or member.household_id != person.household_id:
            raise ApplicationError(_("Only members of the person's household can be included."), code="not_a_member")
    request = PrivacyRequest(
        organisation=person.owner,
        person=person,
        kind=kind,
        received_on=received_on,
        channel=channel,
        requester=requester,
        representative_name=representative_name.strip(),
        language=language,
        due_on=PrivacyRequest.due_for(received_on),
        note=note.strip(),
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    request.included_members.set(included_members)
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="privacy.request.recorded",
        obj=request,
        details={"kind": kind, "person": person.pk, "included_members": sorted(m.pk for m in included_members)},
    )
    return request


def _open_request(actor: User, request: PrivacyRequest) -> PrivacyRequest:
    permissions.require(actor, Action.CHANGE, request)
    locked = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if locked.person_id is None:
        raise ApplicationError(_("The file of this request no longer exists."), code="file_destroyed")
    return locked


@transaction.atomic
def request_export(*, actor: User, request: PrivacyRequest, file_format: str) -> tuple[bytes, str]:
    """Build the person's whole file for the request, as JSON or PDF, in the request's language:
    (content, filename). Audited, with the household members left out counted, never named."""
    if file_format not in {"json", "pdf"}:
        raise NotFoundError()
    request = _open_request(actor, request)
    now = timezone.now()
    with translation.override(EXPORT_LOCALES[request.language]):
        document = export.person_document(request=request, generated_at=now)
        if file_format == "json":
            content = json.dumps(document, ensure_ascii=False, indent=2).encode()
        else:
            content = pdf.person_export_pdf(document, empty=_("Nothing recorded."))
    request.exported_at = now
    request.save(update_fields=["exported_at"])
    audit_record(
        actor=actor,
        organisation=request.organisation,
        action="privacy.request.exported",
        obj=request,
        details={
            "person": request.person_id,
            "format": file_format,
            "language": request.language,
            "left_out_members": document["data_groups"][DataGroup.HOUSEHOLD]["left_out"],
        },
    )
    return content, f"passerelle-file-{request.person_id}-{now:%Y%m%d}.{file_format}"


@transaction.atomic
def request_close(*, actor: User, request: PrivacyRequest, answered_on: date) -> PrivacyRequest:
    """Close the request with the day it was answered."""
    permissions.require(actor, Action.CHANGE, request)
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_on is not None:
        raise ApplicationError(_("This request is already closed."), code="already_closed")
    if answered_on < request.received_on or answered_on > timezone.localdate():
        raise ApplicationError(
            _("The answer date is between the day the request was received and today."), code="answered_on"
        )
    request.answered_on = answered_on
    request.closed_by = actor
    request.save(update_fields=["answered_on", "closed_by"])
    audit_record(
        actor=actor,
        organisation=request.organisation,
        action="privacy.request.closed",
        obj=request,
        details={"late": answered_on > request.due_on},
    )
    return request


# --- Rectification (s. 28) -----------------------------------------------------------------------


def _stored(value) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


@transaction.atomic
def person_rectify(*, actor: User, person: Person, field: str, value: str, reason: str) -> Rectification:
    """Correct one field of the file at the person's request, keeping the value before and
    after, why, who and when (the file's history; the audit entry names the field only)."""
    _require_privacy(actor, person)
    if field not in RECTIFIABLE_FIELDS:
        raise ApplicationError(_("This field cannot be corrected here."), code="field")
    if not reason.strip():
        raise ApplicationError(_("Say why the field is corrected."), code="reason")
    person = Person.objects.select_for_update().get(pk=person.pk)
    model_field = Person._meta.get_field(field)
    old = getattr(person, field)
    try:
        new = model_field.to_python(value.strip() if isinstance(value, str) else value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if new is None and not model_field.null:
        new = "" if isinstance(old, str) else new
    if new == old:
        raise ApplicationError(_("The new value is the same as the current one."), code="value")
    setattr(person, field, new)
    person.set_search_keys()
    person.full_clean(exclude=["household"])
    person.save(update_fields=sorted({field, *Person.SEARCH_KEYS, "updated_at"}))
    rectification = Rectification.objects.create(
        organisation=person.owner,
        person=person,
        field=field,
        old_value=_stored(old),
        new_value=_stored(new),
        reason=reason.strip(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.person.rectified",
        obj=person,
        details={"fields": [field], "rectification": rectification.pk},
    )
    return rectification


# --- Communications without consent (s. 18.1) -----------------------------------------------------


@transaction.atomic
def emergency_record(
    *,
    actor: User,
    person: Person,
    communicated_at: datetime,
    recipient: str,
    information: str,
    reason: str,
    decided_by: User,
) -> EmergencyCommunication:
    """Enter in the register a communication made without the person's consent to prevent
    serious harm. ``decided_by`` is a privacy manager of the organisation holding the file."""
    _require_privacy(actor, person)
    if not permissions.has_organisation_permission(decided_by, "manage_privacy_requests", person.owner):
        raise ApplicationError(
            _("Choose who decided among the organisation's privacy officers and coordinators."), code="decided_by"
        )
    if communicated_at > timezone.now():
        raise ApplicationError(_("The communication cannot be in the future."), code="communicated_at")
    communication = EmergencyCommunication(
        organisation=person.owner,
        person=person,
        communicated_at=communicated_at,
        recipient=recipient.strip(),
        information=information.strip(),
        reason=reason.strip(),
        decided_by=decided_by,
        recorded_by=actor,
    )
    communication.full_clean()
    communication.save()
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="privacy.emergency_communication.recorded",
        obj=communication,
        details={"person": person.pk, "decided_by": decided_by.pk},
    )
    return communication


# --- Confidentiality incidents (s. 3.5–3.8) --------------------------------------------------------

INCIDENT_FIELDS = {
    "description",
    "occurred_on",
    "known_on",
    "data_groups",
    "people_count",
    "serious_injury_risk",
    "risk_assessment",
    "commission_notified_on",
    "people_notified_on",
    "measures",
}


def _check_incident(incident: ConfidentialityIncident) -> None:
    if not incident.data_groups or not set(incident.data_groups) <= set(DataGroup.values):
        raise ApplicationError(_("Choose the information concerned."), code="data_groups")
    if incident.known_on < incident.occurred_on:
        raise ApplicationError(_("The incident cannot be known before it occurred."), code="known_on")
    for name in ("commission_notified_on", "people_notified_on"):
        notified = getattr(incident, name)
        if notified is not None and notified < incident.known_on:
            raise ApplicationError(_("A notice is given after the incident is known."), code=name)
    incident.keep_until = ConfidentialityIncident.keep_until_for(incident.known_on)
    incident.full_clean()


@transaction.atomic
def incident_record(*, actor: User, organisation: Organisation, **fields) -> ConfidentialityIncident:
    """Enter a confidentiality incident in the register, kept 5 years after it was known."""
    _require_manager(actor, organisation)
    if set(fields) - INCIDENT_FIELDS:
        raise TypeError(f"incident_record does not take {sorted(set(fields) - INCIDENT_FIELDS)}")
    incident = ConfidentialityIncident(organisation=organisation, recorded_by=actor, keep_until=date.today(), **fields)
    _check_incident(incident)
    incident.save()
    audit_record(actor=actor, organisation=organisation, action="privacy.incident.recorded", obj=incident)
    return incident


@transaction.atomic
def incident_update(*, actor: User, incident: ConfidentialityIncident, **fields) -> ConfidentialityIncident:
    """Complete an incident as it is handled (notices given, measures taken)."""
    permissions.require(actor, Action.CHANGE, incident)
    if set(fields) - INCIDENT_FIELDS:
        raise TypeError(f"incident_update does not change {sorted(set(fields) - INCIDENT_FIELDS)}")
    incident = ConfidentialityIncident.objects.select_for_update().get(pk=incident.pk)
    for name, value in fields.items():
        setattr(incident, name, value)
    _check_incident(incident)
    incident.save()
    audit_record(
        actor=actor,
        organisation=incident.organisation,
        action="privacy.incident.updated",
        obj=incident,
        details={"fields": sorted(fields)},
    )
    return incident
