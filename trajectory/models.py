"""The hub's service trajectory (docs/trajectory.md): versions of phases and steps, a worker's
decisions on a person's steps, what a person is entitled to by claim stage, and the guides the
hub writes for the people it serves. A person's path is computed from their file
(``trajectory.paths``), never typed twice.

Texts a person reads are written in French, English and Spanish (``*_fr``, ``*_en``, ``*_es``);
French is required and is shown, marked, where the reader's language is missing
(``organisations.texts``)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from organisations.choices import NeedCategory
from organisations.models import Organisation, Service, language_code_validator
from organisations.querysets import RestrictedQuerySet
from people.choices import ClaimPathway, ClaimStage, DataGroup, FrenchLevel, InterventionType, MilestoneKind
from people.models import Person
from trajectory.choices import (
    AssessmentUrgency,
    ChildrenCondition,
    EnrolmentOutcome,
    InterpreterMode,
    InterpreterStatus,
    StepDecisionState,
    StepKind,
    TrajectoryStatus,
    UsualFrom,
    Vulnerability,
)

# The sensitive groups a step or a guide may belong to: left out of the person's document unless
# the worker ticks them in with the person.
SENSITIVE_CHOICES = [("", _("Not sensitive")), (DataGroup.IMMIGRATION, DataGroup.IMMIGRATION.label)] + [
    (DataGroup.HEALTH, DataGroup.HEALTH.label)
]


@deconstructible
class CodesValidator:
    """Validates a JSON list of codes taken from ``codes``."""

    def __init__(self, codes):
        self.codes = sorted(codes)

    def __call__(self, value):
        if not isinstance(value, list) or any(code not in self.codes for code in value):
            raise ValidationError(_("Choose among the listed values."), code="invalid_choice")

    def __eq__(self, other):
        return isinstance(other, CodesValidator) and self.codes == other.codes


validate_pathways = CodesValidator(ClaimPathway.values)
validate_stages = CodesValidator(ClaimStage.values)
validate_french_levels = CodesValidator(FrenchLevel.values)


class Trajectory(models.Model):
    """One version of a hub's service trajectory. A version in force never changes: a
    coordinator edits a draft copied from it and publishes the draft, which replaces it. A person
    follows the version in force when their file was opened (or the one a coordinator moved them
    to), so a new version does not rewrite anybody's past."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trajectories")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=TrajectoryStatus.choices, default=TrajectoryStatus.DRAFT
    )
    published_at = models.DateTimeField(_("in force from"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service trajectory")
        verbose_name_plural = _("service trajectories")
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="unique_trajectory_version"),
            models.UniqueConstraint(fields=["organisation"], condition=Q(status="draft"), name="one_trajectory_draft"),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="published"), name="one_trajectory_in_force"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"


class Phase(models.Model):
    """A phase of a trajectory: welcome and urgent needs, the claim, stabilisation, integration."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=120, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["trajectory", "position", "pk"]

    def __str__(self) -> str:
        return self.name_fr


class Step(models.Model):
    """A step of a phase: done at the hub (an intervention of a type), by a partner (a referral
    for a need), or a milestone to reach. It may apply only to some people (the conditions, all
    of which must hold; an empty condition holds for everyone) and has a usual time, counted from
    a date of the file."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    explanation_fr = models.TextField(_("for the person, in French"), max_length=1000, blank=True)
    explanation_en = models.TextField(_("for the person, in English"), max_length=1000, blank=True)
    explanation_es = models.TextField(_("for the person, in Spanish"), max_length=1000, blank=True)
    kind = models.CharField(_("done by"), max_length=16, choices=StepKind.choices)
    intervention_type = models.CharField(_("intervention"), max_length=32, choices=InterventionType.choices, blank=True)
    need_category = models.CharField(_("need referred"), max_length=32, choices=NeedCategory.choices, blank=True)
    milestone_kind = models.CharField(_("milestone"), max_length=40, choices=MilestoneKind.choices, blank=True)
    only_if_needed = models.BooleanField(
        _("only when the need is identified"),
        default=False,
        help_text=_("A partner's step applies only to people with this need on their file."),
    )
    sensitive_group = models.CharField(_("sensitive information"), max_length=16, choices=SENSITIVE_CHOICES, blank=True)
    pathways = models.JSONField(
        _("only for these claim pathways"), default=list, blank=True, validators=[validate_pathways]
    )
    stages = models.JSONField(_("only at these claim stages"), default=list, blank=True, validators=[validate_stages])
    children = models.CharField(_("children"), max_length=8, choices=ChildrenCondition.choices, blank=True)
    languages = models.JSONField(
        _("only for these languages"),
        default=list,
        blank=True,
        help_text=_("Language codes, such as es or pt."),
    )
    french_levels = models.JSONField(
        _("only at these French levels"), default=list, blank=True, validators=[validate_french_levels]
    )
    usual_days = models.PositiveSmallIntegerField(
        _("usually within (days)"), null=True, blank=True, validators=[MaxValueValidator(730)]
    )
    usual_from = models.CharField(
        _("counted from"), max_length=20, choices=UsualFrom.choices, default=UsualFrom.FIRST_INTAKE
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["phase__position", "phase", "position", "pk"]

    def __str__(self) -> str:
        return self.name_fr

    # The field that says what carries the step, by kind.
    CARRIER_FIELDS = {
        StepKind.HUB: "intervention_type",
        StepKind.PARTNER: "need_category",
        StepKind.MILESTONE: "milestone_kind",
    }

    def clean(self):
        carrier = self.CARRIER_FIELDS.get(self.kind)
        if carrier and not getattr(self, carrier):
            raise ValidationError({carrier: _("Say what carries this step.")})
        for field in self.CARRIER_FIELDS.values():
            if field != carrier:
                setattr(self, field, "")


class StepDecision(models.Model):
    """A worker's decision on one step of one person where the file cannot tell: done (on a
    date) or not applicable, with who decided."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="step_decisions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="decisions")
    state = models.CharField(_("decision"), max_length=16, choices=StepDecisionState.choices)
    decided_on = models.DateField(_("date"), default=date.today)
    note = models.CharField(_("why"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("step decision")
        verbose_name_plural = _("step decisions")
        constraints = [models.UniqueConstraint(fields=["person", "step"], name="one_decision_per_step")]

    def __str__(self) -> str:
        return f"{self.step} — {self.get_state_display()}"


class PersonTrajectory(models.Model):
    """The version a person follows when a coordinator moved them to another than the one in
    force when their file was opened."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="trajectory_choice")
    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(_("moved"), auto_now=True)

    class Meta:
        verbose_name = _("person's trajectory version")
        verbose_name_plural = _("people's trajectory versions")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.trajectory}"


