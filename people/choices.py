"""Enumerations of person files (DOMAIN.md): codes in English, labels translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# DataGroup lives with the organisations, whose data-sharing agreements name data groups too
# (imports point downward); person files keep importing it from here.
from organisations.choices import DataGroup


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("Self-described")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefers not to say")
    NOT_ASKED = "not_asked", _("Not asked")


class TransExperience(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefers not to say")
    NOT_ASKED = "not_asked", _("Not asked")


class FrenchLevel(models.TextChoices):
    NONE = "none", _("None")
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    FLUENT = "fluent", _("Fluent")


class IntakeChannel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    EMAIL_WEB = "email_web", _("Email or web")
    TEXT_MESSAGING = "text_messaging", _("Text messaging")
    PARTNER_REFERRAL = "partner_referral", _("Referred by a partner")
    OUTREACH_FIELD_AGENT = "outreach_field_agent", _("Outreach by a field agent")
    GOVERNMENT_TRANSFER = "government_transfer", _("Government transfer")
    OTHER = "other", _("Other")


class ClaimPathway(models.TextChoices):
    PORT_OF_ENTRY_AIR = "port_of_entry_air", _("Port of entry: airport")
    PORT_OF_ENTRY_LAND = "port_of_entry_land", _("Port of entry: land border")
    PORT_OF_ENTRY_SEA = "port_of_entry_sea", _("Port of entry: seaport")
    IRREGULAR_CROSSING_INTERCEPTED = "irregular_crossing_intercepted", _("Irregular crossing, intercepted")
    INLAND_ONLINE_PORTAL = "inland_online_portal", _("Inland: online portal")
    INLAND_EMAIL_2020_2021 = "inland_email_2020_2021", _("Inland: by email (2020–2021)")
    INLAND_OFFICE_IN_PERSON = "inland_office_in_person", _("Inland: in person at an office")
    INLAND_AFTER_ARREST = "inland_after_arrest", _("Inland: after an arrest")
    NOT_YET_CLAIMED = "not_yet_claimed", _("Not yet claimed")
    UNKNOWN = "unknown", _("Unknown")


PORT_OF_ENTRY_PATHWAYS = {
    ClaimPathway.PORT_OF_ENTRY_AIR,
    ClaimPathway.PORT_OF_ENTRY_LAND,
    ClaimPathway.PORT_OF_ENTRY_SEA,
    ClaimPathway.IRREGULAR_CROSSING_INTERCEPTED,
}


class MilestoneKind(models.TextChoices):
    CLAIM_MADE = "claim_made", _("Claim made")
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of claim")
    ELIGIBILITY_INTERVIEW = "eligibility_interview", _("Eligibility interview")
    REFERRED_TO_IRB = "referred_to_irb", _("Referred to the IRB (claimant document issued)")
    FOUND_INELIGIBLE = "found_ineligible", _("Found ineligible")
    BOC_SENT = "boc_sent", _("Basis of Claim form sent")
    MEDICAL_EXAM = "medical_exam", _("Immigration medical exam")
    WORK_PERMIT_REQUESTED = "work_permit_requested", _("Open work permit requested")
    WORK_PERMIT_ISSUED = "work_permit_issued", _("Open work permit issued")
    SIN_OBTAINED = "sin_obtained", _("Social insurance number obtained")
    IFHP_ACTIVE = "ifhp_active", _("Interim federal health coverage active")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    HEARING_HELD = "hearing_held", _("Hearing held")
    DECISION_ACCEPTED = "decision_accepted", _("Decision: protected person")
    DECISION_REFUSED = "decision_refused", _("Decision: refused")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    JUDICIAL_REVIEW = "judicial_review", _("Judicial review")
    PRRA = "prra", _("Pre-removal risk assessment")
    HUMANITARIAN_APPLICATION = "humanitarian_application", _("Humanitarian application")
    REMOVAL_ORDER = "removal_order", _("Removal order")
    WITHDRAWN_ABANDONED = "withdrawn_abandoned", _("Claim withdrawn or abandoned")
    # Not of the claim, but a milestone of the person's path that the trajectory counts on.
    EMPLOYMENT_STARTED = "employment_started", _("First job started")


# What a milestone not yet reached is called, as an appointment or a deadline ("Hearing: 15
# February", not "Hearing held"); the milestones whose date is set by hand.
MILESTONE_DUE_LABELS = {
    MilestoneKind.ELIGIBILITY_INTERVIEW: _("Eligibility interview"),
    MilestoneKind.HEARING_HELD: _("Hearing"),
    MilestoneKind.BOC_SENT: _("Basis of Claim form to send"),
    MilestoneKind.MEDICAL_EXAM: _("Immigration medical exam"),
    MilestoneKind.APPEAL_FILED: _("Appeal to file"),
    MilestoneKind.PRRA: _("Pre-removal risk assessment to apply for"),
    MilestoneKind.DECISION_ACCEPTED: _("Decision expected"),
}


class ClaimStage(models.TextChoices):
    """The stage of the asylum claim derived from the person's milestones (DOMAIN.md)."""

    PRE_CLAIM = "pre_claim", _("Claim not yet made")
    AWAITING_ELIGIBILITY = "awaiting_eligibility", _("Awaiting eligibility")
    REFERRED_PENDING_DECISION = "referred_pending_decision", _("Referred to the IRB, awaiting decision")
    PROTECTED_PERSON = "protected_person", _("Protected person")
    REFUSED_WITH_RECOURSE = "refused_with_recourse", _("Refused, recourse possible")
    REFUSED_PRESENCE_PERMITTED = "refused_presence_permitted", _("Refused, still allowed to stay")
    INELIGIBLE_NO_STATUS = "ineligible_no_status", _("Ineligible, no status")
    WITHDRAWN_ABANDONED = "withdrawn_abandoned", _("Withdrawn or abandoned")
    UNKNOWN = "unknown", _("Unknown")


