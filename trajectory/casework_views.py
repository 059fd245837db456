"""The hub's case work around the path: the person's situation (assessments), interpreter
requests, programmes and their enrolments, and the people in a complex situation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.choices import SPOKEN_LANGUAGES, OrganisationKind
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, can, organisation_ids_with_permission
from organisations.selectors import case_organisations
from people import selectors as people_selectors
from people.forms import add_application_error
from people.models import Person
from people.views import FileSection, add_validation_error
from trajectory import selectors, services
from trajectory.choices import Vulnerability
from trajectory.forms import AssessmentForm, EnrolForm, InterpreterRequestForm, OutcomeForm, ProgrammeForm


def _person(request, person_id: int) -> Person:
    try:
        return people_selectors.person_file(user=request.user, person_id=person_id)
    except NotFoundError:
        raise Http404 from None


def _back(person: Person) -> str:
    return f"{reverse('people:file', args=[person.pk])}#situation"


def _require_hub_case_worker(user) -> None:
    """The team pages (complex situations, programmes) are for the case workers of a hub."""
    if not case_organisations(user).filter(kind=OrganisationKind.HUB).exists():
        raise Http404


def _run(request, form, write, success: str) -> bool:
    """Call the service ``write`` for a valid ``form``; True when it wrote, else the form holds
    the errors, field by field."""
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, success)
            return True
    return False


def _submitted(request, form, write, *, success: str, title: str, back: str):
    """Back to ``back`` once ``write`` saved the form; a refused form comes back on its own
    page, as it was typed, each error next to its field (on a phone the file's form would be
    screens away from a message at the top)."""
    if _run(request, form, write, success):
        return redirect(back)
    return render(request, "trajectory/form_page.html", {"form": form, "title": title, "back": back})


def _open_programmes(user, person: Person):
    """The hub's programmes the person may join now: running, with a place left, not already in."""
    return (
        selectors.programmes(user=user)
        .filter(organisation=person.owner, ends_on__gte=timezone.localdate())
        .exclude(enrolments__person=person)
        .annotate(taken=Count("enrolments", filter=Q(enrolments__outcome="")))
        .filter(taken__lt=F("capacity"))
    )


def person_file_section(request, person: Person) -> FileSection | None:
    """The person's situation (latest assessment), interpreter requests and programmes."""
    user = request.user
    if not can(user, Action.CHANGE, person):
        return None
    labels = dict(Vulnerability.choices)
    latest = selectors.assessments(user=user, person=person).first()
    requests = list(selectors.interpreter_requests(user=user, person=person)[:10])
    for interpreter_request in requests:
        interpreter_request.language_label = SPOKEN_LANGUAGES.get(
            interpreter_request.language, interpreter_request.language
        )
    return FileSection(
        template="trajectory/casework_section.html",
        context={
            "assessment": latest,
            "vulnerabilities": [labels.get(code, code) for code in (latest.vulnerabilities if latest else [])],
            "assessment_form": AssessmentForm(initial={"assessed_on": timezone.localdate()}),
            "interpreter_requests": requests,
            "interpreter_form": InterpreterRequestForm(person=person),
            "enrolments": list(selectors.enrolments(user=user, person=person)),
            "enrol_form": EnrolForm(programmes=_open_programmes(user, person)),
            "toc_anchor": "situation",
            "toc_label": _("Situation"),
        },
    )


@login_required
@require_POST
def assessment_create(request, person_id: int):
    person = _person(request, person_id)
    form = AssessmentForm(request.POST)
    return _submitted(
        request,
        form,
        lambda data: services.assessment_record(actor=request.user, person=person, **data),
        success=_("Assessment recorded."),
        title=_("Record an assessment"),
        back=_back(
            person,
        ),
    )


@login_required
@require_POST
def interpreter_request_create(request, person_id: int):
    person = _person(request, person_id)
    form = InterpreterRequestForm(request.POST, person=person)
    return _submitted(
        request,
        form,
        lambda data: services.interpreter_request_create(actor=request.user, person=person, **data),
        success=_("Interpreter requested."),
        title=_("Ask for an interpreter"),
        back=_back(
            person,
        ),
    )


@login_required
@require_POST
def interpreter_request_update(request, interpreter_request_id: int):
    try:
        interpreter_request = selectors.interpreter_request(user=request.user, request_id=interpreter_request_id)
    except NotFoundError:
        raise Http404 from None
    status = request.POST.get("status", "")
    try:
        services.interpreter_request_update(actor=request.user, request=interpreter_request, status=status)
    except ValidationError:
        messages.error(request, _("Choose among the listed values."))
    else:
        messages.success(request, _("Interpreter request updated."))
    return redirect(_back(interpreter_request.person))


@login_required
@require_POST
def enrolment_create(request, person_id: int):
    person = _person(request, person_id)
    form = EnrolForm(request.POST, programmes=_open_programmes(request.user, person))
    return _submitted(
        request,
        form,
        lambda data: services.enrolment_create(actor=request.user, programme=data["programme"], person=person),
        success=_("Enrolled in the programme."),
        title=_("Enrol"),
        back=_back(
            person,
        ),
    )


@login_required
def complex_situations(request):
    """The people in a complex situation, for the team: their vulnerabilities and next review."""
    _require_hub_case_worker(request.user)
    vulnerabilities = dict(Vulnerability.choices)
    rows = [
        (assessment, [vulnerabilities.get(code, code) for code in assessment.vulnerabilities])
        for assessment in selectors.complex_situations(user=request.user)
    ]
    return render(request, "trajectory/complex.html", {"rows": rows, "today": timezone.localdate()})


# --- Programmes ------------------------------------------------------------------------------------------


@login_required
def programmes(request):
    """The hub's programmes; its coordinators add one here."""
    _require_hub_case_worker(request.user)
    managed = selectors.managed_organisations(user=request.user).first()
    form = None
    if managed is not None:
        partners = Organisation.objects.filter(is_active=True).exclude(pk=managed.pk).order_by("name")
        form = ProgrammeForm(request.POST or None, partners=partners)
        if request.method == "POST":
            saved = []

            def save(data):
                data = dict(data)
                saved.append(
                    services.programme_save(
                        actor=request.user, organisation=managed, partners=data.pop("partners"), **data
                    )
                )

            if _run(request, form, save, _("Programme saved.")):
                return redirect("trajectory:programme", saved[0].pk)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "trajectory/programmes.html",
        {"programmes": selectors.programmes(user=request.user), "form": form},
    )


@login_required
def programme(request, programme_id: int):
    try:
        found = selectors.programme(user=request.user, programme_id=programme_id)
    except NotFoundError:
        raise Http404 from None
    rows = [
        (enrolment, OutcomeForm(initial={"outcome": enrolment.outcome, "outcome_on": enrolment.outcome_on}))
        for enrolment in selectors.enrolments(user=request.user, programme=found).order_by("person__family_names")
    ]
    can_report = bool(organisation_ids_with_permission(request.user, "view_aggregates"))
    return render(request, "trajectory/programme.html", {"programme": found, "rows": rows, "can_report": can_report})


@login_required
@require_POST
def enrolment_outcome(request, enrolment_id: int):
    try:
        enrolment = selectors.enrolment(user=request.user, enrolment_id=enrolment_id)
    except NotFoundError:
        raise Http404 from None
    form = OutcomeForm(request.POST)
    back = reverse("trajectory:programme", args=[enrolment.programme_id])
    return _submitted(
        request,
        form,
        lambda data: services.enrolment_outcome_record(actor=request.user, enrolment=enrolment, **data),
        success=_("Outcome recorded."),
        title=_("Record the outcome"),
        back=back,
    )
