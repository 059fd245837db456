"""Enumerations of the service trajectory: codes in English, labels translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organisations.texts import LANGUAGE_NAMES

# The languages a person's document is written in, each named in itself.
CONTENT_LANGUAGES = list(LANGUAGE_NAMES.items())


class TrajectoryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("trajectory version", "Draft")
    PUBLISHED = "published", pgettext_lazy("trajectory version", "In force")
    RETIRED = "retired", pgettext_lazy("trajectory version", "Replaced")


class StepKind(models.TextChoices):
    HUB = "hub", _("Done at the hub")
    PARTNER = "partner", _("Done by a partner")
    MILESTONE = "milestone", _("A milestone to reach")


class StepState(models.TextChoices):
    TO_DO = "to_do", _("To do")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", pgettext_lazy("trajectory step", "Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class StepDecisionState(models.TextChoices):
    """What a worker may decide for a step the file cannot tell."""

    DONE = "done", pgettext_lazy("trajectory step", "Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class ChildrenCondition(models.TextChoices):
    ANY = "", _("With or without children")
    WITH = "with", _("Only with children in the household")
    WITHOUT = "without", _("Only without children in the household")


class UsualFrom(models.TextChoices):
    """The date a step's usual time counts from."""

    FIRST_INTAKE = "first_intake", _("the first visit to the hub")
    ARRIVAL = "arrival", _("the arrival in Canada")
    CLAIM_MADE = "claim_made", _("the claim")
    REFERRED_TO_IRB = "referred_to_irb", _("the referral to the IRB")


class InterpreterMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class InterpreterStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", pgettext_lazy("interpreter request", "Confirmed")
    NOT_FOUND = "not_found", _("No interpreter found")


class Vulnerability(models.TextChoices):
    """What makes a situation complex (an intake assessment ticks any of them)."""

    NO_SHELTER = "no_shelter", _("No safe place to sleep")
    HEALTH = "health", _("Serious health condition")
    MENTAL_HEALTH = "mental_health", _("Mental health, trauma")
    DISABILITY = "disability", _("Disability")
    PREGNANCY = "pregnancy", _("Pregnancy")
    UNACCOMPANIED_MINOR = "unaccompanied_minor", _("Unaccompanied minor")
    SINGLE_PARENT = "single_parent", _("Single parent")
    VIOLENCE = "violence", _("Violence or exploitation")
    SOGI = "sogi", _("Sexual orientation or gender identity at risk")
    NO_INCOME = "no_income", _("No income")
    ISOLATION = "isolation", _("Isolated, no network")
    LEGAL_URGENCY = "legal_urgency", _("Urgent legal deadline")


class AssessmentUrgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    DAYS = "days", _("Within days")
    WEEKS = "weeks", _("Within weeks")


class EnrolmentOutcome(models.TextChoices):
    ONGOING = "", _("Still enrolled")
    EMPLOYMENT_STARTED = "employment_started", _("Employment started")
    HOUSING_SECURED = "housing_secured", _("Housing secured")
    LEFT = "left", _("Left the programme")
