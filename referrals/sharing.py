"""What of a person a referral shows to each side: the sending organisation sees the groups it
shared; the receiving organisation sees them only while the consent stays in force. Nothing else
of the person file ever leaves the hub through a referral."""

from collections.abc import Callable
from datetime import date

from organisations.choices import NeedCategory
from people.choices import DataGroup
from people.models import Consent, Person
from referrals.models import Referral

HEALTH_NEEDS = {NeedCategory.HEALTH_PHYSICAL, NeedCategory.HEALTH_MENTAL}


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
