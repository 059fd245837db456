"""Pages of person files: search and open a file (with the duplicate warning), and the file itself
with its profile, consents, needs, claim milestones, interventions and timeline.

Views read through selectors and write through services. A file the user may not see is a 404.
Every page that shows the file reads it through ``selectors.person_file``, which audits the read;
a write that only redirects reads the person through the (unaudited) restricted list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from organisations import permissions
from organisations import selectors as organisation_selectors
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory, OrganisationKind, PartnershipScope
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import ObjectPermission
from organisations.validators import parse_id
from people import selectors, services
from people.choices import SENSITIVE_DATA_GROUPS, DataGroup, NeedStatus
from people.composition import CHILD_CONSENT_AGE, composition_of, is_adult
from people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    HouseholdCreateForm,
    HouseholdForm,
    InterventionForm,
    MemberRelationshipForm,
    MemberSearchForm,
    MilestoneForm,
    MilestoneScheduleForm,
    NeedForm,
    NeedStatusForm,
    NewMemberForm,
    PersonCreateForm,
    PersonForm,
    PersonSearchForm,
    add_application_error,
)
from people.models import Household, Person

SEARCH_LIMIT = 50
TIMELINE_LIMIT = 60


# --- Shared helpers ---------------------------------------------------------------------------


def case_organisations(user):
    """The active organisations whose cases ``user`` works (the ``work_cases`` right of a role)."""
    return organisation_selectors.organisation_list(user=user).filter(
        ObjectPermission("work_cases").q(user, Organisation), is_active=True
    )


def add_validation_error(form, error: ValidationError) -> None:
    """Show a model validation error raised inside a service on the form, field by field when
    the form has the field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def referral_partners(*, user, organisation: Organisation):
    """The active organisations ``organisation`` sends referrals to (its referral partnerships
    the partner accepted and nobody ended)."""
    partner_ids = (
        organisation_selectors.partnership_list(user=user)
        .active()
        .filter(organisation=organisation, scope=PartnershipScope.REFERRALS, partner__is_active=True)
        .values("partner_id")
    )
    return organisation_selectors.organisation_list(user=user).filter(pk__in=partner_ids).order_by("name")


def _person_or_404(user, person_id: int) -> Person:
    """The person for a write: restricted, not audited (the page that follows audits its read)."""
    person = selectors.person_list(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


# --- What apps above people add to the file -----------------------------------------------------


@dataclass
class TimelineItem:
    at: date | datetime
    label: str
    detail: str = ""
    url: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.at, datetime):
            return timezone.localtime(self.at).replace(tzinfo=None)
        return datetime.combine(self.at, time.min)

    @property
    def has_time(self) -> bool:
        return isinstance(self.at, datetime)


@dataclass
class FileSection:
    """A part of the person file drawn by another app: its template and context, what it adds to
    the timeline, and buttons for the top of the file."""

    template: str
    context: dict = field(default_factory=dict)
    timeline: list[TimelineItem] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    html: str = ""  # the template rendered with its context, set by the person file's view


# Apps above people (referrals, later housing) add their part of the file here from their views
# module, so that people imports none of them (ARCHITECTURE.md: imports point downward).
person_file_sections: list[Callable[[HttpRequest, Person], FileSection | None]] = []


# --- Search and create ----------------------------------------------------------------------------


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


# --- The file ----------------------------------------------------------------------------------------


def _timeline(person, *, needs, milestones, consents, interventions) -> list[TimelineItem]:
    items = [TimelineItem(person.created_at, _("File opened"))]
    for need in needs:
        items.append(TimelineItem(need.identified_on, _("Need identified"), need.get_category_display()))
        if need.closed_on:
            detail = f"{need.get_category_display()} — {need.get_status_display()}"
            items.append(TimelineItem(need.closed_on, _("Need closed"), detail))
    for milestone in milestones:
        if milestone.occurred_on:
            items.append(TimelineItem(milestone.occurred_on, _("Claim milestone"), milestone.get_kind_display()))
    for consent in consents:
        items.append(TimelineItem(consent.created_at, _("Consent recorded"), consent.recipient.name))
        if consent.withdrawn_at:
            items.append(TimelineItem(consent.withdrawn_at, _("Consent withdrawn"), consent.recipient.name))
    for intervention in interventions:
        detail = f"{intervention.get_type_display()} · {intervention.get_mode_display()}"
        if intervention.note:
            detail = f"{detail} — {intervention.note}"
        items.append(TimelineItem(intervention.occurred_on, _("Intervention"), detail))
    return items


