"""The person's path on their file, "My path" in their language (page and PDF), the worker's
decisions on a step, and what a partner sees of the path on a referral."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError, NotFoundError
from organisations.permissions import Action, can
from organisations.texts import content_language
from people import selectors as people_selectors
from people.choices import DataGroup
from people.forms import add_application_error
from people.models import Person
from people.views import FileSection, add_validation_error
from trajectory import document, selectors, services
from trajectory.forms import DocumentForm, StepDecisionForm
from trajectory.models import Step


def _person(request, person_id: int) -> Person:
    try:
        return people_selectors.person_file(user=request.user, person_id=person_id)
    except NotFoundError:
        raise Http404 from None


def _path_url(person: Person) -> str:
    return f"{reverse('people:file', args=[person.pk])}#trajectory"


# --- The person file's part --------------------------------------------------------------------------


def person_file_section(request, person: Person) -> FileSection | None:
    """Where the person is, what comes next and by when, every step's state; a link to the
    person's document. None while the hub has no trajectory."""
    found = selectors.person_path(user=request.user, person=person)
    if found is None:
        return None
    path, _facts = found
    in_force = selectors.trajectory_in_force(organisation=person.owner)
    may_change = can(request.user, Action.CHANGE, person)
    if may_change:
        # One form per open step, each with its own ids (labels point to their own field).
        for phase in path.phases:
            for status in phase.steps:
                status.decision_form = StepDecisionForm(auto_id=f"id_step{status.step.pk}_%s")
    return FileSection(
        template="trajectory/person_file_section.html",
        context={
            "path": path,
            "may_change": may_change,
            "newer_version": in_force if in_force and in_force.pk != path.trajectory.pk and may_change else None,
            "document_url": reverse("trajectory:my-path", args=[person.pk]),
            "toc_anchor": "trajectory",
            "toc_label": _("Path"),
        },
        actions=[(reverse("trajectory:my-path", args=[person.pk]), _("My path (for the person)"))],
    )


def _step(person: Person, step_id: int) -> Step:
    """A step of the version the person follows: 404 for any other (another hub's, another
    version's, or none), so that no answer tells them apart."""
    try:
        return selectors.step_on_path(person=person, step_id=step_id)
    except NotFoundError:
        raise Http404 from None


@login_required
@require_POST
def step_decide(request, person_id: int, step_id: int):
    """Record that a step is done, or does not apply, where the file cannot tell; a refused
    decision comes back on its own page with the reason in words, next to the form."""
    person = _person(request, person_id)
    step = _step(person, step_id)
    form = StepDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.step_decide(actor=request.user, person=person, step=step, **form.cleaned_data)
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Step updated."))
            return redirect(_path_url(person))
    return render(request, "trajectory/decide.html", {"person": person, "step": step, "form": form})


@login_required
@require_POST
def step_decision_clear(request, person_id: int, step_id: int):
    person = _person(request, person_id)
    try:
        services.step_decision_clear(actor=request.user, person=person, step=_step(person, step_id))
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("The file decides this step again."))
    return redirect(_path_url(person))


@login_required
@require_POST
def person_trajectory_update(request, person_id: int):
    """Move the person to the version of the trajectory in force."""
    person = _person(request, person_id)
    try:
        services.person_trajectory_update(actor=request.user, person=person)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("This person now follows the trajectory in force."))
    return redirect(_path_url(person))


# --- The person's document -----------------------------------------------------------------------------


def _document(request, person: Person, form: DocumentForm) -> dict | None:
    found = selectors.person_path(user=request.user, person=person)
    if found is None:
        return None
    path, facts = found
    groups = [
        group
        for group, field in ((DataGroup.IMMIGRATION, "immigration"), (DataGroup.HEALTH, "health"))
        if form.cleaned_data[field]
    ]
    return document.build(
        person=person,
        path=path,
        facts=facts,
        entitlements=selectors.entitlements(organisation=person.owner),
        guides=selectors.guides_for(person=person, stage=path.stage),
        partners=selectors.partners_working(user=request.user, person=person),
        language=form.cleaned_data["language"],
        groups=groups,
    )


def _document_form(request, person: Person) -> DocumentForm:
    data = request.GET if "language" in request.GET else {"language": content_language(person.preferred_language)}
    form = DocumentForm(data)
    if not form.is_valid():
        form = DocumentForm({"language": content_language(person.preferred_language)})
        form.is_valid()
    return form


@login_required
def my_path(request, person_id: int):
    """The person's document in their language, to read on a phone or print; the worker chooses
    the language and ticks the sensitive parts in with the person."""
    person = _person(request, person_id)
    form = _document_form(request, person)
    content = _document(request, person, form)
    return render(request, "trajectory/my_path.html", {"person": person, "form": form, "document": content})


@login_required
def my_path_pdf(request, person_id: int):
    person = _person(request, person_id)
    form = _document_form(request, person)
    content = _document(request, person, form)
    if content is None:
        raise Http404
    response = HttpResponse(document.pdf(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="path-{person.pk}-{content["language"]}.pdf"'
    return response


# --- What a partner sees on a referral ----------------------------------------------------------------


def referral_section(request, referral, reading_organisation_id: int) -> FileSection | None:
    """The phase the person is in and the steps the partner's own referrals carry, when the
    person's consent shares the "trajectory" group with it (``selectors.partner_view``)."""
    view = selectors.partner_view(referral=referral, organisation_id=reading_organisation_id)
    if view is None:
        return None
    return FileSection(template="trajectory/referral_section.html", context={"view": view})
