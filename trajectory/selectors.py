"""Reads of the service trajectory. A person's path is read for a person the caller already
opened through ``people.selectors.person_file`` (the access check and the audited read); the
facts it is computed from go through the people and referrals selectors, restricted and audited.
A partner's view reads only what the person's consent to share the "trajectory" group lets it."""

from datetime import date

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from organisations.audit import PersonalRead, audited, owner_of_person, value
from organisations.errors import NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, organisation_ids_with_permission
from people import selectors as people_selectors
from people.choices import DataGroup, NeedStatus
from people.composition import is_adult
from people.models import DeadlineRule, Intervention, Milestone, Need, Person
from referrals import selectors as referral_selectors
from referrals import sharing
from referrals.models import Referral
from trajectory.choices import TrajectoryStatus
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
from trajectory.paths import PathFacts, PersonPath, compute_path

# The organisation permission of the hub's coordinators who design the trajectory.
MANAGE = "manage_trajectory"


def _with_steps(queryset: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    return queryset.prefetch_related(
        Prefetch("phases", Phase.objects.prefetch_related(Prefetch("steps", Step.objects.order_by("position", "pk"))))
    )


def managed_organisations(*, user) -> QuerySet[Organisation]:
    """The hubs whose trajectory, entitlements and guides ``user`` designs."""
    return Organisation.objects.filter(pk__in=organisation_ids_with_permission(user, MANAGE)).order_by("name")


def managed_organisation(*, user, organisation_id: int | None = None) -> Organisation:
    """One hub ``user`` designs for (the first when none is named): 404 otherwise."""
    organisations = managed_organisations(user=user)
    organisation = organisations.filter(pk=organisation_id).first() if organisation_id else organisations.first()
    if organisation is None:
        raise NotFoundError()
    return organisation


def trajectory_versions(*, organisation: Organisation) -> QuerySet[Trajectory]:
    return _with_steps(Trajectory.objects.filter(organisation=organisation)).order_by("-version")


def trajectory_in_force(*, organisation: Organisation) -> Trajectory | None:
    return trajectory_versions(organisation=organisation).filter(status=TrajectoryStatus.PUBLISHED).first()


def trajectory_draft(*, organisation: Organisation) -> Trajectory | None:
    return trajectory_versions(organisation=organisation).filter(status=TrajectoryStatus.DRAFT).first()


def designed(model, *, user, pk: int):
    """A phase or step ``user`` designs (the access policy's ``change``), its version loaded:
    404 otherwise."""
    related = "trajectory" if model is Phase else "phase__trajectory"
    found = model.objects.restrict(user, Action.CHANGE).select_related(related).filter(pk=pk).first()
    if found is None:
        raise NotFoundError()
    return found


def _published_versions(organisation_ids) -> list[Trajectory]:
    return list(
        _with_steps(
            Trajectory.objects.filter(
                organisation_id__in=organisation_ids,
                status__in=[TrajectoryStatus.PUBLISHED, TrajectoryStatus.RETIRED],
            )
        ).order_by("published_at")
    )


def _version_for(person: Person, versions: list[Trajectory], chosen_id: int | None) -> Trajectory | None:
    """The version ``person`` follows among their hub's published ``versions`` (oldest first)."""
    own = [version for version in versions if version.organisation_id == person.owner_id]
    if chosen_id:
        return next((version for version in own if version.pk == chosen_id), None)
    opened_under = [version for version in own if version.published_at <= person.created_at]
    if opened_under:
        return opened_under[-1]
    return own[0] if own else None


def trajectory_for(person: Person) -> Trajectory | None:
    """The version ``person`` follows: the one a coordinator moved them to, else the version in
    force when their file was opened, else the hub's first (for files opened before it had one).
    A version never changes once in force, so the person's past steps stay as they were."""
    chosen = PersonTrajectory.objects.filter(person=person).values_list("trajectory_id", flat=True).first()
    return _version_for(person, _published_versions([person.owner_id]), chosen)


def step_on_path(*, person: Person, step_id: int) -> Step:
    """A step of the version ``person`` follows, else ``NotFoundError``."""
    trajectory = trajectory_for(person)
    step = Step.objects.filter(pk=step_id, phase__trajectory=trajectory).select_related("phase").first()
    if trajectory is None or step is None:
        raise NotFoundError()
    return step


def _facts_of(people: list[Person], *, milestones, interventions, referrals, needs, today: date) -> dict:
    """What each person's file says (person id → ``PathFacts``), from the querysets given
    (filtered here to these people), in a fixed number of queries whatever their number."""
    ids = [person.pk for person in people]
    rows = {name: {pk: [] for pk in ids} for name in ("milestones", "interventions", "referrals", "needs", "decisions")}
    for milestone in milestones.filter(person_id__in=ids):
        rows["milestones"][milestone.person_id].append(milestone)
    for intervention in interventions.filter(people__in=ids).prefetch_related("people").distinct():
        for person in intervention.people.all():
            if person.pk in rows["interventions"]:
                rows["interventions"][person.pk].append(intervention)
    for referral in referrals.filter(person_id__in=ids):
        rows["referrals"][referral.person_id].append(referral)
    for need in needs.filter(person_id__in=ids):
        rows["needs"][need.person_id].append(need)
    for decision in StepDecision.objects.filter(person_id__in=ids).select_related("decided_by"):
        rows["decisions"][decision.person_id].append(decision)
    members: dict[int, list[Person]] = {}
    households = {person.household_id for person in people if person.household_id}
    for member in Person.objects.filter(household_id__in=households):
        members.setdefault(member.household_id, []).append(member)
    facts = {}
    for person in people:
        latest: dict[str, date] = {}
        for intervention in rows["interventions"][person.pk]:
            if intervention.type not in latest or intervention.occurred_on > latest[intervention.type]:
                latest[intervention.type] = intervention.occurred_on
        facts[person.pk] = PathFacts(
            milestones={milestone.kind: milestone for milestone in rows["milestones"][person.pk]},
            interventions=latest,
            referrals=sorted(rows["referrals"][person.pk], key=lambda referral: referral.created_at, reverse=True),
            decisions={decision.step_id: decision for decision in rows["decisions"][person.pk]},
            needs={need.category for need in rows["needs"][person.pk] if need.status != NeedStatus.WITHDRAWN},
            # A child in the household, the person included.
            has_children=any(not is_adult(member, today) for member in members.get(person.household_id, [person])),
        )
    return facts


def _bulk_paths(people: list[Person], *, today: date, **querysets) -> dict:
    """The paths of ``people`` (``_facts_of`` reads ``querysets``); people whose hub has no
    trajectory are left out."""
    versions = _published_versions({person.owner_id for person in people})
    if not versions or not people:
        return {}
    chosen = dict(PersonTrajectory.objects.filter(person__in=people).values_list("person_id", "trajectory_id"))
    facts = _facts_of(people, today=today, **querysets)
    paths = {}
    for person in people:
        trajectory = _version_for(person, versions, chosen.get(person.pk))
        if trajectory is not None:
            paths[person.pk] = compute_path(trajectory, person, facts[person.pk], today)
    return paths


def paths_for(*, user, people: list[Person], today: date | None = None) -> dict[int, PersonPath]:
    """The paths of many people at once (the today page); the facts are read as ``user`` may
    read them (audited)."""
    return _bulk_paths(
        people,
        milestones=people_selectors.milestone_list(user=user),
        interventions=people_selectors.intervention_list(user=user),
        referrals=referral_selectors.referral_list(user=user),
        needs=people_selectors.need_list(user=user),
        today=today or timezone.localdate(),
    )


def paths_for_counting(*, people: list[Person], today: date | None = None) -> dict[int, PersonPath]:
    """The paths of many people, to be counted (``reports.trajectory``): read for no one, so a
    caller must never show a path or a person from it, only counts through the suppression."""
    return _bulk_paths(
        people,
        milestones=Milestone.objects.all(),
        interventions=Intervention.objects.all(),
        referrals=Referral.objects.all(),
        needs=Need.objects.all(),
        today=today or timezone.localdate(),
    )


def person_facts(*, user, person: Person) -> PathFacts:
    """What ``person``'s file says, as ``user`` may read it (each read audited)."""
    return _facts_of(
        [person],
        milestones=people_selectors.milestone_list(user=user),
        interventions=people_selectors.intervention_list(user=user),
        referrals=referral_selectors.referral_list(user=user),
        needs=people_selectors.need_list(user=user),
        today=timezone.localdate(),
    )[person.pk]


def person_path(*, user, person: Person, today: date | None = None) -> tuple[PersonPath, PathFacts] | None:
    """``person``'s path today and the facts it stands on, for a person ``user`` opened through
    ``people.selectors.person_file``; None when their hub has no trajectory yet."""
    trajectory = trajectory_for(person)
    if trajectory is None:
        return None
    today = today or timezone.localdate()
    facts = person_facts(user=user, person=person)
    return compute_path(trajectory, person, facts, today), facts


def partner_view(*, referral: Referral, organisation_id: int, today: date | None = None) -> dict | None:
    """What the partner ``organisation_id`` working ``referral`` sees of the person's path: the
    phase they are in and the steps its own referrals carry; only while the person's consent
    shares the "trajectory" group with it (None otherwise, and nothing for the sender's side)."""
    if organisation_id == referral.sender_id:
        return None
    if DataGroup.TRAJECTORY not in sharing.visible_groups(referral, organisation_id):
        return None
    person = referral.person
    trajectory = trajectory_for(person)
    if trajectory is None:
        return None
    today = today or timezone.localdate()
    # Read on the person's consent, for the hub that holds the file: only the phase and the
    # partner's own steps leave this function.
    facts = _facts_of(
        [person],
        milestones=Milestone.objects.all(),
        interventions=Intervention.objects.all(),
        referrals=Referral.objects.all(),
        needs=Need.objects.all(),
        today=today,
    )[person.pk]
    path = compute_path(trajectory, person, facts, today)
    steps = [
        status
        for phase in path.phases
        for status in phase.steps
        if status.referral is not None and status.referral.recipient_id == organisation_id
    ]
    return {"phase": path.current_phase, "steps": steps}


def entitlements(*, organisation: Organisation) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(organisation=organisation).select_related("service__organisation")


def guides(*, organisation: Organisation) -> QuerySet[Guide]:
    return Guide.objects.filter(organisation=organisation)


def guides_for(*, person: Person, stage: str) -> list[Guide]:
    """The hub's guides that apply to ``person`` (their pathway and stage)."""
    return [
        guide
        for guide in guides(organisation=person.owner)
        if (not guide.pathways or person.claim_pathway in guide.pathways)
        and (not guide.stages or stage in guide.stages)
    ]


def partners_working(*, user, person: Person) -> list[Referral]:
    """The person's referrals a partner works or is asked to (one per partner and need)."""
    open_or_taken = Q(status__in=["sent", "info_requested", "accepted", "in_progress"])
    return list(
        referral_selectors.referral_list(user=user)
        .filter(open_or_taken, person=person)
        .select_related("recipient", "service")
        .order_by("recipient__name", "need_category")
    )


def deadline_rules(*, organisation: Organisation) -> list[DeadlineRule]:
    """The rules the hub's files follow (``people.selectors.deadline_rules_for``)."""
    return people_selectors.deadline_rules_for(organisation.pk)


def deadline_rule(*, organisation: Organisation, rule_id: int) -> DeadlineRule:
    """One of Passerelle's rules or of the hub's own: 404 for another hub's."""
    rule = DeadlineRule.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation), pk=rule_id).first()
    if rule is None:
        raise NotFoundError()
    return rule