def _consent_row(consent, today: date) -> dict:
    """A consent as the file lists it: its state today and its codes as labels."""
    # Contexts: these words also label needs, holds and referrals, of other genders in French
    # and Spanish.
    if consent.withdrawn_at:
        state, label = "withdrawn", pgettext("consent state", "Withdrawn")
    elif consent.valid_until < today:
        state, label = "expired", pgettext("consent state", "Expired")
    elif consent.valid_from > today:
        state, label = "upcoming", _("Not yet valid")
    else:
        state, label = "active", pgettext("consent state", "Active")
    groups = dict(DataGroup.choices)
    return {
        "consent": consent,
        "state": state,
        "state_label": label,
        "purposes": [
            str(NeedCategory(code).label) if code in NeedCategory.values else code for code in consent.purposes
        ],
        "data_groups": [(str(groups.get(code, code)), code in SENSITIVE_DATA_GROUPS) for code in consent.data_groups],
        "language": SPOKEN_LANGUAGES.get(consent.language, consent.language),
        "can_withdraw": consent.withdrawn_at is None and consent.valid_until >= today,
    }


def _file_sections(request, person: Person) -> list[FileSection]:
    """The parts other apps draw, each rendered with its own context (``section`` and ``person``
    beside it)."""
    sections = []
    for provider in person_file_sections:
        section = provider(request, person)
        if section is None:
            continue
        section.html = render_to_string(
            section.template, {**section.context, "section": section, "person": person}, request=request
        )
        sections.append(section)
    return sections


def consent_form_needs_guardian(person: Person, today: date) -> bool:
    age = person.age_on(today)
    return age is not None and age < CHILD_CONSENT_AGE


def consent_form_for(person: Person, *, data=None, partners, user, initial=None) -> ConsentForm:
    """The consent form of a person file; under the consent age it asks for a parent or guardian
    and offers the household's adults by name."""
    today = timezone.localdate()
    needs_guardian = consent_form_needs_guardian(person, today)
    guardians = []
    if needs_guardian and person.household_id:
        guardians = [
            member
            for member in selectors.household_members(user=user, household=person.household)
            if member.pk != person.pk and is_adult(member, today)
        ]
    return ConsentForm(
        data,
        partners=partners,
        person=person,
        initial=initial,
        user=user,
        guardians=guardians,
        needs_guardian=needs_guardian,
    )


