"""What of a person a referral shows to each side: the sending organisation sees the groups it
shared; the receiving organisation sees them only while the consent stays in force. Nothing else
of the person file ever leaves the hub through a referral.

The free text of a referral (its reason and outcome, the messages of its thread, the notes of its
timeline, the questions and answers of "information requested") is about the person too: it is
shared under the referral's data groups (``TEXT_GROUPS``, "notes" by default) and follows the same
rule, in ``text_withheld_on`` — the one place that decides it for pages, API, notifications,
emails and live updates."""

from collections.abc import Callable
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from organisations.choices import NeedCategory
from people.choices import SENSITIVE_DATA_GROUPS, DataGroup
from people.models import Consent, Person
from referrals.models import Referral

HEALTH_NEEDS = {NeedCategory.HEALTH_PHYSICAL, NeedCategory.HEALTH_MENTAL}
# Needs whose answer depends on who lives with the person (beds, food, income, children).
HOUSEHOLD_NEEDS = {
    NeedCategory.HOUSING_EMERGENCY,
    NeedCategory.HOUSING_SHORT_TERM,
    NeedCategory.HOUSING_LONG_TERM,
    NeedCategory.FOOD,
    NeedCategory.INCOME_SUPPORT,
    NeedCategory.CHILDCARE,
    NeedCategory.EDUCATION_CHILDREN,
}


def default_groups(need_category: str, allowed) -> list[str]:
    """The data groups the wizard ticks in advance: of those a consent ``allowed``, the ones the
    need calls for. Every referral is answered by calling the person back, so identity and
    contact; the household for ``HOUSEHOLD_NEEDS``. Sensitive groups are never ticked in advance
    (Law 25: the worker chooses them, expressly)."""
    wanted = {DataGroup.IDENTITY, DataGroup.CONTACT}
    if need_category in HOUSEHOLD_NEEDS:
        wanted.add(DataGroup.HOUSEHOLD)
    return [code for code in DataGroup.values if code in allowed and code in wanted - SENSITIVE_DATA_GROUPS]


def groups_visible(
    organisation_id: int,
    *,
    sender_id: int,
    recipient_id: int,
    shared_groups: list[str],
    consent_in_force: Callable[[], bool],
) -> list[str]:
    """The data groups ``organisation_id`` may read on a referral now: the rule behind
    ``visible_groups`` and ``row_display_name``. ``consent_in_force`` is only called for the
    recipient, so that reading a referral as its sender never loads its consent."""
    if organisation_id == sender_id:
        return list(shared_groups)
    if organisation_id == recipient_id and consent_in_force():
        return list(shared_groups)
    return []


def visible_groups(referral: Referral, organisation_id: int) -> list[str]:
    """The data groups ``organisation_id`` may read on this referral now."""
    return groups_visible(
        organisation_id,
        sender_id=referral.sender_id,
        recipient_id=referral.recipient_id,
        shared_groups=referral.shared_groups,
        consent_in_force=lambda: referral.consent.is_active(),
    )


# The data group free text written for a partner belongs to when nothing else is said of it.
TEXT_GROUPS = [DataGroup.NOTES]


def text_groups(referral: Referral) -> list[str]:
    """The data groups the referral's free text was shared under: "notes" when the referral
    shared them, else the groups it shared (the text went to the partner with them)."""
    shared = set(referral.shared_groups)
    return sorted(shared & set(TEXT_GROUPS)) or sorted(shared)


def text_withheld_on(referral: Referral, organisation_id: int) -> date | None:
    """None while ``organisation_id`` may read the referral's free text; else the day the consent
    stopped covering it (withdrawn, or expired), to say "withdrawn on …" in place of the text.

    The sender always reads what it wrote and received. The recipient reads it only while the
    referral's consent is in force, still names the referral's purpose and covers the text's
    groups (``text_groups``)."""
    if organisation_id != referral.recipient_id:
        return None
    consent = referral.consent
    if consent.allows(purpose=referral.need_category, data_groups=text_groups(referral)):
        return None
    if consent.withdrawn_at is not None:
        return timezone.localdate(consent.withdrawn_at)
    return min(consent.valid_until, timezone.localdate())


def withhold_free_text(referral: Referral, organisation_id: int) -> Referral:
    """Blank the free text of a referral read for ``organisation_id`` when the consent no longer
    covers it: the reason, the outcome, the notes of its prefetched timeline and the bodies of
    its prefetched thread. Sets ``referral.text_withheld_on`` (None when nothing is withheld).
    The instance is a read: it is never saved afterwards (writes fetch the row again)."""
    withheld_on = text_withheld_on(referral, organisation_id)
    referral.text_withheld_on = withheld_on
    if withheld_on is None:
        return referral
    referral.reason = ""
    referral.outcome = ""
    # The earlier referral of the same person would link this one to them.
    referral.re_referral_of_id = None
    for event in referral.events.all():
        event.note = ""
    for message in referral.messages.all():
        message.body = ""
        message.withheld_on = withheld_on
    return referral


