"""Pages of the referral workflow: the wizard that sends a referral from a person file, the inbox
of each organisation (live), and the referral itself with its actions, timeline and thread.

Views read through selectors and write through services. A referral the user may not see is a
404; an action based on a version someone else has changed since is a 409 that shows the fresh
state. The partner never sees the person file: only ``referrals.sharing`` decides what of the
person a page shows to each side.
"""

import json
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from organisations import permissions
from organisations import selectors as organisation_selectors
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory, OrganisationKind
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.validators import parse_id
from people import selectors as people_selectors
from people.choices import (
    SENSITIVE_DATA_GROUPS,
    ClaimPathway,
    DataGroup,
    FrenchLevel,
    GenderIdentity,
    HouseholdRelationship,
    MilestoneKind,
    NeedUrgency,
    TransExperience,
)
from people.forms import add_application_error
from people.views import FileSection, TimelineItem, case_organisations, referral_partners
from referrals import selectors, services, sharing
from referrals.choices import (
    OPEN_STATUSES,
    WAITING_FOR_RECIPIENT,
    DeclineReason,
    ReferralEventKind,
    ReferralStatus,
)
from referrals.forms import (
    AcceptForm,
    AnswerInfoForm,
    AssignForm,
    CancelForm,
    CompleteForm,
    DeclineForm,
    MessageForm,
    ReferralDataForm,
    ReferralNeedForm,
    ReferralPartnerForm,
    RequestInfoForm,
    ReReferForm,
    StartForm,
)
from referrals.models import ReferralEvent

INBOX_PAGE_SIZE = 50
# Tokens of the wizard's last sends, kept in the session so that a double click sends once.
WIZARD_SENT_KEY = "referral_wizard_sent"
WIZARD_SENT_KEEP = 20


# --- The person file's referrals -------------------------------------------------------------------


def person_file_referrals(request, person) -> FileSection:
    """The referrals of this person, their events on the file's timeline, and the Refer button."""
    referrals = list(
        selectors.referral_list(user=request.user)
        .filter(person=person)
        .prefetch_related(Prefetch("events", ReferralEvent.objects.select_related("organisation")))
    )
    timeline = []
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        for event in referral.events.all():
            if event.kind == ReferralEventKind.CREATED:
                continue
            detail = f"{referral.get_need_category_display()} → {referral.recipient.name}"
            timeline.append(TimelineItem(event.at, _("Referral: %s") % event.get_kind_display(), detail, url))
    return FileSection(
        template="referrals/includes/person_referrals.html",
        context={"referrals": referrals, "toc_anchor": "referrals", "toc_label": _("Referrals")},
        timeline=timeline,
        actions=[(reverse("referrals:refer", args=[person.pk]), _("Refer"))],
    )


# --- The wizard -------------------------------------------------------------------------------------

WIZARD_STEPS = ("need", "partner", "data", "review")
STEP_FIELDS = {
    "need": ("need_category", "urgency", "reason", "for_household"),
    "partner": ("service",),
    "data": ("shared_groups",),
    "review": (),
}
STEP_LABELS = {
    "need": gettext_lazy("Need"),
    "partner": gettext_lazy("Partner"),
    "data": gettext_lazy("Information shared"),
    "review": gettext_lazy("Send"),
}


def _partner_services(*, user, sender, need_category: str, language: str):
    """Active services of the sender's referral partners that answer the need; those offered in
    the person's language when there are any (``in_language`` says which list it is)."""
    partners = referral_partners(user=user, organisation=sender)
    offered = list(
        organisation_selectors.directory_services(user=user, need_category=need_category)
        .filter(organisation__in=partners)
        .distinct()
        .order_by("organisation__name", "name")
    )
    in_language = [service for service in offered if language in service.languages]
    return (in_language, True) if in_language else (offered, False)


