"""The coordinators' pages: the trajectory's versions, phases and steps, the entitlements, the
guides and the claim's deadline rules. Every page is a 404 for anyone who does not design a
hub's trajectory (``manage_trajectory``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError, NotFoundError
from organisations.texts import missing_languages
from people.forms import add_application_error
from people.views import add_validation_error
from trajectory import selectors, services
from trajectory.choices import TrajectoryStatus
from trajectory.forms import DeadlineRuleForm, EntitlementForm, GuideForm, PhaseForm, StepForm
from trajectory.models import Entitlement, Guide, Phase, Step, Trajectory


def _hub(request):
    try:
        return selectors.managed_organisation(user=request.user)
    except NotFoundError:
        raise Http404 from None


def _saved(form, save) -> bool:
    """Run ``save`` (a service call) and put its errors on ``form``; True when it saved."""
    try:
        save()
    except ApplicationError as error:
        add_application_error(form, error)
    except ValidationError as error:
        add_validation_error(form, error)
    else:
        return True
    return False


def _owned(model, pk: int | None, hub):
    """The hub's entitlement or guide ``pk`` (None for a new one): 404 when it is another's."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, organisation=hub).first()
    if obj is None:
        raise Http404
    return obj


def _object_page(
    request, *, form_class, obj, title, save, back: str, saved: str, delete=None, deleted: str = "", read_only=False
):
    """The page of one object of the design: its form; on a post, ``delete(obj)`` when asked and
    allowed, else ``save(obj, fields)`` (a service call), then back to the list ``back``."""
    # The form changes a copy: a service compares the stored object with the new values.
    form = form_class(request.POST or None, instance=type(obj).objects.get(pk=obj.pk) if obj else None)
    if request.method == "POST":
        if obj is not None and delete is not None and request.POST.get("delete"):
            try:
                delete(obj)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, deleted)
            return redirect(back)
        if form.is_valid() and _saved(form, lambda: save(obj, form.cleaned_data)):
            messages.success(request, saved)
            return redirect(back)
    deletable = obj is not None and delete is not None
    return render(
        request, "trajectory/edit.html", {"form": form, "title": title, "deletable": deletable, "read_only": read_only}
    )


# --- The trajectory -----------------------------------------------------------------------------------


@login_required
def design(request):
    """The version in force, the draft being prepared and the older versions."""
    hub = _hub(request)
    draft = selectors.trajectory_draft(organisation=hub)
    return render(
        request,
        "trajectory/design.html",
        {
            "hub": hub,
            "in_force": selectors.trajectory_in_force(organisation=hub),
            "draft": draft,
            "versions": selectors.trajectory_versions(organisation=hub),
            "phase_form": PhaseForm(initial={"position": (draft.phases.count() + 1) if draft else 1}),
        },
    )


@login_required
@require_POST
def draft_open(request):
    hub = _hub(request)
    if request.POST.get("proposed"):
        services.proposed_content_install(actor=request.user, organisation=hub)
        messages.success(request, _("Passerelle's proposed trajectory is your draft: review it, then publish it."))
    else:
        services.trajectory_draft_open(actor=request.user, organisation=hub)
        messages.success(request, _("The draft is open."))
    return redirect("trajectory:design")


@login_required
@require_POST
def publish(request, trajectory_id: int):
    hub = _hub(request)
    trajectory = Trajectory.objects.filter(pk=trajectory_id, organisation=hub).first()
    if trajectory is None:
        raise Http404
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to say you have read what publishing does."))
        return redirect("trajectory:design")
    try:
        services.trajectory_publish(actor=request.user, trajectory=trajectory)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Version %(version)s is in force.") % {"version": trajectory.version})
    return redirect("trajectory:design")


@login_required
@require_POST
def phase_create(request, trajectory_id: int):
    hub = _hub(request)
    trajectory = Trajectory.objects.filter(pk=trajectory_id, organisation=hub).first()
    if trajectory is None:
        raise Http404
    form = PhaseForm(request.POST)
    if form.is_valid() and _saved(
        form, lambda: services.phase_save(actor=request.user, trajectory=trajectory, **form.cleaned_data)
    ):
        messages.success(request, _("Phase added."))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return redirect("trajectory:design")


def _phase(request, phase_id: int):
    try:
        return selectors.designed(Phase, user=request.user, pk=phase_id)
    except NotFoundError:
        raise Http404 from None


@login_required
def phase_edit(request, phase_id: int):
    phase = _phase(request, phase_id)
    return _object_page(
        request,
        form_class=PhaseForm,
        obj=phase,
        title=_("Phase"),
        save=lambda obj, fields: services.phase_save(
            actor=request.user, trajectory=phase.trajectory, phase=obj, **fields
        ),
        delete=lambda obj: services.phase_delete(actor=request.user, phase=obj),
        read_only=phase.trajectory.status != TrajectoryStatus.DRAFT,
        back="trajectory:design",
        saved=_("Phase saved."),
        deleted=_("Phase deleted."),
    )


