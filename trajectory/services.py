"""Writes of the service trajectory. The design (versions, phases, steps, entitlements, guides,
deadline rules) is the hub coordinators' (``manage_trajectory``); a step decision is a case
worker's on a person they may change. Each write is one transaction with its audit entry."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations import permissions
from organisations.audit import audit_record
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation, Service, User
from organisations.permissions import Action
from organisations.validators import recent_date_validator
from people.models import DeadlineRule, Person
from trajectory import content
from trajectory.choices import EnrolmentOutcome, InterpreterStatus, StepDecisionState, TrajectoryStatus
from trajectory.models import (
    Assessment,
    Enrolment,
    Entitlement,
    Guide,
    InterpreterRequest,
    PersonTrajectory,
    Phase,
    Programme,
    Step,
    StepDecision,
    Trajectory,
)
from trajectory.selectors import MANAGE, trajectory_for, trajectory_in_force

# The fields of a step a coordinator edits (the rest is its place in the trajectory).
STEP_FIELDS = [
    field.name for field in Step._meta.get_fields() if field.concrete and field.name not in {"id", "phase", "decisions"}
]
PHASE_FIELDS = ["position", "name_fr", "name_en", "name_es"]
# An interpreter request is recorded for what is to come, or caught up within this many days.
INTERPRETER_PAST_DAYS = 31
# An assessment's review comes within this many days.
REVIEW_WITHIN_DAYS = 2 * 365
# Programmes are recorded from this year on, for this many days at most.
PROGRAMMES_FROM_YEAR = 2000
PROGRAMME_MAX_DAYS = 5 * 366


def _require_manager(actor: User, organisation: Organisation) -> None:
    if not permissions.has_organisation_permission(actor, MANAGE, organisation):
        raise NotFoundError()


def _require_draft(trajectory: Trajectory) -> None:
    """Refuse a change to a version in force or replaced, as the database says now (locked until
    the change commits, so that a publication cannot slip in between)."""
    status = Trajectory.objects.select_for_update().filter(pk=trajectory.pk).values_list("status", flat=True).first()
    if status != TrajectoryStatus.DRAFT:
        raise ApplicationError(
            _("A version in force does not change: edit a new draft and publish it."), code="not_a_draft"
        )


def _audit(actor: User, organisation: Organisation, action: str, obj=None, **details) -> None:
    """``trajectory.<model>.<verb>`` (``organisations.audit_labels`` names it); the entry names
    the person ``person`` (an id) when there is one, so that the person's history finds it."""
    person = details.get("person")
    audit_record(
        actor=actor,
        organisation=organisation,
        action=f"trajectory.{action}",
        obj=obj,
        details=details,
        people=[person] if person else [],
    )


def _copy_phases(source: Trajectory, target: Trajectory) -> None:
    for phase in source.phases.all():
        steps = list(phase.steps.all())
        phase.pk, phase.trajectory = None, target
        phase.save()
        for step in steps:
            step.pk, step.phase = None, phase
            step.save()


