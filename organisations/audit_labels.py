"""What an audit entry's action and object are called on the privacy officer's page: the entry
keeps its code (``people.person.file.read``), which the page shows in the reader's language
("Person · file — read"), the code still at hand for a precise answer (the CSV keeps codes)."""

from functools import cache

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import pgettext_lazy

VERBS = {
    "accepted": pgettext_lazy("audit action", "accepted"),
    "anonymised": pgettext_lazy("audit action", "anonymised"),
    "changed": pgettext_lazy("audit action", "changed"),
    "checked_in": pgettext_lazy("audit action", "checked in"),
    "checked_out": pgettext_lazy("audit action", "checked out"),
    "closed": pgettext_lazy("audit action", "closed"),
    "created": pgettext_lazy("audit action", "created"),
    "declined": pgettext_lazy("audit action", "declined"),
    "deleted": pgettext_lazy("audit action", "deleted"),
    "destroyed": pgettext_lazy("audit action", "destroyed"),
    "ended": pgettext_lazy("audit action", "ended"),
    "exported": pgettext_lazy("audit action", "exported"),
    "extended": pgettext_lazy("audit action", "extended"),
    "granted": pgettext_lazy("audit action", "granted"),
    "lifted": pgettext_lazy("audit action", "lifted"),
    "moved": pgettext_lazy("audit action", "moved"),
    "published": pgettext_lazy("audit action", "published"),
    "read": pgettext_lazy("audit action", "read"),
    "recorded": pgettext_lazy("audit action", "recorded"),
    "rectified": pgettext_lazy("audit action", "corrected"),
    "scheduled": pgettext_lazy("audit action", "scheduled"),
    "refused": pgettext_lazy("audit action", "refused: not theirs to read"),
    "released": pgettext_lazy("audit action", "released"),
    "revoked": pgettext_lazy("audit action", "revoked"),
    "set": pgettext_lazy("audit action", "set"),
    "updated": pgettext_lazy("audit action", "changed"),
    "withdrawn": pgettext_lazy("audit action", "withdrawn"),
    # A hub brings a partner organisation into the network and invites its first admin.
    "onboarded": pgettext_lazy("audit action", "brought into the network"),
    "first_admin_invited": pgettext_lazy("audit action", "first admin invited"),
    # A partnership's proposal and a referral's moves (``referrals.services.TRANSITIONS``).
    "proposed": pgettext_lazy("audit action", "proposed"),
    "assigned": pgettext_lazy("audit action", "assigned"),
    "send": pgettext_lazy("audit action", "sent"),
    "request_info": pgettext_lazy("audit action", "asked for more information"),
    "answer_info": pgettext_lazy("audit action", "answered"),
    "accept": pgettext_lazy("audit action", "accepted"),
    "decline": pgettext_lazy("audit action", "declined"),
    "start": pgettext_lazy("audit action", "started"),
    "complete": pgettext_lazy("audit action", "completed"),
    "cancel": pgettext_lazy("audit action", "cancelled"),
    "expire": pgettext_lazy("audit action", "expired"),
    "expired": pgettext_lazy("audit action", "expired"),
    # Two-step verification, beds and sites, households, interventions, messages.
    "enabled": pgettext_lazy("audit action", "turned on"),
    "disabled": pgettext_lazy("audit action", "turned off"),
    "reset": pgettext_lazy("audit action", "reset"),
    "recovery_code_used": pgettext_lazy("audit action", "recovery code used"),
    "recovery_codes_renewed": pgettext_lazy("audit action", "recovery codes renewed"),
    "in_service": pgettext_lazy("audit action", "back in service"),
    "out_of_service": pgettext_lazy("audit action", "out of service"),
    "confirmed": pgettext_lazy("audit action", "confirmed"),
    "dissolved": pgettext_lazy("audit action", "dissolved"),
    "member_added": pgettext_lazy("audit action", "member added"),
    "member_removed": pgettext_lazy("audit action", "member removed"),
    "relationship_changed": pgettext_lazy("audit action", "relationship changed"),
    "logged": pgettext_lazy("audit action", "logged"),
    "posted": pgettext_lazy("audit action", "posted"),
    # A spreadsheet loaded at once (people.imports, organisations.service_import).
    "imported": pgettext_lazy("audit action", "imported from a spreadsheet"),
    "discarded": pgettext_lazy("audit action", "discarded"),
}

# Words between the object and the verb (``people.person.file.read``: the file).
PARTS = {
    "detail": pgettext_lazy("audit object", "detail"),
    "document": pgettext_lazy("audit object", "signed document"),
    "duplicates": pgettext_lazy("audit object", "duplicate check"),
    "emergency_register": pgettext_lazy("audit object", "register of communications without consent"),
    "export": pgettext_lazy("audit object", "export"),
    "file": pgettext_lazy("audit object", "file"),
    "identity": pgettext_lazy("audit object", "names"),
    "legal_hold": pgettext_lazy("audit object", "legal hold"),
    "search": pgettext_lazy("audit object", "search"),
}


# Actions named after their object's short name, not its model's.
OBJECT_ALIASES = {
    "organisations.agreement": "organisations.datasharingagreement",
    "privacy.request": "privacy.privacyrequest",
    "privacy.emergency_communication": "privacy.emergencycommunication",
    "privacy.incident": "privacy.confidentialityincident",
    "retention.legal_hold": "retention.legalhold",
    "referrals.message": "referrals.referralmessage",
}


# Objects that are no model of their own.
OBJECT_NAMES = {"accounts.two_factor": pgettext_lazy("audit object", "Two-step verification")}


@cache
def _model_named(app_label: str, name: str):
    """The model ``app_label.name``, or the only model called ``name`` in any app, or None."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        found = [model for model in apps.get_models() if model._meta.model_name == name]
        return found[0] if len(found) == 1 else None


def object_label(label: str) -> str:
    """``people.person`` as the reader calls it ("Person"); an unknown code as it is."""
    if label in OBJECT_NAMES:
        return str(OBJECT_NAMES[label])
    app_label, _dot, name = OBJECT_ALIASES.get(label, label).partition(".")
    model = _model_named(app_label, name) if name else None
    return capfirst(str(model._meta.verbose_name)) if model is not None else label


def action_label(action: str) -> str:
    """``people.person.file.read`` as "Person · file — read"; parts without a word stay codes."""
    pieces = action.split(".")
    if len(pieces) < 3 or pieces[-1] not in VERBS:
        return action
    thing = object_label(f"{pieces[0]}.{pieces[1]}")
    middle = [str(PARTS.get(part, part)) for part in pieces[2:-1]]
    return " · ".join([thing, *middle]) + " — " + str(VERBS[pieces[-1]])
