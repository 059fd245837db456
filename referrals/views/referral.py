"""A referral's page as each side sees it, its timeline and thread, and the actions taken from it.

A referral the user may not see is a 404; an action based on a version someone else has changed
since is a 409 that shows the fresh state. The partner never sees the person file: only
``referrals.sharing`` decides what of the person the page shows to each side.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from organisations import permissions
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.selectors import referral_partners
from people.forms import add_application_error
from referrals import selectors, services, sharing
from referrals.choices import OPEN_STATUSES, WAITING_FOR_RECIPIENT, DeclineReason, ReferralStatus
from referrals.forms import (
    AcceptForm,
    AnswerInfoForm,
    AssignForm,
    CancelForm,
    CompleteForm,
    DeclineForm,
    MessageForm,
    RequestInfoForm,
    ReReferForm,
    StartForm,
)
from referrals.views.inbox import live_labels
from referrals.views.shared_person import choice_label, shared_sections


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


def _rerefer_partners(*, user, referral):
    """The sender's other partners the referral may go to next, and whether some lack a consent."""
    partners = referral_partners(user=user, organisation=referral.sender)
    return selectors.rerefer_partners(user=user, referral=referral, partners=partners)


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
        "shared_sections": shared_sections(shared),
        "actions": actions,
        "assign_form": assign_form,
        "rerefer_form": rerefer_form,
        "partners_missing_consent": partners_missing_consent,
        "message_form": bound.get("message") or MessageForm(),
        "events": [
            {"event": event, "reason": choice_label(DeclineReason.choices, event.reason)}
            for event in referral.events.all()
        ],
        "thread": list(referral.messages.all()),
        "is_overdue": referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < now,
        "is_open": referral.status in OPEN_STATUSES,
        "conflict": conflict,
        "labels_json": live_labels(),
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
    consents = selectors.covering_consents(
        user=request.user, person=referral.person, recipient_id=recipient.pk, need_category=referral.need_category
    )
    consent = selectors.consent_covering(consents, referral.shared_groups)
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
            add_application_error(form, error, {"message_required": "body", "invalid_message": "body"})
        else:
            messages.success(request, _("Message sent."))
            return redirect(f"{reverse('referrals:detail', args=[referral_id])}#thread")
    return _render_detail(request, referral_id, bound={"message": form})
