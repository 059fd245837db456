"""Pages of the privacy officer's desk: access and portability requests with their deadlines and
the export, rectifications, the register of communications without consent and the register of
confidentiality incidents; and the part of the person file that shows corrections and
communications without consent.

Views read through selectors and write through services. Whatever the user may not handle is a
404, whether it exists or not."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.choices import OrganisationKind, Role
from organisations.errors import ApplicationError, NotFoundError
from organisations.permissions import can, organisation_ids_with_permission
from organisations.validators import parse_id
from people.choices import DataGroup
from people.forms import add_application_error
from people.models import Person
from people.views import FileSection, TimelineItem, add_validation_error, person_file_sections
from privacy import export, selectors, services
from privacy.choices import EXPORT_LANGUAGES, EXPORT_LOCALES
from privacy.forms import CloseForm, EmergencyForm, IncidentForm, PersonSearchForm, RectificationForm, RequestForm
from privacy.models import ConfidentialityIncident
from privacy.pdf import incident_notice_pdf

SEARCH_LIMIT = 20
# Days before its deadline from which an open request is flagged on the desk.
DUE_SOON_DAYS = 7


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Privacy" in the header for privacy officers and for coordinators of a hub."""
    if Role.PRIVACY_OFFICER in context.roles or (
        Role.COORDINATOR in context.roles and OrganisationKind.HUB in context.case_work_kinds
    ):
        return [(reverse("privacy:desk"), _("Privacy"))]
    return []


def _chosen_person(request) -> Person | None:
    """The person named by ``?person=`` (or the posted ``person``), among the files the user
    handles privacy for: None when no person is named (the page sends to the desk to find one),
    404 when the user does not handle that file or it does not exist."""
    raw = request.POST.get("person") or request.GET.get("person", "")
    if not raw:
        return None
    try:
        return selectors.privacy_person(user=request.user, person_id=parse_id(raw))
    except NotFoundError:
        raise Http404 from None


def _find_a_person_first(request):
    messages.info(request, _("Find the person first."))
    return redirect("privacy:desk")


# --- The desk: requests and finding a person ------------------------------------------------------


@login_required
def desk(request):
    """The open requests, the soonest due first, and a search to act for a person."""
    if not selectors.privacy_organisations(user=request.user):
        raise Http404
    search_form = PersonSearchForm(request.GET)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    people = list(selectors.privacy_people(user=request.user, search=query)[: SEARCH_LIMIT + 1]) if query else []
    today = timezone.localdate()
    requests = list(selectors.request_list(user=request.user)[:200])
    rows = []
    for privacy_request in requests:
        days_left = (privacy_request.due_on - today).days
        rows.append(
            {
                "request": privacy_request,
                "days_left": days_left,
                "overdue": privacy_request.is_open and days_left < 0,
                "due_soon": privacy_request.is_open and 0 <= days_left <= DUE_SOON_DAYS,
            }
        )
    return render(
        request,
        "privacy/desk.html",
        {
            "search_form": search_form,
            "query": query,
            "people": people[:SEARCH_LIMIT],
            "more_people": len(people) > SEARCH_LIMIT,
            # The audit log answers "who read this file" for the organisations whose log it reads.
            "audit_organisations": organisation_ids_with_permission(request.user, "view_audit"),
            "open_rows": [row for row in rows if row["request"].is_open],
            "closed_rows": [row for row in rows if not row["request"].is_open][:30],
        },
    )


def _household_members(person: Person, user) -> list[Person]:
    if not person.household_id:
        return []
    return list(selectors.privacy_people(user=user).filter(household_id=person.household_id).exclude(pk=person.pk))


@login_required
def request_create(request):
    """Record an access or portability request for the person of ``?person=``."""
    person = _chosen_person(request)
    if person is None:
        return _find_a_person_first(request)
    members = _household_members(person, request.user)
    language = person.preferred_language if person.preferred_language in dict(EXPORT_LANGUAGES) else "fr"
    if request.method == "POST":
        form = RequestForm(request.POST, members=members)
        if form.is_valid():
            try:
                created = services.request_record(actor=request.user, person=person, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("The request is recorded: answer it by %(date)s.")
                    % {"date": date_format(created.due_on, "DATE_FORMAT")},
                )
                return redirect("privacy:request", created.pk)
        status = 422
    else:
        form, status = RequestForm(members=members, initial={"language": language}), 200
    return render(request, "privacy/request_form.html", {"person": person, "form": form}, status=status)


def _request_or_404(user, request_id: int):
    try:
        return selectors.request_detail(user=user, request_id=request_id)
    except NotFoundError:
        raise Http404 from None