@transaction.atomic
def trajectory_draft_open(*, actor: User, organisation: Organisation) -> Trajectory:
    """The hub's draft to edit: the existing one, else a copy of the version in force (or an
    empty first version)."""
    _require_manager(actor, organisation)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    draft = Trajectory.objects.filter(organisation=organisation, status=TrajectoryStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = Trajectory.objects.filter(organisation=organisation).order_by("-version").first()
    draft = Trajectory.objects.create(
        organisation=organisation, version=(latest.version + 1) if latest else 1, created_by=actor
    )
    in_force = trajectory_in_force(organisation=organisation)
    if in_force is not None:
        _copy_phases(in_force, draft)
    _audit(actor, organisation, "trajectory.created", draft, version=draft.version)
    return draft


@transaction.atomic
def trajectory_publish(*, actor: User, trajectory: Trajectory) -> Trajectory:
    """Put a draft in force; the version it replaces stays for the people who follow it."""
    _require_manager(actor, trajectory.organisation)
    _require_draft(trajectory)
    trajectory = Trajectory.objects.get(pk=trajectory.pk)
    if not Step.objects.filter(phase__trajectory=trajectory).exists():
        raise ApplicationError(_("Add at least one step before publishing."), code="empty_trajectory")
    Trajectory.objects.filter(organisation=trajectory.organisation, status=TrajectoryStatus.PUBLISHED).update(
        status=TrajectoryStatus.RETIRED
    )
    trajectory.status, trajectory.published_at = TrajectoryStatus.PUBLISHED, timezone.now()
    trajectory.save(update_fields=["status", "published_at"])
    _audit(actor, trajectory.organisation, "trajectory.published", trajectory, version=trajectory.version)
    return trajectory


@transaction.atomic
def phase_save(*, actor: User, trajectory: Trajectory, phase: Phase | None = None, **fields) -> Phase:
    """Add a phase to a draft, or change one of its phases."""
    _require_manager(actor, trajectory.organisation)
    _require_draft(trajectory)
    phase = phase or Phase(trajectory=trajectory)
    for name in PHASE_FIELDS:
        if name in fields:
            setattr(phase, name, fields[name])
    phase.full_clean()
    phase.save()
    _audit(actor, trajectory.organisation, "phase.changed", phase, fields=sorted(fields))
    return phase


@transaction.atomic
def phase_delete(*, actor: User, phase: Phase) -> None:
    _require_manager(actor, phase.trajectory.organisation)
    _require_draft(phase.trajectory)
    _audit(actor, phase.trajectory.organisation, "phase.deleted", phase)
    phase.delete()


@transaction.atomic
def step_save(*, actor: User, phase: Phase, step: Step | None = None, **fields) -> Step:
    """Add a step to a phase of a draft, or change one (moving it to another phase of the same
    draft with ``phase``)."""
    trajectory = phase.trajectory
    _require_manager(actor, trajectory.organisation)
    _require_draft(trajectory)
    if step is not None and step.phase.trajectory_id != trajectory.pk:
        raise ApplicationError(_("A step moves only within its own version."), code="other_version")
    step = step or Step()
    step.phase = phase
    for name in STEP_FIELDS:
        if name in fields:
            setattr(step, name, fields[name])
    step.full_clean()
    step.save()
    _audit(actor, trajectory.organisation, "step.changed", step, fields=sorted(fields))
    return step


@transaction.atomic
def step_delete(*, actor: User, step: Step) -> None:
    trajectory = step.phase.trajectory
    _require_manager(actor, trajectory.organisation)
    _require_draft(trajectory)
    _audit(actor, trajectory.organisation, "step.deleted", step)
    step.delete()


@transaction.atomic
def person_trajectory_update(*, actor: User, person: Person) -> PersonTrajectory:
    """Move a person to the version in force of their hub (their steps are then computed on
    it; the decisions taken on steps of the old version stay in the file)."""
    permissions.require(actor, Action.CHANGE, person)
    in_force = trajectory_in_force(organisation=person.owner)
    if in_force is None:
        raise ApplicationError(_("This hub has no trajectory in force."), code="no_trajectory")
    choice, _created = PersonTrajectory.objects.update_or_create(
        person=person, defaults={"trajectory": in_force, "moved_by": actor}
    )
    _audit(actor, person.owner, "persontrajectory.changed", choice, person=person.pk, version=in_force.version)
    return choice


@transaction.atomic
def step_decide(
    *, actor: User, person: Person, step: Step, state: str, note: str = "", decided_on: date | None = None
) -> StepDecision:
    """Record that a step is done or does not apply for ``person``, where the file cannot tell;
    a step left as not applicable needs a reason."""
    permissions.require(actor, Action.CHANGE, person)
    trajectory = trajectory_for(person)
    if trajectory is None or step.phase.trajectory_id != trajectory.pk:
        # A step of another version or another hub's: as for a step that does not exist.
        raise NotFoundError()
    if state not in StepDecisionState.values:
        raise ValidationError({"state": _("Choose among the listed values.")})
    if state == StepDecisionState.NOT_APPLICABLE and not note.strip():
        raise ValidationError({"note": _("Say why this step does not apply.")})
    decided_on = decided_on or timezone.localdate()
    try:
        recent_date_validator(decided_on)
    except ValidationError as error:
        raise ValidationError({"decided_on": error.messages}) from error
    decision, _created = StepDecision.objects.update_or_create(
        person=person,
        step=step,
        defaults={"state": state, "note": note, "decided_on": decided_on, "decided_by": actor},
    )
    _audit(actor, person.owner, "stepdecision.recorded", decision, person=person.pk, step=step.pk, state=state)
    return decision


@transaction.atomic
def step_decision_clear(*, actor: User, person: Person, step: Step) -> None:
    """Let the file decide the step's state again."""
    permissions.require(actor, Action.CHANGE, person)
    trajectory = trajectory_for(person)
    if trajectory is None or step.phase.trajectory_id != trajectory.pk:
        raise NotFoundError()
    deleted, _rows = StepDecision.objects.filter(person=person, step=step).delete()
    if deleted:
        _audit(actor, person.owner, "stepdecision.withdrawn", step, person=person.pk, step=step.pk)


@transaction.atomic
def entitlement_save(*, actor: User, organisation: Organisation, entitlement: Entitlement | None = None, **fields):
    _require_manager(actor, organisation)
    entitlement = entitlement or Entitlement(organisation=organisation)
    for name, value in fields.items():
        setattr(entitlement, name, value)
    entitlement.full_clean()
    entitlement.save()
    _audit(actor, organisation, "entitlement.changed", entitlement, fields=sorted(fields))
    return entitlement


@transaction.atomic
def entitlement_delete(*, actor: User, entitlement: Entitlement) -> None:
    _require_manager(actor, entitlement.organisation)
    _audit(actor, entitlement.organisation, "entitlement.deleted", entitlement)
    entitlement.delete()


@transaction.atomic
def guide_save(*, actor: User, organisation: Organisation, guide: Guide | None = None, **fields) -> Guide:
    """Write or change a guide; a changed text is a new version, reviewed today."""
    _require_manager(actor, organisation)
    if guide is not None:
        changed = any(getattr(guide, name) != value for name, value in fields.items())
        if changed:
            guide.version += 1
            guide.reviewed_on = timezone.localdate()
    guide = guide or Guide(organisation=organisation)
    for name, value in fields.items():
        setattr(guide, name, value)
    guide.full_clean()
    guide.save()
    _audit(actor, organisation, "guide.changed", guide, fields=sorted(fields), version=guide.version)
    return guide


@transaction.atomic
def deadline_rule_save(
    *, actor: User, organisation: Organisation, rule: DeadlineRule | None = None, **fields
) -> DeadlineRule:
    """A hub's own deadline rule: a new one, a change to its own, or — for one of Passerelle's
    rules — the hub's own version of it, which only the hub's files follow from then on."""
    _require_manager(actor, organisation)
    if rule is not None and rule.organisation_id not in (None, organisation.pk):
        raise NotFoundError()
    if rule is None or rule.organisation_id is None:
        copied = ("trigger", "due", "pathways", "days", "remind_days_before")
        wanted = {**({name: getattr(rule, name) for name in copied} if rule else {}), **fields}
        rule = DeadlineRule.objects.filter(
            organisation=organisation, trigger=wanted.get("trigger"), due=wanted.get("due")
        ).first() or DeadlineRule(organisation=organisation)
        # The hub's own rule starts as Passerelle's was, with what was changed.
        fields = wanted
    for name, value in fields.items():
        setattr(rule, name, value)
    if rule.trigger == rule.due:
        raise ValidationError({"due": _("A deadline follows another milestone than itself.")})
    if rule.remind_days_before > rule.days:
        raise ValidationError({"remind_days_before": _("The reminder comes after the milestone it follows.")})
    circular = DeadlineRule.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation), trigger=rule.due, due=rule.trigger
    )
    if circular.exists():
        raise ValidationError({"due": _("This milestone already comes after the other: the rules would go round.")})
    rule.full_clean()
    rule.save()
    _audit(actor, organisation, "deadlinerule.changed", rule, fields=sorted(fields))
    return rule


