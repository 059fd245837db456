"""The privacy registers: communications made without consent (s. 18.1), and confidentiality
incidents with the notice sent about one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from organisations.errors import ApplicationError, NotFoundError
from people.choices import DataGroup
from people.forms import add_application_error
from people.views.common import add_validation_error
from privacy import export, selectors, services
from privacy.choices import EXPORT_LANGUAGES, EXPORT_LOCALES
from privacy.forms import EmergencyForm, IncidentForm
from privacy.models import ConfidentialityIncident
from privacy.pdf import incident_notice_pdf
from privacy.views.common import chosen_person, find_a_person_first

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
    person = chosen_person(request)
    if person is None:
        return find_a_person_first(request)
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
