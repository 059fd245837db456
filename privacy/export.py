"""A person's whole file as the law lets them have it (s. 27): a structured document (JSON, for
portability) and the same content as a readable PDF, in the language the request asks for.

``person_document`` builds the one structure both are written from: every data group of the
file (``people.choices.DataGroup``), whether empty or not, then the records that name the person
(consents, needs, claim milestones, interventions, referrals, holds and stays, rectifications,
communications without consent). Only that person's data: a household member appears only when
the request records their own consent, otherwise the export says how many were left out. Call
inside ``translation.override(language)``: labels and dates are written in that language.
"""

from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from housing.models import Hold, Stay
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from people.choices import DataGroup
from people.models import Consent, Intervention, Milestone, Need, Person
from privacy.models import EmergencyCommunication, PrivacyRequest, Rectification
from referrals.models import Referral

FORMAT = "passerelle.person-export/1"

# The fields of a person file, by the data group a consent shares them under. Rectifications use
# it too: a correction of a field concerns the partners that received its group.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    DataGroup.IDENTITY: (
        "given_names",
        "family_names",
        "date_of_birth",
        "date_of_birth_is_approximate",
        "preferred_language",
        "other_languages",
        "french_level",
        "interpreter_needed",
    ),
    DataGroup.CONTACT: ("phone", "email", "address"),
    DataGroup.HOUSEHOLD: ("household_relationship",),
    DataGroup.IMMIGRATION: ("arrival_date", "first_intake_date", "intake_channel", "claim_pathway"),
    DataGroup.HEALTH: ("needs_wheelchair_access",),
    DataGroup.SOGI: ("gender_identity", "gender_self_described", "trans_experience"),
    DataGroup.NOTES: ("notes",),
}
GROUP_OF_FIELD = {name: group for group, names in FIELD_GROUPS.items() for name in names}


def shown(value) -> str:
    """A value as a person reads it, in the active language."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    return str(value)


def raw(value):
    """A value as the JSON carries it: dates in ISO 8601, codes as stored."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def field_value(person: Person, name: str) -> tuple[object, str]:
    """(stored value, value as read) of one field of the file."""
    value = getattr(person, name)
    if name == "preferred_language":
        return value, str(SPOKEN_LANGUAGES.get(value, value))
    if name == "other_languages":
        return value, shown([str(SPOKEN_LANGUAGES.get(code, code)) for code in value or []])
    display = getattr(person, f"get_{name}_display", None)
    if display is not None and value:
        return value, str(display())
    return value, shown(value)