@login_required
def request_detail(request, request_id: int):
    privacy_request = _request_or_404(request.user, request_id)
    return render(
        request,
        "privacy/request.html",
        {
            "privacy_request": privacy_request,
            "included": list(privacy_request.included_members.all()),
            "close_form": CloseForm(),
            "days_left": (privacy_request.due_on - timezone.localdate()).days,
        },
    )


def _export(request, request_id: int, file_format: str):
    privacy_request = _request_or_404(request.user, request_id)
    try:
        content, filename = services.request_export(
            actor=request.user, request=privacy_request, file_format=file_format
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("privacy:request", privacy_request.pk)
    content_type = "application/json; charset=utf-8" if file_format == "json" else "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def request_export_json(request, request_id: int):
    """The person's whole file as structured JSON (portability), in the request's language."""
    return _export(request, request_id, "json")


@login_required
def request_export_pdf(request, request_id: int):
    """The person's whole file as a readable PDF, in the request's language."""
    return _export(request, request_id, "pdf")


@login_required
@require_POST
def request_close(request, request_id: int):
    privacy_request = _request_or_404(request.user, request_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.request_close(
                actor=request.user, request=privacy_request, answered_on=form.cleaned_data["answered_on"]
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The request is closed."))
    else:
        messages.error(request, _("Give the date the request was answered."))
    return redirect("privacy:request", privacy_request.pk)


# --- Rectification --------------------------------------------------------------------------------


def _rectifiable_fields() -> list[tuple[str, str]]:
    return [(name, export.field_label(name)) for name in services.RECTIFIABLE_FIELDS]


@login_required
def rectification_create(request):
    """Correct a field of the file of ``?person=`` at the person's request."""
    person = _chosen_person(request)
    if person is None:
        return _find_a_person_first(request)
    status = 200
    if request.method == "POST":
        form = RectificationForm(request.POST, fields=_rectifiable_fields())
        if form.is_valid():
            try:
                rectification = services.person_rectify(actor=request.user, person=person, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error, {"field": "field", "reason": "reason", "value": "value"})
            except ValidationError as error:
                for messages_ in getattr(error, "message_dict", {"value": error.messages}).values():
                    form.add_error("value", messages_)
            else:
                messages.success(request, _("The file is corrected."))
                return redirect("privacy:rectification", rectification.pk)
        status = 422
    else:
        form = RectificationForm(fields=_rectifiable_fields())
    current = [
        (export.field_label(name), export.field_value(person, name)[1], name) for name in services.RECTIFIABLE_FIELDS
    ]
    return render(
        request,
        "privacy/rectification_form.html",
        {"person": person, "form": form, "current": current},
        status=status,
    )


@login_required
def rectification_detail(request, rectification_id: int):
    """A correction, and the partners that received the old value (to tell the person)."""
    try:
        rectification = selectors.rectification_detail(user=request.user, rectification_id=rectification_id)
    except NotFoundError:
        raise Http404 from None
    return render(
        request,
        "privacy/rectification.html",
        {
            "rectification": rectification,
            "field_label": export.field_label(rectification.field),
            "partners": selectors.partners_who_received(rectification=rectification),
            "group_label": dict(DataGroup.choices).get(export.GROUP_OF_FIELD.get(rectification.field), ""),
        },
    )


# --- Communications without consent ---------------------------------------------------------------


@login_required
def emergency_register(request):
    """The register of communications made without consent (s. 18.1)."""
    if not selectors.privacy_organisations(user=request.user):
        raise Http404
    return render(
        request, "privacy/emergency_register.html", {"communications": selectors.emergency_register(user=request.user)}
    )


@login_required
def emergency_create(request):
    person = _chosen_person(request)
    if person is None:
        return _find_a_person_first(request)
    deciders = list(selectors.privacy_deciders(organisation=person.owner))
    status = 200
    if request.method == "POST":
        form = EmergencyForm(request.POST, deciders=deciders)
        if form.is_valid():
            try:
                services.emergency_record(actor=request.user, person=person, **form.cleaned_data)
            except ApplicationError as error:
                add_application_error(form, error, {"decided_by": "decided_by", "communicated_at": "communicated_at"})
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The communication is entered in the register."))
                return redirect("privacy:emergency-register")
        status = 422
    else:
        form = EmergencyForm(deciders=deciders, initial={"decided_by": request.user.pk})
    return render(request, "privacy/emergency_form.html", {"person": person, "form": form}, status=status)


# --- Confidentiality incidents --------------------------------------------------------------------


@login_required
def incidents(request):
    """The register of confidentiality incidents, and the form to enter one."""
    organisations = selectors.privacy_organisations(user=request.user)
    if not organisations:
        raise Http404
    status = 200
    if request.method == "POST":
        form = IncidentForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                incident = services.incident_record(
                    actor=request.user, organisation=form.cleaned_data["organisation"], **form.incident_fields()
                )
            except ApplicationError as error:
                add_application_error(form, error, {name: name for name in form.fields})
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The incident is entered in the register."))
                return redirect("privacy:incident", incident.pk)
        status = 422
    else:
        form = IncidentForm(organisations=organisations)
    return render(
        request,
        "privacy/incidents.html",
        {"incidents": selectors.incident_list(user=request.user), "form": form},
        status=status,
    )


def _incident_or_404(user, incident_id: int) -> ConfidentialityIncident:
    try:
        return selectors.incident_detail(user=user, incident_id=incident_id)
    except NotFoundError:
        raise Http404 from None


def _incident_initial(incident: ConfidentialityIncident) -> dict:
    initial = {name: getattr(incident, name) for name in services.INCIDENT_FIELDS}
    initial["serious_injury_risk"] = "yes" if incident.serious_injury_risk else "no"
    initial["organisation"] = incident.organisation_id
    return initial


@login_required
def incident_detail(request, incident_id: int):
    """An incident, completed as it is handled (notices, measures)."""
    incident = _incident_or_404(request.user, incident_id)
    organisations = [incident.organisation]
    status = 200
    if request.method == "POST":
        form = IncidentForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                services.incident_update(actor=request.user, incident=incident, **form.incident_fields())
            except ApplicationError as error:
                add_application_error(form, error, {name: name for name in form.fields})
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The incident is saved."))
                return redirect("privacy:incident", incident.pk)
        status = 422
    else:
        form = IncidentForm(organisations=organisations, initial=_incident_initial(incident))
    groups = dict(DataGroup.choices)
    return render(
        request,
        "privacy/incident.html",
        {
            "incident": incident,
            "form": form,
            "groups": [groups.get(code, code) for code in incident.data_groups],
            "languages": EXPORT_LANGUAGES,
        },
        status=status,
    )


def incident_notice_sections(incident: ConfidentialityIncident) -> list[tuple[str, str]]:
    """What the notice to the Commission says (Regulation respecting confidentiality incidents,
    s. 3), in the active language."""
    groups = dict(DataGroup.choices)
    return [
        (_("Organisation"), incident.organisation.name),
        (_("Information concerned"), ", ".join(str(groups.get(code, code)) for code in incident.data_groups)),
        (_("What happened"), incident.description),
        (_("Occurred on"), export.shown(incident.occurred_on)),
        (_("Known on"), export.shown(incident.known_on)),
        (_("Number of people concerned"), str(incident.people_count)),
        (_("Risk of serious injury"), export.shown(incident.serious_injury_risk)),
        (_("Risk assessment"), incident.risk_assessment),
        (_("Measures taken"), incident.measures),
        (_("People notified on"), export.shown(incident.people_notified_on)),
        (_("Person to contact"), incident.recorded_by.full_name or incident.recorded_by.email),
    ]


@login_required
def incident_notice(request, incident_id: int):
    """The notice of the incident to the Commission d'accès à l'information, as a PDF in the
    language asked (``?lang=``, French by default: the Commission's language)."""
    incident = _incident_or_404(request.user, incident_id)
    language = request.GET.get("lang", "fr")
    if language not in dict(EXPORT_LANGUAGES):
        language = "fr"
    with translation.override(EXPORT_LOCALES[language]):
        title = _("Notice of a confidentiality incident to the Commission d'accès à l'information")
        content = incident_notice_pdf(title=title, language=language, sections=incident_notice_sections(incident))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}-notice.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- The person file's part -------------------------------------------------------------------------


def person_file_section(request, person: Person) -> FileSection | None:
    """Corrections of the file and communications without consent, on the person file; links
    to correct the file or enter a communication for those who handle privacy."""
    user = request.user
    rectifications = list(selectors.rectification_list(user=user, person=person)[:20])
    communications = list(selectors.emergency_communication_list(user=user, person=person)[:20])
    handles = can(user, selectors.PRIVACY, person)
    if not rectifications and not communications and not handles:
        return None
    query = urlencode({"person": person.pk})
    timeline = [
        TimelineItem(row.changed_at, _("File corrected"), export.field_label(row.field)) for row in rectifications
    ] + [TimelineItem(row.communicated_at, _("Communicated without consent"), row.recipient) for row in communications]
    return FileSection(
        template="privacy/person_file_section.html",
        context={
            "rectifications": [(row, export.field_label(row.field)) for row in rectifications],
            "communications": communications,
            "handles": handles,
            "rectify_url": f"{reverse('privacy:rectification-create')}?{query}",
            "request_url": f"{reverse('privacy:request-create')}?{query}",
            "emergency_url": f"{reverse('privacy:emergency-create')}?{query}",
            "toc_anchor": "privacy",
            "toc_label": _("Privacy"),
        },
        timeline=timeline,
    )


person_file_sections.append(person_file_section)
