"""Finding a person: search files by name, and open a new file after offering the files that may
be the same person typed differently; "People" in the header."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import permissions
from organisations.choices import SPOKEN_LANGUAGES, OrganisationKind
from organisations.errors import ApplicationError
from organisations.models import Organisation
from organisations.selectors import case_organisations
from people import selectors, services
from people.forms import PersonCreateForm, PersonSearchForm, add_application_error
from people.views.common import add_validation_error

SEARCH_LIMIT = 50


def _hubs(user) -> list[Organisation]:
    return list(case_organisations(user).filter(kind=OrganisationKind.HUB).order_by("name"))


def _render_list(request, *, hubs, create_form=None, duplicates=None, status=200):
    search_form = PersonSearchForm(request.GET)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    people = selectors.person_list(user=request.user, search=query)
    if not query:
        people = people.order_by("-updated_at")
    people = list(people[: SEARCH_LIMIT + 1])
    return render(
        request,
        "people/person_list.html",
        {
            "search_form": search_form,
            "query": query,
            "people": people[:SEARCH_LIMIT],
            "more_people": len(people) > SEARCH_LIMIT,
            "create_form": create_form or PersonCreateForm(hubs=hubs, user=request.user),
            "duplicates": duplicates,
            "hubs": hubs,
            "language_names": SPOKEN_LANGUAGES,
            "can_import": bool(permissions.import_organisation_ids(request.user)),
        },
        status=status,
    )


@login_required
def person_list(request):
    """Find a person by name, or open a new file."""
    return _render_list(request, hubs=_hubs(request.user))


@login_required
@require_POST
def person_create(request):
    """Open a new file, after offering the files that may be the same person typed differently."""
    hubs = _hubs(request.user)
    if not hubs:
        raise Http404
    form = PersonCreateForm(request.POST, hubs=hubs, user=request.user)
    if form.is_valid():
        fields = form.person_fields()
        duplicates = []
        if not request.POST.get("confirm_new"):
            duplicates = selectors.person_possible_duplicates(
                user=request.user,
                given_names=fields["given_names"],
                family_names=fields["family_names"],
                date_of_birth=fields.get("date_of_birth"),
            )
        if duplicates:
            return _render_list(request, hubs=hubs, create_form=form, duplicates=duplicates)
        try:
            person = services.person_create(actor=request.user, owner=form.cleaned_data["owner"], **fields)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The file of %(name)s is open.") % {"name": person.full_name})
            return redirect("people:file", person.pk)
    return _render_list(request, hubs=hubs, create_form=form)


def navigation_links(context) -> list[tuple[str, str]]:
    """ "People" in the header for case workers of a hub (registered in PeopleConfig.ready)."""
    if OrganisationKind.HUB in context.case_work_kinds:
        return [(reverse("people:list"), _("People"))]
    return []
