"""What a case worker records on the person file: needs and their status, claim milestones (done
or scheduled), and interventions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError
from people import selectors, services
from people.forms import (
    InterventionForm,
    MilestoneForm,
    MilestoneScheduleForm,
    NeedForm,
    NeedStatusForm,
    add_application_error,
)
from people.views.common import add_validation_error, file_url, person_or_404
from people.views.file import render_file


@login_required
@require_POST
def need_create(request, person_id: int):
    person = person_or_404(request.user, person_id)
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            services.need_record(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Need added."))
            return redirect(file_url(person, "needs"))
    return render_file(request, person_id, bound={"need_form": form}, open_panel="need")


@login_required
@require_POST
def need_update(request, person_id: int, need_id: int):
    person = person_or_404(request.user, person_id)
    need = selectors.need_list(user=request.user).filter(person=person, pk=need_id).first()
    if need is None:
        raise Http404
    form = NeedStatusForm(request.POST, prefix=f"need{need.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    elif form.cleaned_data["status"] != need.status:
        try:
            services.need_update(actor=request.user, need=need, status=form.cleaned_data["status"])
        except (ApplicationError, ValidationError) as error:
            messages.error(request, str(getattr(error, "message", error)))
        else:
            messages.success(
                request,
                _("%(need)s: %(status)s.") % {"need": need.get_category_display(), "status": need.get_status_display()},
            )
    return redirect(file_url(person, "needs"))


@login_required
@require_POST
def milestone_create(request, person_id: int):
    person = person_or_404(request.user, person_id)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_record(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Milestone recorded."))
            return redirect(file_url(person, "milestones"))
    return render_file(request, person_id, bound={"milestone_form": form}, open_panel="milestone")


@login_required
@require_POST
def milestone_schedule(request, person_id: int):
    """Set when and where a milestone is expected (a hearing, an interview)."""
    person = person_or_404(request.user, person_id)
    form = MilestoneScheduleForm(request.POST, prefix="schedule")
    if form.is_valid():
        try:
            services.milestone_schedule(actor=request.user, person=person, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Date recorded."))
            return redirect(file_url(person, "milestones"))
    return render_file(request, person_id, bound={"milestone_schedule_form": form}, open_panel="milestone-schedule")


@login_required
@require_POST
def intervention_create(request, person_id: int):
    person = person_or_404(request.user, person_id)
    form = InterventionForm(request.POST, person=person)
    if form.is_valid():
        try:
            services.intervention_log(
                actor=request.user, organisation=person.owner, people=[person], **form.cleaned_data
            )
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Intervention logged."))
            return redirect(file_url(person, "interventions"))
    return render_file(request, person_id, bound={"intervention_form": form})
