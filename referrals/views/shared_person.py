"""The person as a referral's page shows them: what ``sharing.shared_person`` returns for the
reading side, as labelled rows in the page's language."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
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


def choice_label(choices, code) -> str:
    return str(dict(choices).get(code, code)) if code else ""


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def shared_sections(shared: dict) -> list[dict]:
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
                (_("French level"), choice_label(FrenchLevel.choices, data["french_level"]) or "—"),
                (_("Needs an interpreter"), _yes_no(data["interpreter_needed"])),
            ]
        elif group == DataGroup.CONTACT:
            rows = [
                (_("Phone"), data["phone"] or "—"),
                (_("Email"), data["email"] or "—"),
                (_("Address"), data["address"] or "—"),
            ]
        elif group == DataGroup.HOUSEHOLD:
            members = []
            for member in data["members"]:
                relationship = choice_label(HouseholdRelationship.choices, member["relationship"]) or _("Member")
                members.append(relationship if member["age"] is None else f"{relationship}, {member['age']}")
            rows = [(_("People in the household"), str(data["household_size"])), (_("Members"), members or "—")]
        elif group == DataGroup.IMMIGRATION:
            milestones = []
            for milestone in data["milestones"]:
                label = choice_label(MilestoneKind.choices, milestone["kind"])
                if milestone["occurred_on"]:
                    milestones.append(f"{label}: {_date(milestone['occurred_on'])}")
                else:
                    milestones.append(f"{label}: " + _("due on %(date)s") % {"date": _date(milestone["due_on"])})
            rows = [
                (_("Arrival in Canada"), _date(data["arrival_date"])),
                (_("Claim pathway"), choice_label(ClaimPathway.choices, data["claim_pathway"])),
                (_("Claim milestones"), milestones or "—"),
            ]
        elif group == DataGroup.HEALTH:
            needs = [
                " — ".join(
                    part
                    for part in (
                        choice_label(NeedCategory.choices, need["category"]),
                        choice_label(NeedUrgency.choices, need["urgency"]),
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
                else choice_label(GenderIdentity.choices, data["gender_identity"])
            )
            rows = [
                (_("Gender identity"), gender),
                (_("Trans experience"), choice_label(TransExperience.choices, data["trans_experience"])),
            ]
        elif group == DataGroup.NOTES:
            rows = [(_("Notes"), data["notes"] or "—")]
        rows = [(label, value if isinstance(value, list) else [value]) for label, value in rows]
        sections.append(
            {
                "group": group,
                "label": choice_label(DataGroup.choices, group),
                "sensitive": group in SENSITIVE_DATA_GROUPS,
                "rows": rows,
            }
        )
    return sections
