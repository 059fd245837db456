"""The person file: its profile, consents, needs, claim milestones, interventions, household and
timeline, with the parts other apps add (``sections``); and the profile's edit page.

Every page that shows the file reads it through ``selectors.person_file``, which audits the read.
The write pages (``consents``, ``casework``, ``households``) draw it again through
``render_file`` with the form they refused."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from organisations import permissions
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.errors import ApplicationError, NotFoundError
from organisations.selectors import referral_partners
from organisations.validators import parse_id
from people import selectors, services
from people.choices import SENSITIVE_DATA_GROUPS, DataGroup, NeedStatus
from people.composition import CHILD_CONSENT_AGE, composition_of, is_adult
from people.forms import (
    ConsentForm,
    HouseholdCreateForm,
    InterventionForm,
    MilestoneForm,
    MilestoneScheduleForm,
    NeedForm,
    NeedStatusForm,
    PersonForm,
    add_application_error,
)
from people.models import Person
from people.views.common import add_validation_error, person_or_404
from people.views.sections import FileSection, TimelineItem, person_file_sections

TIMELINE_LIMIT = 60


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


def consent_form_for(person: Person, *, data=None, partners, user, initial=None) -> ConsentForm:
    """The consent form of a person file; under the consent age it asks for a parent or guardian
    and offers the household's adults by name."""
    today = timezone.localdate()
    needs_guardian = services.consent_needs_guardian(person=person, on=today)
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


def render_file(request, person_id: int, *, bound: dict | None = None, open_panel: str = "", status: int = 200):
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
        "needs_guardian": services.consent_needs_guardian(person=person, on=today),
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
    return render_file(request, person_id)


@login_required
def person_edit(request, person_id: int):
    """Change the profile; the audit entry names the fields changed, never their values."""
    if request.method == "POST":
        person = person_or_404(request.user, person_id)
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
