"""The hub's service trajectory (docs/trajectory.md): versions of phases and steps, a worker's
decisions on a person's steps, what a person is entitled to by claim stage, and the guides the
hub writes for the people it serves. A person's path is computed from their file
(``trajectory.paths``), never typed twice.

Texts a person reads are written in French, English and Spanish (``*_fr``, ``*_en``, ``*_es``);
French is required and is shown, marked, where the reader's language is missing
(``trajectory.texts``)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from organisations.choices import NeedCategory
from organisations.models import Organisation, Service
from organisations.querysets import RestrictedQuerySet
from people.choices import ClaimPathway, ClaimStage, DataGroup, FrenchLevel, InterventionType, MilestoneKind
from people.models import Person
from trajectory.choices import ChildrenCondition, StepDecisionState, StepKind, TrajectoryStatus, UsualFrom

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
    slug = models.SlugField(_("short name"), max_length=80)
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