def _render_file(request, person_id: int, *, bound: dict | None = None, open_panel: str = "", status: int = 200):
    """Draw the file; ``bound`` replaces a default form by the one the user just submitted."""
    user = request.user
    try:
        person = selectors.person_file(user=user, person_id=person_id)
    except NotFoundError:
        raise Http404 from None
    bound = bound or {}
    today = timezone.localdate()
    consents = list(selectors.consent_list(user=user, person=person).select_related("person"))
    needs = list(selectors.need_list(user=user).filter(person=person))
    milestones = list(selectors.milestone_list(user=user).filter(person=person))
    interventions = list(
        selectors.intervention_list(user=user).filter(people=person).select_related("recorded_by")[:TIMELINE_LIMIT]
    )
    household_members, composition = [], None
    if person.household_id:
        members = list(selectors.household_members(user=user, household=person.household))
        household_members = [member for member in members if member.pk != person.pk]
        composition = composition_of(household=person.household)

    sections = _file_sections(request, person)
    timeline = _timeline(person, needs=needs, milestones=milestones, consents=consents, interventions=interventions)
    for section in sections:
        timeline.extend(section.timeline)
    timeline.sort(key=lambda item: item.sort_key, reverse=True)

    partners = referral_partners(user=user, organisation=person.owner)
    consent_initial = {}
    if request.method == "GET":
        # The header's "Create a household" opens its form (a link cannot open a <details>).
        if request.GET.get("panel") == "household":
            open_panel = open_panel or "household"
        # The referral wizard links here to record the consent it lacks.
        recipient_id = parse_id(request.GET.get("consent_recipient", ""))
        if recipient_id is not None:
            consent_initial["recipient"] = recipient_id
            open_panel = open_panel or "consent"
        if request.GET.get("consent_purpose"):
            consent_initial["purposes"] = [request.GET["consent_purpose"]]
            open_panel = open_panel or "consent"

    # The notice the consent form explains; the form carries its version back to the service.
    notice = selectors.privacy_notice_in_force(person.owner)
    context = {
        "person": person,
        "age": person.age_on(today),
        "consent_age": CHILD_CONSENT_AGE,
        "preferred_language": SPOKEN_LANGUAGES.get(person.preferred_language, person.preferred_language),
        "today": today,
        "language_names": SPOKEN_LANGUAGES,
        "other_languages": [str(SPOKEN_LANGUAGES.get(code, code)) for code in person.other_languages or []],
        "household_members": household_members,
        "composition": composition,
        "household_create_form": bound.get("household_create_form")
        or HouseholdCreateForm(initial={"name": person.family_names}),
        "needs_guardian": consent_form_needs_guardian(person, today),
        "consents": [_consent_row(consent, today) for consent in consents],
        "needs": [(need, NeedStatusForm(initial={"status": need.status}, prefix=f"need{need.pk}")) for need in needs],
        "open_needs": [need for need in needs if need.status in {NeedStatus.IDENTIFIED, NeedStatus.IN_PROGRESS}],
        "milestones": milestones,
        "interventions": interventions[:10],
        "timeline": timeline[:TIMELINE_LIMIT],
        "sections": sections,
        "section_actions": [action for section in sections for action in section.actions],
        "sensitive_groups": {str(group) for group in SENSITIVE_DATA_GROUPS},
        "has_partners": partners.exists(),
        # The owner's privacy officer may open "who read this file" from here.
        "reads_audit": permissions.has_organisation_permission(user, "view_audit", person.owner),
        "open_panel": open_panel,
        "intervention_form": bound.get("intervention_form") or InterventionForm(person=person),
        "need_form": bound.get("need_form") or NeedForm(),
        "milestone_form": bound.get("milestone_form") or MilestoneForm(),
        "milestone_schedule_form": bound.get("milestone_schedule_form") or MilestoneScheduleForm(prefix="schedule"),
        "consent_form": bound.get("consent_form")
        or consent_form_for(
            person,
            partners=partners,
            initial={**consent_initial, "notice_version": notice.version if notice else None},
            user=user,
        ),
        "privacy_notice": notice,
    }
    return render(request, "people/person_file.html", context, status=status)


@login_required
def person_file(request, person_id: int):
    return _render_file(request, person_id)


@login_required
def person_edit(request, person_id: int):
    """Change the profile; the audit entry names the fields changed, never their values."""
    if request.method == "POST":
        person = _person_or_404(request.user, person_id)
        form = PersonForm(request.POST)
        if form.is_valid():
            try:
                services.person_update(actor=request.user, person=person, **form.person_fields())
            except ApplicationError as error:
                add_application_error(form, error)
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("people:file", person.pk)
    else:
        try:
            person = selectors.person_file(user=request.user, person_id=person_id)
        except NotFoundError:
            raise Http404 from None
        form = PersonForm(initial={name: getattr(person, name) for name in PersonForm.base_fields})
    return render(request, "people/person_edit.html", {"person": person, "form": form})


def _file_url(person: Person, anchor: str) -> str:
    return f"{reverse('people:file', args=[person.pk])}#{anchor}"