# --- Interpreters, assessments, programmes ---------------------------------------------------------

# The records of this app that name a person, and how their reads are audited (registered by
# ``TrajectoryConfig.ready``).
_its_person = lambda row: [value(row, "person_id")]  # noqa: E731
PERSONAL_READS = {
    "trajectory.interpreterrequest": PersonalRead(
        "trajectory.interpreterrequest",
        lambda row, reader: value(row, "organisation_id"),
        _its_person,
        holder="organisation_id",
    ),
    "trajectory.assessment": PersonalRead(
        "trajectory.assessment", owner_of_person, _its_person, holder="person__owner_id"
    ),
    "trajectory.enrolment": PersonalRead(
        "trajectory.enrolment", owner_of_person, _its_person, holder="person__owner_id"
    ),
}


def interpreter_requests(*, user, person: Person) -> QuerySet[InterpreterRequest]:
    """The person's interpreter requests ``user`` may see; audited when read."""
    rows = InterpreterRequest.objects.restrict(user, Action.VIEW).filter(person=person).select_related("person")
    return audited(rows, user=user)


def interpreter_request(*, user, request_id: int) -> InterpreterRequest:
    found = InterpreterRequest.objects.restrict(user, Action.CHANGE).filter(pk=request_id).first()
    if found is None:
        raise NotFoundError()
    return found


