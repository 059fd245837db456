"""Households: start one from a person file, its page (members, relationships, main contact,
pets, composition), and adding, relating and removing its members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.errors import ApplicationError, NotFoundError
from organisations.validators import parse_id
from people import selectors, services
from people.composition import composition_of
from people.forms import (
    HouseholdCreateForm,
    HouseholdForm,
    MemberRelationshipForm,
    MemberSearchForm,
    NewMemberForm,
    add_application_error,
)
from people.models import Household, Person
from people.views.common import add_validation_error, file_url, person_or_404
from people.views.file import render_file

CANDIDATE_LIMIT = 20


def _household_or_404(user, household_id: int) -> Household:
    """The household for a write: restricted, not dissolved, not audited (the page that follows
    audits its read)."""
    household = selectors.household_list(user=user).filter(pk=household_id, dissolved_at__isnull=True).first()
    if household is None:
        raise Http404
    return household


def _member_or_404(user, person_id: int) -> tuple[Household, Person]:
    """A person and the household they are in, for a write about their place in it: 404 when
    the person is out of reach or in no household."""
    person = person_or_404(user, person_id)
    household = selectors.household_list(user=user).filter(pk=person.household_id).first()
    if household is None:
        raise Http404
    return household, person


def _household_url(household: Household, anchor: str = "") -> str:
    url = reverse("people:household", args=[household.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def household_create(request, person_id: int):
    """Start a household from a person file, with this person in it."""
    person = person_or_404(request.user, person_id)
    form = HouseholdCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_create(
                actor=request.user,
                owner=person.owner,
                name=data["name"],
                members=[(person, data["relationship"])],
                pets=data["pets"],
            )
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            # Refused for who the person is (already in a household), not for what was typed:
            # the file shows their household instead of this form.
            messages.error(request, str(error.message))
            return redirect(file_url(person, "household"))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Household created. Add the people who came with %(name)s.") % {"name": person})
            return redirect(_household_url(household, "add-member"))
    return render_file(request, person_id, bound={"household_create_form": form}, open_panel="household")


def _render_household(request, household_id: int, *, bound: dict | None = None, duplicates=None, status: int = 200):
    """Draw the household page; ``bound`` replaces a default form by the one just submitted."""
    user = request.user
    try:
        household = selectors.household_file(user=user, household_id=household_id)
    except NotFoundError:
        raise Http404 from None
    bound = bound or {}
    today = timezone.localdate()
    members = list(selectors.household_members(user=user, household=household))
    search_form = MemberSearchForm(request.GET)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    candidates = []
    if query:
        candidates = list(
            selectors.household_candidates(user=user, household=household, search=query).select_related("household")[
                :CANDIDATE_LIMIT
            ]
        )
    context = {
        "household": household,
        "members": [
            {
                "person": member,
                "age": member.age_on(today),
                "is_contact": member.household_relationship == "head",
                "form": MemberRelationshipForm(
                    initial={"relationship": member.household_relationship}, prefix=f"member{member.pk}"
                ),
            }
            for member in members
        ],
        "composition": composition_of(household=household),
        "household_form": bound.get("household_form")
        or HouseholdForm(initial={"name": household.name, "pets": household.pets}),
        "search_form": search_form,
        "query": query,
        "candidates": candidates,
        "candidate_form": MemberRelationshipForm(initial={"relationship": "child"}),
        # The relationship the worker already chose for the new member stays chosen on the
        # duplicate cards offered instead (outside test, L3); a plain search offers "child".
        "candidate_relationship": _chosen_relationship(bound.get("new_member_form")),
        "new_member_form": bound.get("new_member_form")
        or NewMemberForm(initial={"family_names": members[0].family_names if members else ""}),
        "duplicates": duplicates,
    }
    return render(request, "people/household.html", context, status=status)


def _chosen_relationship(form) -> str:
    if form is not None and form.is_bound:
        chosen = form.data.get(form.add_prefix("relationship"), "")
        if chosen in dict(MemberRelationshipForm.base_fields["relationship"].choices):
            return chosen
    return "child"


@login_required
def household_detail(request, household_id: int):
    """A household: who is in it, their relationships and main contact, what it brings (pets),
    and the composition the housing board reads; add and remove members here."""
    return _render_household(request, household_id)


@login_required
@require_POST
def household_update(request, household_id: int):
    household = _household_or_404(request.user, household_id)
    form = HouseholdForm(request.POST)
    if form.is_valid():
        try:
            services.household_update(actor=request.user, household=household, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("The household is saved."))
            return redirect(_household_url(household))
    return _render_household(request, household_id, bound={"household_form": form})


@login_required
@require_POST
def household_member_add(request, household_id: int):
    """Add an existing file (found by the search on the household page) to the household."""
    household = _household_or_404(request.user, household_id)
    person_id = parse_id(request.POST.get("person", ""))
    if person_id is None:
        raise Http404
    person = person_or_404(request.user, person_id)
    form = MemberRelationshipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how this person is related to the household."))
        return redirect(_household_url(household, "add-member"))
    try:
        services.household_add_member(
            actor=request.user, household=household, person=person, relationship=form.cleaned_data["relationship"]
        )
    except NotFoundError:
        raise Http404 from None
    except (ApplicationError, ValidationError) as error:
        messages.error(request, str(getattr(error, "message", error)))
        return redirect(_household_url(household, "add-member"))
    messages.success(request, _("%(name)s is now in the household.") % {"name": person})
    return redirect(_household_url(household, "members"))


@login_required
@require_POST
def household_member_create(request, household_id: int):
    """Open a file for a new member and add them, after offering the files that may be the same
    person typed differently (one of those is added instead with its own button)."""
    household = _household_or_404(request.user, household_id)
    form = NewMemberForm(request.POST)
    if form.is_valid():
        fields = form.person_fields()
        if not request.POST.get("confirm_new"):
            duplicates = selectors.person_possible_duplicates(
                user=request.user,
                given_names=fields["given_names"],
                family_names=fields["family_names"],
                date_of_birth=fields.get("date_of_birth"),
            )
            duplicates = [person for person in duplicates if person.owner_id == household.owner_id]
            if duplicates:
                return _render_household(request, household_id, bound={"new_member_form": form}, duplicates=duplicates)
        try:
            person = services.household_add_new_member(
                actor=request.user, household=household, relationship=form.cleaned_data["relationship"], **fields
            )
        except ApplicationError as error:
            add_application_error(form, error)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("%(name)s has a file and is in the household.") % {"name": person})
            return redirect(_household_url(household, "members"))
    return _render_household(request, household_id, bound={"new_member_form": form})


@login_required
@require_POST
def household_member_update(request, person_id: int):
    household, person = _member_or_404(request.user, person_id)
    form = MemberRelationshipForm(request.POST, prefix=f"member{person.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose how this person is related to the household."))
    else:
        try:
            services.household_set_relationship(
                actor=request.user,
                household=household,
                person=person,
                relationship=form.cleaned_data["relationship"],
            )
        except (ApplicationError, ValidationError) as error:
            messages.error(request, str(getattr(error, "message", error)))
        else:
            messages.success(request, _("Relationship saved for %(name)s.") % {"name": person})
    return redirect(_household_url(household, "members"))


@login_required
@require_POST
def household_contact(request, person_id: int):
    household, person = _member_or_404(request.user, person_id)
    try:
        services.household_set_contact(actor=request.user, household=household, person=person)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(name)s is the household's main contact.") % {"name": person})
    return redirect(_household_url(household, "members"))


@login_required
@require_POST
def household_member_remove(request, person_id: int):
    """Take a member out of the household; their file stays. The last one out dissolves it."""
    household, person = _member_or_404(request.user, person_id)
    try:
        household = services.household_remove_member(actor=request.user, household=household, person=person)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect(_household_url(household, "members"))
    if household.dissolved_at is not None:
        messages.success(
            request, _("%(name)s left the household, which had nobody else: it is dissolved.") % {"name": person}
        )
        return redirect("people:file", person.pk)
    messages.success(request, _("%(name)s is no longer in the household; their file stays.") % {"name": person})
    return redirect(_household_url(household, "members"))