def field_label(name: str) -> str:
    """The label of a field of the file, capitalised (not ``capitalize()``: "Canada" keeps its C);
    the name itself for a field the file no longer has (an old correction)."""
    try:
        label = str(Person._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


def _entry(label: str, value) -> dict:
    return {"label": label, "value": raw(value), "display": shown(value)}


def _record(title: str, entries: list[dict]) -> dict:
    return {"title": title, "entries": entries}


def _household(person: Person, included: set[int]) -> dict:
    """The household group: the person's own place in it, and the members who consented."""
    fields = []
    value, display = field_value(person, "household_relationship")
    fields.append(
        {
            "field": "household_relationship",
            "label": field_label("household_relationship"),
            "value": value,
            "display": display,
        }
    )
    members, left_out = [], 0
    if person.household_id:
        fields.insert(
            0,
            {
                "field": "household",
                "label": _("Household"),
                "value": person.household.name,
                "display": person.household.name,
            },
        )
        for member in Person.objects.filter(household_id=person.household_id).exclude(pk=person.pk).order_by("pk"):
            if member.pk not in included:
                left_out += 1
                continue
            members.append(
                _record(
                    member.full_name,
                    [
                        _entry(field_label("given_names"), member.given_names),
                        _entry(field_label("family_names"), member.family_names),
                        _entry(field_label("date_of_birth"), member.date_of_birth),
                        _entry(field_label("household_relationship"), member.get_household_relationship_display()),
                    ],
                )
            )
    notice = ""
    if left_out:
        notice = _("%(count)s household member(s) left out: a member's data is given only with their own consent.") % {
            "count": left_out
        }
    return {"fields": fields, "members": members, "left_out": left_out, "notice": notice}


def _records(person: Person) -> dict[str, dict]:
    """Every record that names the person, by kind, with translated titles."""
    groups = dict(DataGroup.choices)
    categories = dict(NeedCategory.choices)
    consents = [
        _record(
            consent.recipient.name,
            [
                _entry(_("Purposes"), [str(categories.get(code, code)) for code in consent.purposes]),
                _entry(_("Information shared"), [str(groups.get(code, code)) for code in consent.data_groups]),
                _entry(_("Valid from"), consent.valid_from),
                _entry(_("Valid until"), consent.valid_until),
                _entry(_("Withdrawn on"), consent.withdrawn_at),
            ],
        )
        for consent in Consent.objects.filter(person=person).select_related("recipient").order_by("created_at", "pk")
    ]
    needs = [
        _record(
            need.get_category_display(),
            [
                _entry(_("Status"), need.get_status_display()),
                _entry(_("Urgency"), need.get_urgency_display()),
                _entry(_("Identified on"), need.identified_on),
                _entry(_("Closed on"), need.closed_on),
                _entry(_("Note"), need.note),
            ],
        )
        for need in Need.objects.filter(person=person).order_by("identified_on", "pk")
    ]
    milestones = [
        _record(
            milestone.get_kind_display(),
            [
                _entry(_("Date"), milestone.occurred_on),
                _entry(_("Due on"), milestone.due_on),
                _entry(_("Note"), milestone.note),
            ],
        )
        for milestone in Milestone.objects.filter(person=person).order_by("pk")
    ]
    # Only what concerns this person: an intervention with others names none of them here.
    interventions = [
        _record(
            intervention.get_type_display(),
            [
                _entry(_("Date"), intervention.occurred_on),
                _entry(_("Mode"), intervention.get_mode_display()),
                _entry(_("Organisation"), intervention.organisation.name),
                _entry(_("Note"), intervention.note),
            ],
        )
        for intervention in Intervention.objects.filter(people=person)
        .select_related("organisation")
        .order_by("occurred_on", "pk")
    ]
    referrals = [
        _record(
            referral.recipient.name,
            [
                _entry(_("Need"), referral.get_need_category_display()),
                _entry(_("Status"), referral.get_status_display()),
                _entry(_("Sent"), referral.sent_at),
                _entry(_("Information shared"), [str(groups.get(code, code)) for code in referral.shared_groups]),
                _entry(_("Reason"), referral.reason),
                _entry(_("Outcome"), referral.outcome),
            ],
        )
        for referral in Referral.objects.filter(person=person).select_related("recipient").order_by("created_at", "pk")
    ]
    mine = Q(person=person)
    if person.household_id:
        mine |= Q(household_id=person.household_id)
    housing = [
        _record(
            _("Hold at %(site)s") % {"site": hold.site.name},
            [_entry(_("Held on"), hold.created_at), _entry(_("Status"), hold.get_status_display())],
        )
        for hold in Hold.objects.filter(mine).select_related("site").order_by("created_at", "pk")
    ] + [
        _record(
            _("Stay at %(site)s") % {"site": stay.site.name},
            [_entry(_("Checked in"), stay.checked_in_at), _entry(_("Checked out"), stay.checked_out_at)],
        )
        for stay in Stay.objects.filter(mine).select_related("site").order_by("checked_in_at", "pk")
    ]
    rectifications = [
        _record(
            field_label(rectification.field),
            [
                _entry(_("Changed"), rectification.changed_at),
                _entry(_("Before"), rectification.old_value),
                _entry(_("After"), rectification.new_value),
                _entry(_("Why"), rectification.reason),
            ],
        )
        for rectification in Rectification.objects.filter(person=person).order_by("changed_at", "pk")
    ]
    emergencies = [
        _record(
            communication.recipient,
            [
                _entry(_("Communicated on"), communication.communicated_at),
                _entry(_("Information communicated"), communication.information),
                _entry(_("Why"), communication.reason),
            ],
        )
        for communication in EmergencyCommunication.objects.filter(person=person).order_by("communicated_at", "pk")
    ]
    return {
        "consents": {"title": _("Consents"), "items": consents},
        "needs": {"title": _("Needs"), "items": needs},
        "milestones": {"title": _("Claim milestones"), "items": milestones},
        "interventions": {"title": _("Interventions"), "items": interventions},
        "referrals": {"title": _("Referrals to partners"), "items": referrals},
        "housing": {"title": _("Housing: holds and stays"), "items": housing},
        "rectifications": {"title": _("Corrections of the file"), "items": rectifications},
        "emergency_communications": {"title": _("Communications without consent"), "items": emergencies},
    }


def person_document(*, request: PrivacyRequest, generated_at: datetime) -> dict:
    """The structure of the export: the same in JSON and in the PDF."""
    person = request.person
    included = set(request.included_members.values_list("pk", flat=True))
    data_groups = {}
    for group, label in DataGroup.choices:
        if group not in FIELD_GROUPS:
            # A group computed from the records below (the service path), not fields of the file.
            continue
        if group == DataGroup.HOUSEHOLD:
            data_groups[group] = {"title": str(label), **_household(person, included)}
            continue
        fields = []
        for name in FIELD_GROUPS[group]:
            value, display = field_value(person, name)
            fields.append({"field": name, "label": field_label(name), "value": raw(value), "display": display})
        data_groups[group] = {"title": str(label), "fields": fields}
    return {
        "format": FORMAT,
        "language": request.language,
        "generated_at": generated_at.isoformat(),
        "title": _("The file of %(name)s") % {"name": person.full_name},
        "held_by": person.owner.name,
        "request": {
            "kind": request.kind,
            "kind_display": request.get_kind_display(),
            "received_on": request.received_on.isoformat(),
        },
        "intro": _(
            "All the information %(organisation)s holds about you on %(date)s, as the law on the "
            "protection of personal information lets you have it. Ask us to correct anything that is wrong."
        )
        % {"organisation": person.owner.name, "date": date_format(timezone.localtime(generated_at), "DATE_FORMAT")},
        "data_groups": data_groups,
        "records": _records(person),
    }