@transaction.atomic
def deadline_rule_delete(*, actor: User, organisation: Organisation, rule: DeadlineRule) -> None:
    """Remove a hub's own rule (Passerelle's rule, if there is one, holds again)."""
    _require_manager(actor, organisation)
    if rule.organisation_id != organisation.pk:
        raise ApplicationError(_("Passerelle's rules are changed, not removed."), code="shared_rule")
    _audit(actor, organisation, "deadlinerule.deleted", rule)
    rule.delete()


def _first_service(kind: str) -> Service | None:
    return Service.objects.filter(organisation__kind=kind, organisation__is_active=True).order_by("pk").first()


@transaction.atomic
def proposed_content_install(*, actor: User, organisation: Organisation, publish: bool = False) -> Trajectory:
    """Give a hub Passerelle's proposed trajectory (as its draft, in force when ``publish``),
    entitlements and guides, where it has none of them yet."""
    _require_manager(actor, organisation)
    draft = trajectory_draft_open(actor=actor, organisation=organisation)
    if not draft.phases.exists():
        for position, (names, steps) in enumerate(content.PROPOSED_TRAJECTORY, start=1):
            phase = Phase.objects.create(
                trajectory=draft, position=position, name_fr=names[0], name_en=names[1], name_es=names[2]
            )
            for step_position, spec in enumerate(steps, start=1):
                spec = dict(spec)
                name, explanation = spec.pop("name"), spec.pop("explanation")
                step = Step(phase=phase, position=step_position, **spec)
                step.name_fr, step.name_en, step.name_es = name
                step.explanation_fr, step.explanation_en, step.explanation_es = explanation
                step.full_clean()
                step.save()
    if not Entitlement.objects.filter(organisation=organisation).exists():
        for position, spec in enumerate(content.PROPOSED_ENTITLEMENTS, start=1):
            entitlement = Entitlement(
                organisation=organisation,
                position=position,
                stages=[str(stage) for stage in spec["stages"]],
                requires_milestone=spec.get("requires_milestone", ""),
                sensitive_group=spec.get("sensitive_group", ""),
                service=_first_service(spec["kind"]),
            )
            entitlement.name_fr, entitlement.name_en, entitlement.name_es = spec["name"]
            entitlement.description_fr, entitlement.description_en, entitlement.description_es = spec["description"]
            entitlement.full_clean()
            entitlement.save()
    if not Guide.objects.filter(organisation=organisation).exists():
        for position, spec in enumerate(content.PROPOSED_GUIDES, start=1):
            guide = Guide(
                organisation=organisation,
                slug=spec["slug"],
                position=position,
                stages=[str(stage) for stage in spec["stages"]],
                sensitive_group=spec["sensitive_group"],
            )
            guide.title_fr, guide.title_en, guide.title_es = spec["title"]
            guide.body_fr, guide.body_en, guide.body_es = spec["body"]
            guide.full_clean()
            guide.save()
    _audit(actor, organisation, "trajectory.created", draft, proposed=True)
    if publish:
        return trajectory_publish(actor=actor, trajectory=draft)
    return draft


