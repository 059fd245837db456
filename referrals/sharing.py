"""What of a person a referral shows to each side: the sending organisation sees the groups it
shared; the receiving organisation sees them only while the consent stays in force. Nothing else
of the person file ever leaves the hub through a referral."""

from organisations.choices import NeedCategory
from people.choices import DataGroup
from people.models import Person
from referrals.models import Referral

HEALTH_NEEDS = {NeedCategory.HEALTH_PHYSICAL, NeedCategory.HEALTH_MENTAL}


def visible_groups(referral: Referral, organisation_id: int) -> list[str]:
    """The data groups ``organisation_id`` may read on this referral now."""
    if organisation_id == referral.sender_id:
        return list(referral.shared_groups)
    if organisation_id == referral.recipient_id and referral.consent.is_active():
        return list(referral.shared_groups)
    return []


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
