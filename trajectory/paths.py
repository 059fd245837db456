"""A person's path through the trajectory, computed from what their file already says: a
milestone recorded, a referral sent or taken on, an intervention logged, or a worker's decision
where the file cannot tell. Nothing here reads the database: the selectors gather the facts
(``PathFacts``) for one person or many at once and call ``compute_path``."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from people.choices import ClaimStage, MilestoneKind, claim_stage
from referrals.choices import ReferralStatus
from trajectory.choices import ChildrenCondition, StepDecisionState, StepKind, StepState, UsualFrom

# A referral the partner took on makes the hub's step done; one waiting for the partner's answer
# (or for the hub's, when information was requested) keeps it under way.
REFERRAL_DONE = {ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED}
REFERRAL_UNDER_WAY = {ReferralStatus.SENT, ReferralStatus.INFO_REQUESTED}

# The claim stages a person normally reaches next, for "what opens next".
NEXT_STAGE = {
    ClaimStage.PRE_CLAIM: ClaimStage.AWAITING_ELIGIBILITY,
    ClaimStage.UNKNOWN: ClaimStage.AWAITING_ELIGIBILITY,
    ClaimStage.AWAITING_ELIGIBILITY: ClaimStage.REFERRED_PENDING_DECISION,
    ClaimStage.REFERRED_PENDING_DECISION: ClaimStage.PROTECTED_PERSON,
}

# How many next steps the file and the document show.
NEXT_STEPS_SHOWN = 3


@dataclass
class PathFacts:
    """What a person's file says that the path is computed from."""

    milestones: dict = field(default_factory=dict)  # kind → Milestone
    interventions: dict = field(default_factory=dict)  # type → latest date
    referrals: list = field(default_factory=list)  # the person's referrals, newest first
    decisions: dict = field(default_factory=dict)  # step id → StepDecision
    needs: set = field(default_factory=set)  # the need categories on the file (not withdrawn)
    has_children: bool = False


@dataclass
class StepStatus:
    step: object
    state: str
    done_on: date | None = None
    due_on: date | None = None
    overdue: bool = False
    referral: object | None = None
    decision: object | None = None

    @property
    def state_label(self) -> str:
        return str(StepState(self.state).label)

    @property
    def open(self) -> bool:
        return self.state in (StepState.TO_DO, StepState.UNDER_WAY)


@dataclass
class PhaseStatus:
    phase: object
    steps: list[StepStatus]

    @property
    def finished(self) -> bool:
        return not any(status.open for status in self.steps)


@dataclass
class PersonPath:
    """A person's trajectory today: every step's state, the phase they are in, what comes next."""

    trajectory: object
    stage: str
    phases: list[PhaseStatus]
    current_phase: object | None
    next_steps: list[StepStatus]
    overdue: list[StepStatus]

    @property
    def stage_label(self) -> str:
        return str(ClaimStage(self.stage).label)

    def status_of(self, step_id: int) -> StepStatus | None:
        for phase in self.phases:
            for status in phase.steps:
                if status.step.pk == step_id:
                    return status
        return None


def person_stage(person, facts: PathFacts) -> str:
    reached = {kind for kind, milestone in facts.milestones.items() if milestone.occurred_on}
    return claim_stage(person.claim_pathway, reached)


def applies(step, person, facts: PathFacts, stage: str) -> bool:
    """Whether every condition of ``step`` holds for ``person`` (an empty one always holds)."""
    if step.only_if_needed and step.need_category not in facts.needs:
        return False
    if step.pathways and person.claim_pathway not in step.pathways:
        return False
    if step.stages and stage not in step.stages:
        return False
    if step.children == ChildrenCondition.WITH and not facts.has_children:
        return False
    if step.children == ChildrenCondition.WITHOUT and facts.has_children:
        return False
    if step.languages and person.preferred_language not in step.languages:
        return False
    return not (step.french_levels and person.french_level not in step.french_levels)


