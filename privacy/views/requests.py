"""The privacy officer's desk and access and portability requests: the open requests with their
deadlines, finding a person, recording a request, its export (JSON or PDF) and closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError, NotFoundError
from organisations.permissions import organisation_ids_with_permission
from people.forms import add_application_error
from people.models import Person
from people.views.common import add_validation_error
from privacy import selectors, services
from privacy.choices import EXPORT_LANGUAGES
from privacy.forms import CloseForm, PersonSearchForm, RequestForm
from privacy.views.common import chosen_person, find_a_person_first

SEARCH_LIMIT = 20
# Days before its deadline from which an open request is flagged on the desk.
DUE_SOON_DAYS = 7


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
    person = chosen_person(request)
    if person is None:
        return find_a_person_first(request)
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