@login_required
@require_POST
def consent_create(request, person_id: int):
    person = _person_or_404(request.user, person_id)
    form = consent_form_for(
        person,
        data=request.POST,
        partners=referral_partners(user=request.user, organisation=person.owner),
        user=request.user,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                person=person,
                recipient=data["recipient"],
                purposes=data["purposes"],
                data_groups=data["data_groups"],
                express=data["express"],
                method=data["method"],
                language=data["language"],
                interpreter_assisted=data["interpreter_assisted"],
                given_by=data["given_by"],
                given_by_name=data["given_by_name"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                notice_version=data["notice_version"],
            )
        except ApplicationError as error:
            add_application_error(form, error, ConsentForm.ERROR_FIELDS)
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, _("Consent recorded for %(organisation)s.") % {"organisation": data["recipient"].name}
            )
            return redirect(_file_url(person, "consents"))
    return _render_file(request, person_id, bound={"consent_form": form}, open_panel="consent")


@login_required
def consent_withdraw(request, person_id: int, consent_id: int):
    """Withdrawing a consent asks for confirmation: the page says what stops, and records how the
    person expressed it and in which language."""
    person = _person_or_404(request.user, person_id)
    consent = selectors.consent_list(user=request.user, person=person).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    children = [child.person.full_name for child in selectors.consents_given_for_children(consent=consent)]
    if request.method == "POST":
        form = ConsentWithdrawForm(request.POST, children=children)
        if form.is_valid():
            try:
                services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
            except ApplicationError as error:
                messages.error(request, str(error.message))
            else:
                messages.success(
                    request,
                    _("Consent withdrawn: %(organisation)s no longer sees what it covered.")
                    % {"organisation": consent.recipient.name},
                )
            return redirect(_file_url(person, "consents"))
        status = 400
    else:
        form = ConsentWithdrawForm(initial={"language": person.preferred_language}, children=children)
        status = 200
    context = {"person": person, "consent": consent, "form": form, "referral_count": consent.referrals.count()}
    return render(request, "people/consent_withdraw.html", context, status=status)


@login_required
@require_POST
def need_create(request, person_id: int):
    person = _person_or_404(request.user, person_id)
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
            return redirect(_file_url(person, "needs"))
    return _render_file(request, person_id, bound={"need_form": form}, open_panel="need")


@login_required
@require_POST
def need_update(request, person_id: int, need_id: int):
    person = _person_or_404(request.user, person_id)
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
    return redirect(_file_url(person, "needs"))


@login_required
@require_POST
def milestone_create(request, person_id: int):
    person = _person_or_404(request.user, person_id)
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
            return redirect(_file_url(person, "milestones"))
    return _render_file(request, person_id, bound={"milestone_form": form}, open_panel="milestone")


@login_required
@require_POST
def milestone_schedule(request, person_id: int):
    """Set when and where a milestone is expected (a hearing, an interview)."""
    person = _person_or_404(request.user, person_id)
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
            return redirect(_file_url(person, "milestones"))
    return _render_file(request, person_id, bound={"milestone_schedule_form": form}, open_panel="milestone-schedule")


@login_required
@require_POST
def intervention_create(request, person_id: int):
    person = _person_or_404(request.user, person_id)
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
            return redirect(_file_url(person, "interventions"))
    return _render_file(request, person_id, bound={"intervention_form": form})


# --- Households ------------------------------------------------------------------------------------

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
    person = _person_or_404(user, person_id)
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
    person = _person_or_404(request.user, person_id)
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
            return redirect(_file_url(person, "household"))
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, _("Household created. Add the people who came with %(name)s.") % {"name": person})
            return redirect(_household_url(household, "add-member"))
    return _render_file(request, person_id, bound={"household_create_form": form}, open_panel="household")


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
    person = _person_or_404(request.user, person_id)
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


def navigation_links(context) -> list[tuple[str, str]]:
    """ "People" in the header for case workers of a hub (registered in PeopleConfig.ready)."""
    if OrganisationKind.HUB in context.case_work_kinds:
        return [(reverse("people:list"), _("People"))]
    return []