def _anchor(step, person, facts: PathFacts) -> date | None:
    """The date a step's usual time counts from, when the file has it."""
    if step.usual_from == UsualFrom.FIRST_INTAKE:
        return person.first_intake_date
    if step.usual_from == UsualFrom.ARRIVAL:
        return person.arrival_date
    milestone = facts.milestones.get(
        MilestoneKind.CLAIM_MADE if step.usual_from == UsualFrom.CLAIM_MADE else MilestoneKind.REFERRED_TO_IRB
    )
    return milestone.occurred_on if milestone else None


def _due_on(step, person, facts: PathFacts) -> date | None:
    if step.kind == StepKind.MILESTONE:
        milestone = facts.milestones.get(step.milestone_kind)
        if milestone is not None and milestone.due_on:
            return milestone.due_on
    if step.usual_days is None:
        return None
    anchor = _anchor(step, person, facts)
    return anchor + timedelta(days=step.usual_days) if anchor else None


def _carrying_referral(step, facts: PathFacts):
    """The referral that carries a partner step: the newest one taken on, else the newest
    waiting for an answer."""
    matching = [referral for referral in facts.referrals if referral.need_category == step.need_category]
    for statuses in (REFERRAL_DONE, REFERRAL_UNDER_WAY):
        for referral in matching:
            if referral.status in statuses:
                return referral
    return None


def step_status(step, person, facts: PathFacts, stage: str, today: date) -> StepStatus:
    """One step's state for ``person``: a worker's decision first, then the file's facts."""
    decision = facts.decisions.get(step.pk)
    if decision is not None:
        state = StepState.DONE if decision.state == StepDecisionState.DONE else StepState.NOT_APPLICABLE
        done_on = decision.decided_on if state == StepState.DONE else None
        return StepStatus(step, state, done_on=done_on, decision=decision)
    if not applies(step, person, facts, stage):
        return StepStatus(step, StepState.NOT_APPLICABLE)
    status = StepStatus(step, StepState.TO_DO, due_on=_due_on(step, person, facts))
    if step.kind == StepKind.MILESTONE:
        milestone = facts.milestones.get(step.milestone_kind)
        if milestone is not None and milestone.occurred_on:
            status.state, status.done_on = StepState.DONE, milestone.occurred_on
    elif step.kind == StepKind.HUB:
        if step.intervention_type in facts.interventions:
            status.state, status.done_on = StepState.DONE, facts.interventions[step.intervention_type]
    elif step.kind == StepKind.PARTNER:
        referral = _carrying_referral(step, facts)
        if referral is not None:
            status.referral = referral
            if referral.status in REFERRAL_DONE:
                status.state = StepState.DONE
                status.done_on = (referral.accepted_at or referral.updated_at).date()
            else:
                status.state = StepState.UNDER_WAY
    status.overdue = status.open and status.due_on is not None and status.due_on < today
    return status


def compute_path(trajectory, person, facts: PathFacts, today: date) -> PersonPath:
    """Every step of ``trajectory`` (phases and steps prefetched) for ``person``."""
    stage = person_stage(person, facts)
    phases = [
        PhaseStatus(phase, [step_status(step, person, facts, stage, today) for step in phase.steps.all()])
        for phase in trajectory.phases.all()
    ]
    current = next((phase for phase in phases if not phase.finished), phases[-1] if phases else None)
    open_steps = [status for phase in phases for status in phase.steps if status.open]
    return PersonPath(
        trajectory=trajectory,
        stage=stage,
        phases=phases,
        current_phase=current.phase if current else None,
        next_steps=open_steps[:NEXT_STEPS_SHOWN],
        overdue=[status for status in open_steps if status.overdue],
    )


def entitlements_now_and_next(entitlements, path: PersonPath, facts: PathFacts) -> tuple[list, list]:
    """What the person can get at their stage now, and what opens next (at the next stage, or
    once a milestone is reached)."""
    reached = {kind for kind, milestone in facts.milestones.items() if milestone.occurred_on}
    next_stage = NEXT_STAGE.get(path.stage)
    now, later = [], []
    for entitlement in entitlements:
        open_now = not entitlement.stages or path.stage in entitlement.stages
        if open_now and (not entitlement.requires_milestone or entitlement.requires_milestone in reached):
            now.append(entitlement)
        elif open_now or (next_stage and next_stage in entitlement.stages):
            later.append(entitlement)
    return now, later