class Entitlement(models.Model):
    """Something a person can get at some claim stages (interim federal health coverage, a work
    permit, last-resort financial assistance, French courses, legal aid, school), and where to
    go for it. Rules change: coordinators keep these as data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="entitlements")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_fr = models.CharField(_("name in French"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    description_fr = models.TextField(_("in plain words, in French"), max_length=1000, blank=True)
    description_en = models.TextField(_("in plain words, in English"), max_length=1000, blank=True)
    description_es = models.TextField(_("in plain words, in Spanish"), max_length=1000, blank=True)
    stages = models.JSONField(
        _("open at these claim stages"),
        default=list,
        blank=True,
        validators=[validate_stages],
        help_text=_("Empty: at every stage."),
    )
    requires_milestone = models.CharField(
        _("once this milestone is reached"),
        max_length=40,
        choices=MilestoneKind.choices,
        blank=True,
        help_text=_("Until then it is listed as what opens next."),
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("where to go")
    )
    sensitive_group = models.CharField(_("sensitive information"), max_length=16, choices=SENSITIVE_CHOICES, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        ordering = ["organisation", "position", "pk"]

    def __str__(self) -> str:
        return self.name_fr


class Guide(models.Model):
    """A short explanatory guide the hub writes for the people it serves, in three languages,
    shown in a person's document where it applies (pathways and stages; empty: everyone).
    Formatting: paragraphs separated by a blank line, lines starting with "- " as a list."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="guides")
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        help_text=_("Letters, digits and hyphens, to tell the guides apart: three-ways-to-claim."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title in French"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    body_fr = models.TextField(_("text in French"), max_length=8000)
    body_en = models.TextField(_("text in English"), max_length=8000, blank=True)
    body_es = models.TextField(_("text in Spanish"), max_length=8000, blank=True)
    pathways = models.JSONField(
        _("only for these claim pathways"), default=list, blank=True, validators=[validate_pathways]
    )
    stages = models.JSONField(_("only at these claim stages"), default=list, blank=True, validators=[validate_stages])
    sensitive_group = models.CharField(_("sensitive information"), max_length=16, choices=SENSITIVE_CHOICES, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    reviewed_on = models.DateField(_("reviewed on"), default=date.today)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = ["organisation", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "slug"], name="unique_guide_slug")]

    def __str__(self) -> str:
        return self.title_fr


class InterpreterRequest(models.Model):
    """An interpreter asked for an appointment or an intervention (the hub's first difficulty is
    the language barrier): the language, when, how, who provides (the regional interpreter bank,
    a volunteer), and whether one was found. Unmet requests are counted by language."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="interpreter_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interpreter_requests")
    language = models.CharField(_("language"), max_length=3, validators=[language_code_validator])
    needed_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=16, choices=InterpreterMode.choices, default=InterpreterMode.IN_PERSON)
    provider = models.CharField(_("asked of"), max_length=200, help_text=_("The interpreter bank, a volunteer…"))
    purpose = models.CharField(_("for"), max_length=300, help_text=_("The appointment or the intervention."))
    status = models.CharField(
        _("status"), max_length=16, choices=InterpreterStatus.choices, default=InterpreterStatus.REQUESTED
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interpreter request")
        verbose_name_plural = _("interpreter requests")
        ordering = ["-needed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.language} — {self.needed_at:%Y-%m-%d}"


class Assessment(models.Model):
    """The structured assessment of a person's situation at intake, and each review: the
    vulnerabilities found, how urgent, whether the situation is complex, and when to review it.
    The latest assessment of a person is their current one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"), default=date.today)
    vulnerabilities = models.JSONField(
        _("vulnerabilities"), default=list, blank=True, validators=[CodesValidator(Vulnerability.values)]
    )
    urgency = models.CharField(_("urgency"), max_length=16, choices=AssessmentUrgency.choices)
    complex_situation = models.BooleanField(_("complex situation"), default=False)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["person", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.assessed_on}"


class Programme(models.Model):
    """A programme the hub runs with partners (its 2019 project: 50 people, June to September,
    with an employment agency, an employer and a housing provider)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("partners"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    eligibility = models.TextField(_("who may join"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["organisation", "-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="programme_dates_in_order")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The programme cannot end before it starts.")})


class Enrolment(models.Model):
    """A person in a programme, and how it ended for them."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_on = models.DateField(_("enrolled on"), default=date.today)
    outcome = models.CharField(_("outcome"), max_length=24, choices=EnrolmentOutcome.choices, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["programme", "enrolled_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="one_enrolment_per_programme")]

    def __str__(self) -> str:
        return f"{self.programme} — {self.person_id}"
