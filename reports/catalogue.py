"""What the reports show: every table, its section, its title and the labels of its codes.

A table is one ``measure`` broken down by one ``dimension`` (the empty dimension is the total).
Codes are English and stable (they are what the API and the CSV carry); labels are translated.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.choices import ExitDestination, SiteKind
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory, OrganisationKind
from people.choices import (
    ClaimStage,
    GenderIdentity,
    IntakeChannel,
    InterpreterUsed,
    InterventionType,
    Team,
    TransExperience,
)
from referrals.choices import DeclineReason, DeclineSide


class AgeBand(models.TextChoices):
    """Age at the end of the period."""

    UNDER_18 = "0_17", _("Under 18")
    FROM_18 = "18_24", _("18 to 24")
    FROM_25 = "25_34", _("25 to 34")
    FROM_35 = "35_49", _("35 to 49")
    FROM_50 = "50_64", _("50 to 64")
    FROM_65 = "65_plus", _("65 and over")
    UNKNOWN = "unknown", _("Unknown")


# Person dimensions taken on the last day of the period: a year's figure is not its months' sum.
END_OF_PERIOD_DIMENSIONS = frozenset({"age_band", "claim_stage"})

# (band, youngest age in it) from the youngest band up; "unknown" has no date of birth.
AGE_BAND_LOWER_AGES = [("0_17", 0), ("18_24", 18), ("25_34", 25), ("35_49", 35), ("50_64", 50), ("65_plus", 65)]


class HouseholdSize(models.TextChoices):
    ONE = "1", _("1 person")
    TWO = "2", _("2 people")
    THREE = "3", _("3 people")
    FOUR = "4", _("4 people")
    FIVE_PLUS = "5_plus", _("5 people or more")


@dataclass(frozen=True)
class Table:
    """One table of a section. ``labels`` lists the codes always shown (with 0 when nobody); codes
    found in the data and not listed (a language outside the usual list) follow them.

    Two equations may protect a suppressed cell, and each is declared only where it holds (a
    test checks them against the figures): ``additive``, a fiscal year's cell is the sum of its
    months' cells (not for distinct people, nor for a dimension taken on the period's last day,
    such as the age band or the claim stage: someone 17 at the end of May may be 18 at the end of
    March); ``sums_to_total``, the cells of a period add up to the measure's total (not when a row
    counts in several cells, such as an intervention about two needs)."""

    section: str
    measure: str
    dimension: str
    title: object
    labels: dict = field(default_factory=dict)
    additive: bool = True
    sums_to_total: bool = True

    @property
    def key(self) -> str:
        return f"{self.measure}.{self.dimension}" if self.dimension else self.measure


def labels(choices) -> dict:
    return dict(choices.choices)


TOTAL = {"": _("Total")}

SECTIONS = {
    "interventions": _("Interventions"),
    "people": _("People served"),
    "needs": _("Needs"),
    "referrals": _("Referrals"),
    "housing": _("Housing"),
}

TABLES = [
    Table("interventions", "interventions", "", _("Interventions"), TOTAL),
    Table("interventions", "interventions", "team", _("Interventions by team"), labels(Team)),
    Table("interventions", "interventions", "type", _("Interventions by type"), labels(InterventionType)),
    Table(
        "interventions", "interventions", "interpreter_used", _("Interventions by interpreter"), labels(InterpreterUsed)
    ),
    Table(
        "interventions",
        "interventions",
        "need_category",
        _("Interventions by need"),
        labels(NeedCategory),
        sums_to_total=False,
    ),
    Table("people", "people", "", _("Distinct people served"), TOTAL, additive=False),
    Table("people", "new_people", "", _("New people (first intake in the period)"), TOTAL),
]
PERSON_DIMENSIONS = [
    ("gender_identity", _("by gender identity"), labels(GenderIdentity)),
    ("trans_experience", _("by trans experience (counted apart)"), labels(TransExperience)),
    ("age_band", _("by age band"), labels(AgeBand)),
    ("preferred_language", _("by preferred language"), dict(SPOKEN_LANGUAGES)),
    ("claim_stage", _("by claim stage"), labels(ClaimStage)),
    ("intake_channel", _("by intake channel"), labels(IntakeChannel)),
]


def person_tables() -> list[Table]:
    """People served and new people, each by every person dimension."""
    result = []
    for measure, title, additive in (("people", _("People served"), False), ("new_people", _("New people"), True)):
        for dimension, suffix, codes in PERSON_DIMENSIONS:
            table_additive = additive and dimension not in END_OF_PERIOD_DIMENSIONS
            result.append(Table("people", measure, dimension, (title, suffix), codes, additive=table_additive))
    return result


TABLES += person_tables()
TABLES += [
    Table("needs", "needs_identified", "category", _("Needs identified, by category"), labels(NeedCategory)),
    Table("needs", "needs_unmet", "category", _("Needs left unmet (no resource), by category"), labels(NeedCategory)),
    Table("referrals", "referrals_sent", "", _("Referrals sent"), TOTAL),
    Table(
        "referrals", "referrals_sent", "partner_kind", _("Referrals sent, by partner kind"), labels(OrganisationKind)
    ),
    Table("referrals", "referrals_sent", "need_category", _("Referrals sent, by need"), labels(NeedCategory)),
    Table(
        "referrals",
        "referrals_accepted",
        "partner_kind",
        _("Referrals accepted, by partner kind"),
        labels(OrganisationKind),
    ),
    Table("referrals", "referrals_accepted", "need_category", _("Referrals accepted, by need"), labels(NeedCategory)),
    Table(
        "referrals",
        "referrals_declined",
        "side",
        _("Referrals declined, the person's side or the provider's"),
        labels(DeclineSide),
    ),
    Table("referrals", "referrals_declined", "reason", _("Referrals declined, by reason"), labels(DeclineReason)),
    Table(
        "referrals",
        "referrals_expired",
        "partner_kind",
        _("Referrals expired, by partner kind"),
        labels(OrganisationKind),
    ),
    Table("housing", "stays_ended", "exit_destination", _("Exits by destination"), labels(ExitDestination)),
    Table(
        "housing", "turn_aways", "household_size", _("Unmet housing requests, by household size"), labels(HouseholdSize)
    ),
    Table("housing", "holds_created", "site_kind", _("Holds placed, by site kind"), labels(SiteKind)),
]

# Figures derived from counts (medians, averages, rates): shown with the count they rest on, and
# hidden for suppressed viewers when that count is.
DERIVED = {
    "referrals": [
        ("first_response_median_seconds", "first_response_n", _("Median time to first response (hours)")),
        ("acceptance_median_seconds", "acceptance_n", _("Median time to acceptance (hours)")),
    ],
    "housing": [("stay_seconds_total", "stays_ended", _("Average length of stay (days)"))],
}


def tables(section: str) -> list[Table]:
    return [table for table in TABLES if table.section == section]


def total_additive(measure: str) -> bool:
    """Whether a measure's total adds up over months: its own table says so when it has one
    (distinct people do not), else every table of the measure must."""
    own = [table for table in TABLES if table.measure == measure]
    headline = [table for table in own if not table.dimension]
    return headline[0].additive if headline else all(table.additive for table in own)


def table_title(table: Table) -> str:
    if isinstance(table.title, tuple):
        return f"{table.title[0]} {table.title[1]}"
    return str(table.title)