def withheld_sentence(day: date) -> str:
    """What stands in place of withheld text, in the active language."""
    return _("Consent withdrawn on %(date)s: this text is no longer shared.") % {
        "date": formats.date_format(day, "DATE_FORMAT")
    }


def notification_excerpt(referral: Referral, organisation_id: int | None, text: str) -> str:
    """``text`` (a message of the thread) as a notification for ``organisation_id`` may quote it,
    judged when the notification is shown or its email sent, not when it was made."""
    withheld_on = text_withheld_on(referral, organisation_id)
    return text if withheld_on is None else withheld_sentence(withheld_on)


def _group_data(person: Person, group: str) -> dict:
    if group == DataGroup.IDENTITY:
        return {
            "given_names": person.given_names,
            "family_names": person.family_names,
            "date_of_birth": person.date_of_birth,
            "date_of_birth_is_approximate": person.date_of_birth_is_approximate,
            "preferred_language": person.preferred_language,
            "other_languages": person.other_languages,
            "french_level": person.french_level,
            "interpreter_needed": person.interpreter_needed,
        }
    if group == DataGroup.CONTACT:
        return {"phone": person.phone, "email": person.email, "address": person.address}
    if group == DataGroup.HOUSEHOLD:
        members = person.household.members.exclude(pk=person.pk) if person.household_id else []
        return {
            "household_size": 1 + len(members),
            "members": [
                {
                    "relationship": member.household_relationship,
                    "age": member.age_on(person.updated_at.date()) if member.date_of_birth else None,
                }
                for member in members
            ],
        }
    if group == DataGroup.IMMIGRATION:
        return {
            "arrival_date": person.arrival_date,
            "claim_pathway": person.claim_pathway,
            "milestones": [
                {"kind": m.kind, "occurred_on": m.occurred_on, "due_on": m.due_on} for m in person.milestones.all()
            ],
        }
    if group == DataGroup.HEALTH:
        return {
            "needs": [
                {"category": n.category, "urgency": n.urgency, "note": n.note}
                for n in person.needs.all()
                if n.category in HEALTH_NEEDS
            ]
        }
    if group == DataGroup.SOGI:
        return {
            "gender_identity": person.gender_identity,
            "gender_self_described": person.gender_self_described,
            "trans_experience": person.trans_experience,
        }
    if group == DataGroup.NOTES:
        return {"notes": person.notes}
    if group == DataGroup.TRAJECTORY:
        # Computed and drawn by the trajectory app, which sits above referrals
        # (``trajectory.selectors.partner_view``).
        return {}
    raise ValueError(group)


def shared_person(referral: Referral, organisation_id: int) -> dict:
    """The person as ``organisation_id`` may see them on this referral: only the visible groups,
    and ``redacted`` when the consent no longer covers what was shared."""
    groups = visible_groups(referral, organisation_id)
    data = {"groups": groups, "redacted": not groups}
    for group in groups:
        data[group] = _group_data(referral.person, group)
    return data


def display_name(referral: Referral, organisation_id: int) -> str | None:
    """The person's name for a list, or None when identity is not visible to this organisation."""
    if DataGroup.IDENTITY in visible_groups(referral, organisation_id):
        return referral.person.full_name
    return None


# What ``row_display_name`` reads of a referral fetched with ``.values()``.
NAME_VALUES = (
    "sender_id",
    "recipient_id",
    "shared_groups",
    "person__given_names",
    "person__family_names",
    "consent__withdrawn_at",
    "consent__valid_from",
    "consent__valid_until",
)


def row_display_name(row: dict, organisation_id: int, *, today: date) -> str | None:
    """``display_name`` for a referral read as plain values (``NAME_VALUES``), with the consent
    judged on ``today``: a page of the inbox builds no model instances."""
    groups = groups_visible(
        organisation_id,
        sender_id=row["sender_id"],
        recipient_id=row["recipient_id"],
        shared_groups=row["shared_groups"],
        consent_in_force=lambda: Consent.in_force(
            withdrawn_at=row["consent__withdrawn_at"],
            valid_from=row["consent__valid_from"],
            valid_until=row["consent__valid_until"],
            on=today,
        ),
    )
    if DataGroup.IDENTITY in groups:
        return Person.name_from(row["person__given_names"], row["person__family_names"])
    return None