# --- Interpreters, assessments, programmes ---------------------------------------------------------


@transaction.atomic
def interpreter_request_create(
    *, actor: User, person: Person, language: str, needed_at, mode: str, provider: str, purpose: str
) -> InterpreterRequest:
    """Ask for an interpreter for the person's appointment or intervention."""
    permissions.require(actor, Action.CHANGE, person)
    # The year first: a date near year 9999 cannot even be compared with now in UTC.
    if needed_at.year > timezone.localdate().year + 2 or needed_at < timezone.now() - timedelta(
        days=INTERPRETER_PAST_DAYS
    ):
        raise ValidationError({"needed_at": _("Give a date from the last month to two years from now.")})
    request = InterpreterRequest(
        organisation=person.owner,
        person=person,
        language=language,
        needed_at=needed_at,
        mode=mode,
        provider=provider,
        purpose=purpose,
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    _audit(actor, person.owner, "interpreterrequest.created", request, person=person.pk, language=language)
    return request


@transaction.atomic
def interpreter_request_update(*, actor: User, request: InterpreterRequest, status: str) -> InterpreterRequest:
    """Record that an interpreter was confirmed, or that none was found."""
    permissions.require(actor, Action.CHANGE, request)
    if status not in InterpreterStatus.values:
        raise ValidationError({"status": _("Choose among the listed values.")})
    InterpreterRequest.objects.filter(pk=request.pk).update(status=status, updated_at=timezone.now())
    request.refresh_from_db()
    _audit(actor, request.organisation, "interpreterrequest.changed", request, person=request.person_id, status=status)
    return request


@transaction.atomic
def assessment_record(*, actor: User, person: Person, **fields) -> Assessment:
    """Record the person's situation at intake or at a review; the latest one is current."""
    permissions.require(actor, Action.CHANGE, person)
    assessment = Assessment(person=person, assessed_by=actor, **fields)
    try:
        recent_date_validator(assessment.assessed_on)
    except ValidationError as error:
        raise ValidationError({"assessed_on": error.messages}) from error
    if assessment.review_on and not (
        assessment.assessed_on <= assessment.review_on <= assessment.assessed_on + timedelta(days=REVIEW_WITHIN_DAYS)
    ):
        raise ValidationError({"review_on": _("The review comes after the assessment, within two years.")})
    assessment.full_clean()
    assessment.save()
    _audit(actor, person.owner, "assessment.recorded", assessment, person=person.pk, fields=sorted(fields))
    return assessment


@transaction.atomic
def programme_save(
    *, actor: User, organisation: Organisation, programme: Programme | None = None, partners=(), **fields
) -> Programme:
    """Create or change a programme of the hub (its coordinators)."""
    _require_manager(actor, organisation)
    programme = programme or Programme(organisation=organisation)
    created = programme.pk is None
    for name, value in fields.items():
        setattr(programme, name, value)
    if programme.starts_on and programme.starts_on.year < PROGRAMMES_FROM_YEAR:
        raise ValidationError({"starts_on": _("Give a start from the year 2000.")})
    if (
        programme.starts_on
        and programme.ends_on
        and programme.ends_on > programme.starts_on + timedelta(days=PROGRAMME_MAX_DAYS)
    ):
        raise ValidationError({"ends_on": _("A programme runs five years at most.")})
    programme.full_clean()
    programme.save()
    programme.partners.set(partners)
    action = "programme.created" if created else "programme.changed"
    _audit(actor, organisation, action, programme, fields=sorted(fields))
    return programme


@transaction.atomic
def enrolment_create(*, actor: User, programme: Programme, person: Person) -> Enrolment:
    """Enrol a person of the hub in one of its programmes, within its places."""
    permissions.require(actor, Action.CHANGE, person)
    permissions.require(actor, Action.VIEW, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if person.owner_id != programme.organisation_id:
        raise NotFoundError()
    if Enrolment.objects.filter(programme=programme, person=person).exists():
        raise ApplicationError(_("This person is already in this programme."), code="already_enrolled")
    if Enrolment.objects.filter(programme=programme, outcome="").count() >= programme.capacity:
        raise ApplicationError(_("The programme is full."), code="programme_full")
    enrolment = Enrolment.objects.create(programme=programme, person=person, recorded_by=actor)
    _audit(actor, programme.organisation, "enrolment.created", enrolment, person=person.pk)
    return enrolment


@transaction.atomic
def enrolment_outcome_record(
    *, actor: User, enrolment: Enrolment, outcome: str, outcome_on: date | None = None
) -> Enrolment:
    """Record how the programme ended for the person (or clear it: still enrolled)."""
    permissions.require(actor, Action.CHANGE, enrolment)
    if outcome not in EnrolmentOutcome.values:
        raise ValidationError({"outcome": _("Choose among the listed values.")})
    outcome_on = (outcome_on or timezone.localdate()) if outcome else None
    if outcome_on and (outcome_on > timezone.localdate() or outcome_on < enrolment.enrolled_on):
        raise ValidationError({"outcome_on": _("Give a date between the enrolment and today.")})
    programme = Programme.objects.select_for_update().get(pk=enrolment.programme_id)
    enrolment.refresh_from_db()
    taking_a_place_again = not outcome and enrolment.outcome
    if taking_a_place_again and programme.enrolments.filter(outcome="").count() >= programme.capacity:
        raise ApplicationError(_("The programme is full."), code="programme_full")
    Enrolment.objects.filter(pk=enrolment.pk).update(outcome=outcome, outcome_on=outcome_on)
    enrolment.refresh_from_db()
    _audit(
        actor,
        enrolment.programme.organisation,
        "enrolment.changed",
        enrolment,
        person=enrolment.person_id,
        outcome=outcome,
    )
    return enrolment
