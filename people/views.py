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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from organisations import selectors as organisation_selectors
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory, OrganisationKind, PartnershipScope
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import ObjectPermission
from organisations.validators import parse_id
from people import selectors, services
from people.choices import SENSITIVE_DATA_GROUPS, DataGroup, NeedStatus
from people.forms import (
    ConsentForm,
    InterventionForm,
    MilestoneForm,
    NeedForm,
    NeedStatusForm,
    PersonCreateForm,
    PersonForm,
    PersonSearchForm,
    add_application_error,
)
from people.models import Person

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


def _render_file(request, person_id: int, *, bound: dict | None = None, open_panel: str = "", status: int = 200):
    """Draw the file; ``bound`` replaces a default form by the one the user just submitted."""
    user = request.user
    try:
        person = selectors.person_file(user=user, person_id=person_id)
    except NotFoundError:
        raise Http404 from None
    bound = bound or {}
    today = timezone.localdate()
    consents = list(selectors.consent_list(user=user, person=person))
    needs = list(selectors.need_list(user=user).filter(person=person))
    milestones = list(selectors.milestone_list(user=user).filter(person=person))
    interventions = list(
        selectors.intervention_list(user=user).filter(people=person).select_related("recorded_by")[:TIMELINE_LIMIT]
    )
    household_members = []
    if person.household_id:
        household_members = list(
            selectors.person_list(user=user).filter(household_id=person.household_id).exclude(pk=person.pk)
        )

    sections = [section for provider in person_file_sections if (section := provider(request, person)) is not None]
    timeline = _timeline(person, needs=needs, milestones=milestones, consents=consents, interventions=interventions)
    for section in sections:
        timeline.extend(section.timeline)
    timeline.sort(key=lambda item: item.sort_key, reverse=True)

    partners = referral_partners(user=user, organisation=person.owner)
    consent_initial = {}
    if request.method == "GET":
        # The referral wizard links here to record the consent it lacks.
        recipient_id = parse_id(request.GET.get("consent_recipient", ""))
        if recipient_id is not None:
            consent_initial["recipient"] = recipient_id
            open_panel = open_panel or "consent"
        if request.GET.get("consent_purpose"):
            consent_initial["purposes"] = [request.GET["consent_purpose"]]
            open_panel = open_panel or "consent"

    context = {
        "person": person,
        "age": person.age_on(today),
        "preferred_language": SPOKEN_LANGUAGES.get(person.preferred_language, person.preferred_language),
        "today": today,
        "language_names": SPOKEN_LANGUAGES,
        "other_languages": [str(SPOKEN_LANGUAGES.get(code, code)) for code in person.other_languages or []],
        "household_members": household_members,
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
        "open_panel": open_panel,
        "intervention_form": bound.get("intervention_form") or InterventionForm(person=person),
        "need_form": bound.get("need_form") or NeedForm(),
        "milestone_form": bound.get("milestone_form") or MilestoneForm(),
        "consent_form": bound.get("consent_form")
        or ConsentForm(partners=partners, person=person, initial=consent_initial, user=user),
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
    form = ConsentForm(
        request.POST,
        partners=referral_partners(user=request.user, organisation=person.owner),
        person=person,
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
@require_POST
def consent_withdraw(request, person_id: int, consent_id: int):
    person = _person_or_404(request.user, person_id)
    consent = selectors.consent_list(user=request.user, person=person).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Consent withdrawn: %(organisation)s no longer sees what it covered.")
            % {"organisation": consent.recipient.name},
        )
    return redirect(_file_url(person, "consents"))


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


def navigation_links(context) -> list[tuple[str, str]]:
    """ "People" in the header for case workers of a hub (registered in PeopleConfig.ready)."""
    if OrganisationKind.HUB in context.case_work_kinds:
        return [(reverse("people:list"), _("People"))]
    return []