@login_required
def step_edit(request, pk: int | None = None, phase_id: int | None = None):
    """A new step of a phase (``phase_id``) or an existing one (``pk``)."""
    if pk is not None:
        try:
            step = selectors.designed(Step, user=request.user, pk=pk)
        except NotFoundError:
            raise Http404 from None
        phase = step.phase
    else:
        step, phase = None, _phase(request, phase_id)
    phases = list(phase.trajectory.phases.all())
    initial = {"phase": phase.pk, "position": (phase.steps.count() + 1) if step is None else step.position}
    form = StepForm(request.POST or None, instance=step, phases=phases, initial=initial)
    if request.method == "POST":
        if step is not None and request.POST.get("delete"):
            if _saved(form, lambda: services.step_delete(actor=request.user, step=step)):
                messages.success(request, _("Step deleted."))
                return redirect("trajectory:design")
        elif form.is_valid():
            fields = {name: value for name, value in form.cleaned_data.items() if name != "phase"}
            if _saved(
                form,
                lambda: services.step_save(actor=request.user, phase=form.cleaned_data["phase"], step=step, **fields),
            ):
                messages.success(request, _("Step saved."))
                return redirect("trajectory:design")
    return render(
        request,
        "trajectory/edit.html",
        {
            "form": form,
            "title": _("Step") if step else _("New step"),
            "deletable": step is not None,
            "read_only": phase.trajectory.status != TrajectoryStatus.DRAFT,
            "missing": missing_languages(step, "name") if step else [],
        },
    )


# --- Entitlements and guides --------------------------------------------------------------------------


@login_required
def entitlements(request):
    hub = _hub(request)
    rows = [(item, missing_languages(item, "name", "description")) for item in selectors.entitlements(organisation=hub)]
    return render(request, "trajectory/entitlements.html", {"hub": hub, "rows": rows})


@login_required
def entitlement_edit(request, entitlement_id: int | None = None):
    hub = _hub(request)
    return _object_page(
        request,
        form_class=EntitlementForm,
        obj=_owned(Entitlement, entitlement_id, hub),
        title=_("Entitlement"),
        save=lambda obj, fields: services.entitlement_save(
            actor=request.user, organisation=hub, entitlement=obj, **fields
        ),
        delete=lambda obj: services.entitlement_delete(actor=request.user, entitlement=obj),
        back="trajectory:entitlements",
        saved=_("Entitlement saved."),
        deleted=_("Entitlement deleted."),
    )


@login_required
def guides(request):
    hub = _hub(request)
    rows = [(guide, missing_languages(guide, "title", "body")) for guide in selectors.guides(organisation=hub)]
    return render(request, "trajectory/guides.html", {"hub": hub, "rows": rows})


@login_required
def guide_edit(request, guide_id: int | None = None):
    hub = _hub(request)
    return _object_page(
        request,
        form_class=GuideForm,
        obj=_owned(Guide, guide_id, hub),
        title=_("Guide"),
        save=lambda obj, fields: services.guide_save(actor=request.user, organisation=hub, guide=obj, **fields),
        back="trajectory:guides",
        saved=_("Guide saved."),
    )


# --- Deadline rules --------------------------------------------------------------------------------------


@login_required
def deadline_rules(request):
    hub = _hub(request)
    return render(
        request, "trajectory/deadline_rules.html", {"hub": hub, "rules": selectors.deadline_rules(organisation=hub)}
    )


@login_required
def deadline_rule_edit(request, rule_id: int | None = None):
    hub = _hub(request)
    rule = None
    if rule_id is not None:
        try:
            rule = selectors.deadline_rule(organisation=hub, rule_id=rule_id)
        except NotFoundError:
            raise Http404 from None
    return _object_page(
        request,
        form_class=DeadlineRuleForm,
        obj=rule,
        title=_("Deadline rule"),
        save=lambda obj, fields: services.deadline_rule_save(actor=request.user, organisation=hub, rule=obj, **fields),
        delete=(lambda obj: services.deadline_rule_delete(actor=request.user, organisation=hub, rule=obj))
        if rule is not None and rule.organisation_id == hub.pk
        else None,
        back="trajectory:deadline-rules",
        saved=_("Deadline rule saved."),
        deleted=_("Deadline rule deleted: Passerelle's rule holds again, if there is one."),
    )


def navigation_links(context) -> list[tuple[str, str]]:
    """The trajectory's pages, for those who design one."""
    if not selectors.managed_organisations(user=context.user).exists():
        return []
    return [(reverse("trajectory:design"), _("Trajectory"))]