def _covering_consents(*, user, person, recipient_id: int, need_category: str) -> list:
    """The person's consents in force for this partner and this purpose, newest first."""
    consents = people_selectors.consent_list(user=user, person=person).active().filter(recipient_id=recipient_id)
    return [consent for consent in consents if need_category in consent.purposes]


def _offered_groups(consents) -> list[tuple[str, str]]:
    allowed = {group for consent in consents for group in consent.data_groups}
    return [(code, label) for code, label in DataGroup.choices if code in allowed]


@login_required
def referral_wizard(request, person_id: int):
    """Refer a person in four steps: need → partner → information shared → send. Each step is
    validated on the server and carries the previous steps' answers in hidden fields."""
    user = request.user
    person = people_selectors.person_list(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    sender = person.owner
    has_household = bool(person.household_id)
    context = {
        "person": person,
        "sender": sender,
        "language_name": SPOKEN_LANGUAGES.get(person.preferred_language, person.preferred_language),
        "sensitive_groups": {str(group) for group in SENSITIVE_DATA_GROUPS},
    }

    def show(step, status=200, **extra):
        carried = [
            (name, value)
            for other in WIZARD_STEPS
            if other != step
            for name in STEP_FIELDS[other]
            for value in request.POST.getlist(name)
        ]
        steps = [
            {"name": name, "label": STEP_LABELS[name], "number": number, "current": name == step}
            for number, name in enumerate(WIZARD_STEPS, start=1)
        ]
        return render(
            request,
            "referrals/wizard.html",
            {**context, **extra, "step": step, "steps": steps, "carried": carried},
            status=status,
        )

    if request.method != "POST":
        initial = {
            "need_category": request.GET.get("need_category", ""),
            "urgency": request.GET.get("urgency", NeedUrgency.DAYS),
        }
        return show("need", need_form=ReferralNeedForm(initial=initial, has_household=has_household))

    step = request.POST.get("step")
    if step not in WIZARD_STEPS:
        step = "need"
    going_back = "back" in request.POST

    need_form = ReferralNeedForm(request.POST, has_household=has_household)
    if not need_form.is_valid() or (step == "partner" and going_back):
        return show("need", need_form=need_form)
    need = need_form.cleaned_data
    offered, in_language = _partner_services(
        user=user, sender=sender, need_category=need["need_category"], language=person.preferred_language
    )
    consents_now = people_selectors.consent_list(user=user, person=person).active()
    consent_for = {consent.recipient_id for consent in consents_now if need["need_category"] in consent.purposes}
    partner_context = {
        "need": need,
        "need_label": NeedCategory(need["need_category"]).label,
        "service_rows": [
            {"service": service, "has_consent": service.organisation_id in consent_for} for service in offered
        ],
        "in_language": in_language,
    }
    if step == "need":
        previous = request.POST.get("service", "") or (offered[0].pk if len(offered) == 1 else "")
        partner_form = ReferralPartnerForm(services=offered, initial={"service": previous})
        return show("partner", partner_form=partner_form, **partner_context)

    partner_form = ReferralPartnerForm(request.POST, services=offered)
    if not partner_form.is_valid() or (step == "data" and going_back):
        return show("partner", partner_form=partner_form, **partner_context)
    service = next(service for service in offered if service.pk == partner_form.cleaned_data["service"])
    consents = _covering_consents(
        user=user, person=person, recipient_id=service.organisation_id, need_category=need["need_category"]
    )
    groups = _offered_groups(consents)
    data_context = {
        **partner_context,
        "service": service,
        "groups": groups,
        "record_consent_url": (
            f"{reverse('people:file', args=[person.pk])}?consent_recipient={service.organisation_id}"
            f"&consent_purpose={need['need_category']}#record-consent"
        ),
    }
    if step == "partner":
        codes = {code for code, _label in groups}
        previous = [group for group in request.POST.getlist("shared_groups") if group in codes]
        if not previous:
            previous = sharing.default_groups(need["need_category"], codes)
        data_form = ReferralDataForm(groups=groups, initial={"shared_groups": previous})
        return show("data", data_form=data_form, **data_context)

    data_form = ReferralDataForm(request.POST, groups=groups)
    consent = None
    if data_form.is_valid():
        chosen = set(data_form.cleaned_data["shared_groups"])
        consent = next((consent for consent in consents if chosen <= set(consent.data_groups)), None)
        if consent is None:
            data_form.add_error(
                "shared_groups",
                _("No single consent covers all these groups: choose fewer, or record a consent that covers them."),
            )
    if consent is None or (step == "review" and going_back):
        return show("data", data_form=data_form, **data_context)
    shared_groups = data_form.cleaned_data["shared_groups"]
    review_context = {
        **data_context,
        "consent": consent,
        "shared_labels": [(label, code in SENSITIVE_DATA_GROUPS) for code, label in groups if code in shared_groups],
        "respond_by": timezone.now() + services.DEFAULT_RESPONSE_TIME[NeedUrgency(need["urgency"])],
        "urgency_label": NeedUrgency(need["urgency"]).label,
    }
    if step == "data":
        return show("review", submission=uuid.uuid4().hex, **review_context)

    # Step "review": send. A second click on Send (same submission token) sends nothing more.
    submission = request.POST.get("submission", "")
    already_sent = request.session.get(WIZARD_SENT_KEY, {})
    if submission and submission in already_sent:
        return redirect("referrals:detail", already_sent[submission])
    try:
        referral = services.referral_create(
            actor=user,
            sender=sender,
            recipient=service.organisation,
            service=service,
            person=person,
            need_category=need["need_category"],
            urgency=need["urgency"],
            reason=need["reason"],
            for_household=need.get("for_household", False),
            shared_groups=shared_groups,
            consent=consent,
        )
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        return show("review", submission=submission, send_error=str(error.message), **review_context)
    except ValidationError as error:
        return show("review", submission=submission, send_error=" ".join(error.messages), **review_context)
    if submission:
        already_sent = dict(list(already_sent.items())[-(WIZARD_SENT_KEEP - 1) :])
        already_sent[submission] = referral.pk
        request.session[WIZARD_SENT_KEY] = already_sent
    messages.success(request, _("Referral sent to %(organisation)s.") % {"organisation": service.organisation.name})
    return redirect("referrals:detail", referral.pk)


# --- The inbox ----------------------------------------------------------------------------------------

RECEIVED_TABS = {
    "new": gettext_lazy("New"),
    "waiting": gettext_lazy("Waiting for me"),
    "mine": gettext_lazy("Assigned to me"),
    "overdue": gettext_lazy("Overdue"),
    # Contexts: tabs name lists of referrals (plural in French and Spanish), not one's status.
    "accepted": pgettext_lazy("inbox tab", "Accepted"),
    "closed": pgettext_lazy("inbox tab", "Closed"),
}
SENT_TAB = {"sent": pgettext_lazy("inbox tab", "Sent")}


def _labels(**extra) -> str:
    """Labels the live script needs, in the page's language (deltas carry the actor's)."""
    labels = {
        "status": {code: str(label) for code, label in ReferralStatus.choices},
        "need": {code: str(label) for code, label in NeedCategory.choices},
        "urgency": {code: str(label) for code, label in NeedUrgency.choices},
        "words": {
            "name_not_shared": _("Name not shared"),
            "from": _("From"),
            "to": _("To"),
            "respond_by": _("Respond by"),
            "overdue": _("Overdue"),
            "deadline_paused": _("Deadline paused until the sender answers"),
            "assigned_to": _("Assigned to"),
            "household": _("Household"),
        },
    }
    labels.update(extra)
    return json.dumps(labels, ensure_ascii=False)


@dataclass
class InboxRow:
    referral: object
    person_name: str | None
    outgoing: bool
    is_overdue: bool


@login_required
def inbox(request):
    """The referral inbox of one of the user's organisations, by tab, kept live."""
    user = request.user
    organisations = list(case_organisations(user).order_by("name"))
    if not organisations:
        return render(request, "referrals/inbox.html", {"organisations": []})
    requested = request.GET.get("organisation", "")
    organisation = next((org for org in organisations if str(org.pk) == requested), organisations[0])
    is_hub = organisation.kind == OrganisationKind.HUB
    tabs = {**SENT_TAB, **RECEIVED_TABS} if is_hub else dict(RECEIVED_TABS)
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = next(iter(tabs))

    referrals = selectors.inbox_tab(user=user, organisation_id=organisation.pk, tab=tab).order_by("-id")
    before = parse_id(request.GET.get("before", ""))
    if before is not None:
        referrals = referrals.filter(pk__lt=before)
    page = list(referrals[: INBOX_PAGE_SIZE + 1])
    now = timezone.now()
    rows = [
        InboxRow(
            referral=referral,
            person_name=sharing.display_name(referral, organisation.pk),
            outgoing=referral.sender_id == organisation.pk,
            is_overdue=referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < now,
        )
        for referral in page[:INBOX_PAGE_SIZE]
    ]
    counts = selectors.inbox_counts(user=user, organisation_id=organisation.pk)
    tab_links = [
        {"name": name, "label": label, "count": counts.get(name), "current": name == tab}
        for name, label in tabs.items()
    ]
    return render(
        request,
        "referrals/inbox.html",
        {
            "organisations": organisations,
            "organisation": organisation,
            "tab": tab,
            "tab_label": tabs[tab],
            "tabs": tab_links,
            "rows": rows,
            "next_before": page[INBOX_PAGE_SIZE - 1].pk if len(page) > INBOX_PAGE_SIZE else None,
            "paged": bool(before),
            "labels_json": _labels(),
            "detail_url_pattern": reverse("referrals:detail", args=[0]),
        },
    )


# --- The referral -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    form: type
    label: Promise  # the button that acts
    open_label: Promise  # the button that opens its form, when it has one
    style: str = ""


# The actions a page offers, in this order; who may take each, and from which states, is
# services.TRANSITIONS.
ACTIONS = {
    "accept": ActionSpec(AcceptForm, gettext_lazy("Accept"), gettext_lazy("Accept"), "primary"),
    "request_info": ActionSpec(RequestInfoForm, gettext_lazy("Send the question"), gettext_lazy("Ask for information")),
    "decline": ActionSpec(DeclineForm, gettext_lazy("Decline the referral"), gettext_lazy("Decline"), "danger"),
    "start": ActionSpec(StartForm, gettext_lazy("Start the work"), gettext_lazy("Start the work"), "primary"),
    "complete": ActionSpec(
        CompleteForm, gettext_lazy("Close with this outcome"), gettext_lazy("Record the outcome"), "primary"
    ),
    "answer_info": ActionSpec(
        AnswerInfoForm, gettext_lazy("Send the answer"), gettext_lazy("Answer the question"), "primary"
    ),
    "cancel": ActionSpec(
        CancelForm, gettext_lazy("Cancel the referral"), gettext_lazy("Cancel the referral"), "danger"
    ),
}


def _available_actions(referral, side: str) -> list[str]:
    return [
        name
        for name in ACTIONS
        if services.TRANSITIONS[name].side == side and referral.status in services.TRANSITIONS[name].sources
    ]


def _label(choices, code) -> str:
    return str(dict(choices).get(code, code)) if code else ""


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _shared_sections(shared: dict) -> list[dict]:
    """What ``sharing.shared_person`` returns, as labelled rows in the page's language."""
    sections = []
    # The service path is drawn by the trajectory app's own section (``referral_detail_sections``).
    for group in [code for code in DataGroup.values if code in shared["groups"] and code != DataGroup.TRAJECTORY]:
        data = shared[group]
        rows: list[tuple[str, str | list[str]]] = []
        if group == DataGroup.IDENTITY:
            birth = _date(data["date_of_birth"])
            if data["date_of_birth"] and data["date_of_birth_is_approximate"]:
                birth = f"{birth} ({_('approx.')})"
            rows = [
                (_("Given names"), data["given_names"]),
                (_("Family names"), data["family_names"]),
                (_("Date of birth"), birth),
                (
                    _("Preferred language"),
                    str(SPOKEN_LANGUAGES.get(data["preferred_language"], data["preferred_language"])),
                ),
                (
                    _("Other languages"),
                    ", ".join(str(SPOKEN_LANGUAGES.get(code, code)) for code in data["other_languages"]) or "—",
                ),
                (_("French level"), _label(FrenchLevel.choices, data["french_level"]) or "—"),
                (_("Needs an interpreter"), _yes_no(data["interpreter_needed"])),
            ]
        elif group == DataGroup.CONTACT:
            rows = [
                (_("Phone"), data["phone"] or "—"),
                (_("Email"), data["email"] or "—"),
                (_("Address"), data["address"] or "—"),
            ]
        elif group == DataGroup.HOUSEHOLD:
            members = [
                _label(HouseholdRelationship.choices, member["relationship"]) or _("Member")
                if member["age"] is None
                else f"{_label(HouseholdRelationship.choices, member['relationship']) or _('Member')}, {member['age']}"
                for member in data["members"]
            ]
            rows = [(_("People in the household"), str(data["household_size"])), (_("Members"), members or "—")]
        elif group == DataGroup.IMMIGRATION:
            milestones = []
            for milestone in data["milestones"]:
                label = _label(MilestoneKind.choices, milestone["kind"])
                if milestone["occurred_on"]:
                    milestones.append(f"{label}: {_date(milestone['occurred_on'])}")
                else:
                    milestones.append(f"{label}: " + _("due on %(date)s") % {"date": _date(milestone["due_on"])})
            rows = [
                (_("Arrival in Canada"), _date(data["arrival_date"])),
                (_("Claim pathway"), _label(ClaimPathway.choices, data["claim_pathway"])),
                (_("Claim milestones"), milestones or "—"),
            ]
        elif group == DataGroup.HEALTH:
            needs = [
                " — ".join(
                    part
                    for part in (
                        _label(NeedCategory.choices, need["category"]),
                        _label(NeedUrgency.choices, need["urgency"]),
                        need["note"],
                    )
                    if part
                )
                for need in data["needs"]
            ]
            rows = [(_("Health needs"), needs or "—")]
        elif group == DataGroup.SOGI:
            gender = (
                data["gender_self_described"]
                if data["gender_identity"] == GenderIdentity.SELF_DESCRIBED
                else _label(GenderIdentity.choices, data["gender_identity"])
            )
            rows = [
                (_("Gender identity"), gender),
                (_("Trans experience"), _label(TransExperience.choices, data["trans_experience"])),
            ]
        elif group == DataGroup.NOTES:
            rows = [(_("Notes"), data["notes"] or "—")]
        rows = [(label, value if isinstance(value, list) else [value]) for label, value in rows]
        sections.append(
            {
                "group": group,
                "label": _label(DataGroup.choices, group),
                "sensitive": group in SENSITIVE_DATA_GROUPS,
                "rows": rows,
            }
        )
    return sections


def _rerefer_partners(*, user, referral):
    """Other referral partners of the sender that hold a consent covering this referral's need
    and shared information; and whether some partners lack one."""
    partners = list(referral_partners(user=user, organisation=referral.sender).exclude(pk=referral.recipient_id))
    covered = []
    for partner in partners:
        consents = _covering_consents(
            user=user, person=referral.person, recipient_id=partner.pk, need_category=referral.need_category
        )
        if any(set(referral.shared_groups) <= set(consent.data_groups) for consent in consents):
            covered.append(partner)
    return covered, len(covered) < len(partners)


# Apps above referrals (the trajectory) add their part of a referral's page here: each provider
# takes the request, the referral and the organisation it is read for, and returns a
# ``people.views.FileSection`` or None.
referral_detail_sections: list = []


def _render_detail(request, referral_id: int, *, bound: dict | None = None, conflict: str = "", status: int = 200):
    """Draw the referral as the user's side sees it; ``bound`` holds a submitted form with errors."""
    user = request.user
    try:
        referral = selectors.referral_detail(user=user, referral_id=referral_id)
    except NotFoundError:
        raise Http404 from None
    bound = bound or {}
    reading_id = selectors.reading_organisation_id(user=user, referral=referral)
    side = "sender" if reading_id == referral.sender_id else "recipient"
    shared = sharing.shared_person(referral, reading_id)
    actions = []
    for name in _available_actions(referral, side):
        spec = ACTIONS[name]
        form = bound.get(name) or spec.form(initial={"version": referral.version})
        actions.append(
            {"name": name, "label": spec.label, "open_label": spec.open_label, "style": spec.style, "form": form}
        )
    assign_form = None
    if side == "recipient" and referral.status in OPEN_STATUSES:
        colleagues = permissions.users_with_organisation_permission(referral.recipient, "work_cases").order_by(
            "full_name"
        )
        assign_form = bound.get("assign") or AssignForm(
            colleagues=colleagues, initial={"version": referral.version, "assignee": referral.assignee_id}
        )
    rerefer_form, partners_missing_consent = None, False
    if side == "sender" and referral.status in {ReferralStatus.DECLINED, ReferralStatus.EXPIRED}:
        partners, partners_missing_consent = _rerefer_partners(user=user, referral=referral)
        rerefer_form = bound.get("rerefer") or ReReferForm(partners=partners)
    now = timezone.now()
    context = {
        "referral": referral,
        "side": side,
        "reading_organisation_id": reading_id,
        "other_organisation": referral.recipient if side == "sender" else referral.sender,
        "person_name": sharing.display_name(referral, reading_id),
        "text_withheld": sharing.withheld_sentence(referral.text_withheld_on) if referral.text_withheld_on else "",
        "shared": shared,
        "shared_sections": _shared_sections(shared),
        "actions": actions,
        "assign_form": assign_form,
        "rerefer_form": rerefer_form,
        "partners_missing_consent": partners_missing_consent,
        "message_form": bound.get("message") or MessageForm(),
        "events": [
            {"event": event, "reason": _label(DeclineReason.choices, event.reason)} for event in referral.events.all()
        ],
        "thread": list(referral.messages.all()),
        "is_overdue": referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < now,
        "is_open": referral.status in OPEN_STATUSES,
        "conflict": conflict,
        "labels_json": _labels(),
        "extra_sections": [
            render_to_string(section.template, {**section.context, "referral": referral}, request=request)
            for section in (provider(request, referral, reading_id) for provider in referral_detail_sections)
            if section is not None
        ],
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
def referral_detail(request, referral_id: int):
    return _render_detail(request, referral_id)


def _referral_or_404(user, referral_id: int):
    """The referral for a write: restricted, not audited (the page that follows audits its read)."""
    referral = selectors.referral_list(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def _conflict_message(error: ConflictError) -> str:
    message = _("This referral was changed in the meantime. Here is its current state: check it before acting again.")
    if error.code == "illegal_transition":
        return f"{message} {error.message}"
    return message


@login_required
@require_POST
def referral_action(request, referral_id: int, action: str):
    """One move of the workflow (accept, decline, ask for information…), at the version seen."""
    if action not in ACTIONS:
        raise Http404
    referral = _referral_or_404(request.user, referral_id)
    form = ACTIONS[action].form(request.POST)
    if not form.is_valid():
        return _render_detail(request, referral_id, bound={action: form})
    data = form.cleaned_data
    try:
        referral = services.referral_transition(
            actor=request.user,
            referral=referral,
            action=action,
            expected_version=data["version"],
            reason=data.get("reason", ""),
            note=data.get("note", ""),
        )
    except NotFoundError:
        raise Http404 from None
    except ConflictError as error:
        return _render_detail(request, referral_id, conflict=_conflict_message(error), status=409)
    except ApplicationError as error:
        add_application_error(form, error, {"decline_reason_required": "reason", "message_required": "note"})
        return _render_detail(request, referral_id, bound={action: form})
    messages.success(request, _("Done: the referral is now “%(status)s”.") % {"status": referral.get_status_display()})
    return redirect("referrals:detail", referral_id)


@login_required
@require_POST
def referral_assign(request, referral_id: int):
    referral = _referral_or_404(request.user, referral_id)
    colleagues = permissions.users_with_organisation_permission(referral.recipient, "work_cases")
    form = AssignForm(request.POST, colleagues=colleagues)
    if not form.is_valid():
        return _render_detail(request, referral_id, bound={"assign": form})
    try:
        referral = services.referral_assign(
            actor=request.user,
            referral=referral,
            assignee_id=form.cleaned_data["assignee"],
            expected_version=form.cleaned_data["version"],
        )
    except NotFoundError:
        raise Http404 from None
    except ConflictError as error:
        return _render_detail(request, referral_id, conflict=_conflict_message(error), status=409)
    except ApplicationError as error:
        add_application_error(form, error, {"foreign_assignee": "assignee"})
        return _render_detail(request, referral_id, bound={"assign": form})
    if referral.assignee is None:
        messages.success(request, _("Nobody is assigned to this referral now."))
    else:
        messages.success(request, _("Assigned to %(name)s.") % {"name": referral.assignee.full_name})
    return redirect("referrals:detail", referral_id)


@login_required
@require_POST
def referral_rerefer(request, referral_id: int):
    """Send a declined or expired referral to another partner, with the same information."""
    referral = _referral_or_404(request.user, referral_id)
    partners, _missing = _rerefer_partners(user=request.user, referral=referral)
    form = ReReferForm(request.POST, partners=partners)
    if not form.is_valid():
        return _render_detail(request, referral_id, bound={"rerefer": form})
    recipient = next(partner for partner in partners if partner.pk == form.cleaned_data["recipient"])
    consent = next(
        consent
        for consent in _covering_consents(
            user=request.user, person=referral.person, recipient_id=recipient.pk, need_category=referral.need_category
        )
        if set(referral.shared_groups) <= set(consent.data_groups)
    )
    try:
        new = services.referral_rerefer(actor=request.user, referral=referral, recipient=recipient, consent=consent)
    except NotFoundError:
        raise Http404 from None
    except ConflictError as error:
        return _render_detail(request, referral_id, conflict=_conflict_message(error), status=409)
    except ApplicationError as error:
        add_application_error(form, error)
        return _render_detail(request, referral_id, bound={"rerefer": form})
    messages.success(request, _("Referral sent to %(organisation)s.") % {"organisation": recipient.name})
    return redirect("referrals:detail", new.pk)


@login_required
@require_POST
def referral_message(request, referral_id: int):
    referral = _referral_or_404(request.user, referral_id)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.referral_message_post(actor=request.user, referral=referral, body=form.cleaned_data["body"])
        except NotFoundError:
            raise Http404 from None
        except ApplicationError as error:
            add_application_error(form, error, {"message_required": "body"})
        else:
            messages.success(request, _("Message sent."))
            return redirect(f"{reverse('referrals:detail', args=[referral_id])}#thread")
    return _render_detail(request, referral_id, bound={"message": form})


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Referrals" in the header for case workers anywhere (registered in ReferralsConfig.ready)."""
    return [(reverse("referrals:inbox"), _("Referrals"))] if context.case_work_kinds else []