# The furthest milestone reached decides the claim stage: a higher rank wins (DOMAIN.md).
CLAIM_STAGE_RANKS = [
    (8, ClaimStage.WITHDRAWN_ABANDONED, [MilestoneKind.WITHDRAWN_ABANDONED]),
    (7, ClaimStage.PROTECTED_PERSON, [MilestoneKind.DECISION_ACCEPTED]),
    (6, ClaimStage.REFUSED_PRESENCE_PERMITTED, [MilestoneKind.PRRA, MilestoneKind.HUMANITARIAN_APPLICATION]),
    (
        5,
        ClaimStage.REFUSED_WITH_RECOURSE,
        [MilestoneKind.DECISION_REFUSED, MilestoneKind.APPEAL_FILED, MilestoneKind.JUDICIAL_REVIEW],
    ),
    (4, ClaimStage.INELIGIBLE_NO_STATUS, [MilestoneKind.FOUND_INELIGIBLE, MilestoneKind.REMOVAL_ORDER]),
    (3, ClaimStage.REFERRED_PENDING_DECISION, [MilestoneKind.REFERRED_TO_IRB]),
    (
        2,
        ClaimStage.AWAITING_ELIGIBILITY,
        [MilestoneKind.CLAIM_MADE, MilestoneKind.ACKNOWLEDGEMENT, MilestoneKind.ELIGIBILITY_INTERVIEW],
    ),
]


def claim_stage(pathway: str, reached: set[str]) -> ClaimStage:
    """The claim stage of a person on ``pathway`` who reached the milestone kinds ``reached``
    (the same rule as the reports' SQL in ``reports.compute``)."""
    for _rank, stage, kinds in CLAIM_STAGE_RANKS:
        if reached & set(kinds):
            return stage
    return ClaimStage.PRE_CLAIM if pathway == ClaimPathway.NOT_YET_CLAIMED else ClaimStage.UNKNOWN


class NeedUrgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    DAYS = "days", _("Within days")
    WEEKS = "weeks", _("Within weeks")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    UNMET_NO_RESOURCE = "unmet_no_resource", _("Unmet: no resource")
    # A context: "Withdrawn" also labels a consent, and French and Spanish give them two genders.
    WITHDRAWN = "withdrawn", pgettext_lazy("need status", "Withdrawn")


# Law 25: sensitive information needs express consent and is never shared by default.
SENSITIVE_DATA_GROUPS = {DataGroup.IMMIGRATION, DataGroup.HEALTH, DataGroup.SOGI, DataGroup.NOTES}


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Signed form")
    ELECTRONIC = "electronic", _("Electronic")
    ORAL_RECORDED = "oral_recorded", _("Oral, recorded by a worker")


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    PARENT_GUARDIAN = "parent_guardian", _("A parent or guardian (under 14)")


class HouseholdRelationship(models.TextChoices):
    HEAD = "head", _("Main contact")
    SPOUSE_PARTNER = "spouse_partner", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class InterventionType(models.TextChoices):
    INTAKE_WELCOME = "intake_welcome", _("Intake and welcome")
    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
    INFORMATION_ORIENTATION = "information_orientation", _("Information and signposting")
    REFERRAL = "referral", _("Referral")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CRISIS_SURVIVAL_SUPPORT = "crisis_survival_support", _("Crisis and survival support")
    HOUSING_SEARCH_SUPPORT = "housing_search_support", _("Housing search support")
    ADMINISTRATIVE_ASSISTANCE = "administrative_assistance", _("Administrative assistance")
    INTERPRETATION = "interpretation", _("Interpretation")
    PARTNER_LIAISON = "partner_liaison", _("Partner liaison")
    CASE_CONFERENCE = "case_conference", _("Case conference")
    GROUP_INFO_SESSION = "group_info_session", _("Group information session")
    OUTREACH_VISIT = "outreach_visit", _("Outreach visit")
    OTHER = "other", _("Other")


class InterventionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    MESSAGING = "messaging", _("Messaging")


class Team(models.TextChoices):
    WELCOME_TEAM = "welcome_team", _("Welcome team")
    INTERCULTURAL_FIELD_AGENT = "intercultural_field_agent", _("Intercultural field agent")
    VOLUNTEER = "volunteer", _("Volunteer")
    INTERPRETER = "interpreter", _("Interpreter")
    COORDINATOR = "coordinator", _("Coordinator")


class InterpreterUsed(models.TextChoices):
    NONE = "none", _("None")
    PROFESSIONAL = "professional", _("Professional")
    VOLUNTEER = "volunteer", _("Volunteer")
    FAMILY = "family", _("Family member")


class ImportKind(models.TextChoices):
    """What the rows of an imported spreadsheet are (``people.imports``)."""

    PEOPLE = "people", _("People")
    HOUSEHOLDS = "households", _("Households")
    INTERVENTIONS = "interventions", _("Interventions")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, not imported")
    COMMITTED = "committed", _("Imported")
    DISCARDED = "discarded", _("Discarded")