def assessments(*, user, person: Person) -> QuerySet[Assessment]:
    """The person's assessments, latest first; audited when read."""
    rows = Assessment.objects.restrict(user, Action.VIEW).filter(person=person).select_related("person", "assessed_by")
    return audited(rows.order_by("-assessed_on", "-pk"), user=user)


def complex_situations(*, user) -> list[Assessment]:
    """The people in a complex situation by their latest assessment, soonest review first (a
    review past its date first of all); the rows are audited."""
    latest = Assessment.objects.filter(person=OuterRef("person")).order_by("-assessed_on", "-pk").values("pk")[:1]
    rows = (
        Assessment.objects.restrict(user, Action.VIEW)
        .filter(pk=Subquery(latest), complex_situation=True)
        .select_related("person")
        .order_by(F("review_on").asc(nulls_last=True), "person__family_names")
    )
    return list(audited(rows, user=user))


def programmes(*, user) -> QuerySet[Programme]:
    return Programme.objects.restrict(user, Action.VIEW).select_related("organisation").prefetch_related("partners")


def programme(*, user, programme_id: int) -> Programme:
    found = programmes(user=user).filter(pk=programme_id).first()
    if found is None:
        raise NotFoundError()
    return found


def enrolments(*, user, programme: Programme | None = None, person: Person | None = None) -> QuerySet[Enrolment]:
    """Enrolments ``user`` may see, of a programme or of a person; audited when read."""
    rows = Enrolment.objects.restrict(user, Action.VIEW).select_related("person", "programme")
    if programme is not None:
        rows = rows.filter(programme=programme)
    if person is not None:
        rows = rows.filter(person=person)
    return audited(rows, user=user)


def enrolment(*, user, enrolment_id: int) -> Enrolment:
    found = Enrolment.objects.restrict(user, Action.CHANGE).select_related("programme").filter(pk=enrolment_id).first()
    if found is None:
        raise NotFoundError()
    return found
