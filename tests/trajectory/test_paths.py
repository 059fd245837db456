"""A person's path is computed from their file: milestones, referrals, interventions and a
worker's decisions; conditions decide which steps apply; a new version leaves past paths alone."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import AuditEntry
from people import services as people_services
from people.choices import ClaimPathway, HouseholdRelationship, InterventionType, MilestoneKind, NeedUrgency
from referrals import services as referral_services
from tests import factories
from tests.casework import consent_for
from tests.trajectory.world import build_path_world, step_named
from trajectory import selectors, services
from trajectory.choices import StepDecisionState, StepState


@pytest.fixture
def world(db):
    return build_path_world()


def path_of(world, person=None):
    path, _facts = selectors.person_path(user=world.case.hub_worker, person=person or world.case.person)
    return path


def state(world, name_en, person=None) -> str:
    return path_of(world, person).status_of(step_named(world.trajectory, name_en).pk).state


def test_a_new_arrival_starts_with_the_welcome_and_every_step_to_do_or_not_applicable(world):
    path = path_of(world)
    assert path.current_phase.name_en == "Welcome and urgent needs"
    assert [status.step.name_en for status in path.next_steps] == [
        "Welcome at the centre",
        "Assessment of your needs",
        "Asylum claim made",
    ]
    # Emergency housing and food apply only to people with that need on their file.
    assert state(world, "Emergency housing") == StepState.NOT_APPLICABLE


def test_steps_follow_the_interventions_logged(world):
    case = world.case
    people_services.intervention_log(
        actor=case.hub_worker,
        organisation=case.hub,
        people=[case.person],
        type=InterventionType.INTAKE_WELCOME,
        language_used="es",
    )
    status = path_of(world).status_of(step_named(world.trajectory, "Welcome at the centre").pk)
    assert status.state == StepState.DONE and status.done_on == timezone.localdate()
    assert path_of(world).next_steps[0].step.name_en == "Assessment of your needs"


def test_the_basis_of_claim_is_due_15_days_after_a_port_of_entry_claim_and_done_when_sent(world):
    case = world.case
    people_services.person_update(
        actor=case.hub_worker, person=case.person, claim_pathway=ClaimPathway.PORT_OF_ENTRY_AIR
    )
    claimed = timezone.localdate() - timedelta(days=20)
    people_services.milestone_record(
        actor=case.hub_worker, person=case.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=claimed
    )
    boc = path_of(world).status_of(step_named(world.trajectory, "Basis of Claim form sent").pk)
    assert boc.state == StepState.TO_DO and boc.due_on == claimed + timedelta(days=15) and boc.overdue
    assert boc in path_of(world).overdue or any(s.step.pk == boc.step.pk for s in path_of(world).overdue)
    people_services.milestone_record(
        actor=case.hub_worker, person=case.person, kind=MilestoneKind.BOC_SENT, occurred_on=timezone.localdate()
    )
    boc = path_of(world).status_of(step_named(world.trajectory, "Basis of Claim form sent").pk)
    assert boc.state == StepState.DONE and not boc.overdue


def test_the_basis_of_claim_step_does_not_apply_to_an_inland_claim(world):
    case = world.case
    people_services.person_update(
        actor=case.hub_worker, person=case.person, claim_pathway=ClaimPathway.INLAND_ONLINE_PORTAL
    )
    assert state(world, "Basis of Claim form sent") == StepState.NOT_APPLICABLE


def test_a_partner_step_is_under_way_while_the_referral_waits_and_done_once_taken_on(world):
    case = world.case
    legal = factories.organisation(kind=OrganisationKind.LEGAL_AID)
    factories.partnership(case.hub, legal, PartnershipScope.REFERRALS)
    consent = consent_for(case, case.person, legal, purposes=[NeedCategory.LEGAL_IMMIGRATION])
    assert state(world, "Legal aid") == StepState.TO_DO
    referral = case.refer(recipient=legal, consent=consent, need_category=NeedCategory.LEGAL_IMMIGRATION)
    status = path_of(world).status_of(step_named(world.trajectory, "Legal aid").pk)
    assert status.state == StepState.UNDER_WAY and status.referral.pk == referral.pk
    agent = factories.member(legal, "worker")
    referral_services.referral_transition(
        actor=agent, referral=referral, action="accept", expected_version=referral.version
    )
    assert state(world, "Legal aid") == StepState.DONE


def test_school_applies_only_with_children_and_housing_only_with_the_need(world):
    case = world.case
    assert state(world, "School for the children") == StepState.NOT_APPLICABLE
    household = people_services.household_create(
        actor=case.hub_worker,
        owner=case.hub,
        name="García",
        members=[(case.person, HouseholdRelationship.HEAD)],
    )
    people_services.household_add_new_member(
        actor=case.hub_worker,
        household=household,
        relationship=HouseholdRelationship.CHILD,
        given_names="Lucía",
        family_names="García",
        date_of_birth=timezone.localdate() - timedelta(days=8 * 365),
    )
    case.person.refresh_from_db()
    assert state(world, "School for the children") == StepState.TO_DO
    people_services.need_record(
        actor=case.hub_worker,
        person=case.person,
        category=NeedCategory.HOUSING_EMERGENCY,
        urgency=NeedUrgency.IMMEDIATE,
    )
    assert state(world, "Emergency housing") == StepState.TO_DO


def test_a_worker_decides_what_the_file_cannot_tell_and_undoes_it(world):
    case = world.case
    step = step_named(world.trajectory, "Social insurance number")
    with pytest.raises(ValidationError):
        services.step_decide(
            actor=case.hub_worker, person=case.person, step=step, state=StepDecisionState.NOT_APPLICABLE
        )
    services.step_decide(
        actor=case.hub_worker,
        person=case.person,
        step=step,
        state=StepDecisionState.NOT_APPLICABLE,
        note="Has one already from a previous stay",
    )
    assert state(world, "Social insurance number") == StepState.NOT_APPLICABLE
    # The entry names the person: their history (the audit log filtered on them) finds it.
    entry = AuditEntry.objects.get(action="trajectory.stepdecision.recorded")
    assert entry.people == f",{case.person.pk},"
    with pytest.raises(ValidationError):
        services.step_decide(
            actor=case.hub_worker, person=case.person, step=step, state=StepDecisionState.DONE, decided_on=date(1, 1, 1)
        )
    services.step_decision_clear(actor=case.hub_worker, person=case.person, step=step)
    assert state(world, "Social insurance number") == StepState.TO_DO
    # A partner's agent may not decide on the hub's person.
    with pytest.raises(NotFoundError):
        services.step_decide(actor=case.partner_agent, person=case.person, step=step, state=StepDecisionState.DONE)


def test_a_new_version_leaves_the_paths_of_people_already_followed_alone(world):
    case = world.case
    old_step = step_named(world.trajectory, "Welcome at the centre")
    draft = services.trajectory_draft_open(actor=world.coordinator, organisation=case.hub)
    assert draft.version == 2
    new_welcome = draft.phases.get(position=1).steps.get(name_en="Welcome at the centre")
    services.step_save(
        actor=world.coordinator,
        phase=new_welcome.phase,
        step=new_welcome,
        name_en="First welcome",
        name_fr="Premier accueil",
    )
    services.trajectory_publish(actor=world.coordinator, trajectory=draft)
    # The person opened under version 1 keeps it.
    assert path_of(world).trajectory.version == 1
    assert path_of(world).status_of(old_step.pk) is not None
    # A person opened now follows version 2.
    newcomer = people_services.person_create(
        actor=case.hub_worker, owner=case.hub, given_names="Ana", family_names="Silva"
    )
    newcomer_path = path_of(world, newcomer)
    assert newcomer_path.trajectory.version == 2
    assert newcomer_path.next_steps[0].step.name_en == "First welcome"
    # A coordinator moves the first person on; the version in force never changes.
    services.person_trajectory_update(actor=case.hub_worker, person=case.person)
    assert path_of(world).trajectory.version == 2
    with pytest.raises(ApplicationError):
        services.step_save(actor=world.coordinator, phase=new_welcome.phase, step=new_welcome, name_en="Changed")


def test_only_the_hubs_coordinators_design_the_trajectory(world):
    case = world.case
    with pytest.raises(NotFoundError):
        services.trajectory_draft_open(actor=case.hub_worker, organisation=case.hub)
    with pytest.raises(NotFoundError):
        services.trajectory_draft_open(actor=case.partner_agent, organisation=case.hub)


def test_many_paths_at_once_match_one_by_one(world):
    case = world.case
    people_services.milestone_record(
        actor=case.hub_worker,
        person=case.person,
        kind=MilestoneKind.CLAIM_MADE,
        occurred_on=timezone.localdate() - timedelta(days=40),
    )
    other = people_services.person_create(actor=case.hub_worker, owner=case.hub, given_names="Luis", family_names="Paz")
    paths = selectors.paths_for(user=case.hub_worker, people=[case.person, other])
    for person in (case.person, other):
        one = path_of(world, person)
        assert [(s.step.pk, s.state, s.due_on) for p in paths[person.pk].phases for s in p.steps] == [
            (s.step.pk, s.state, s.due_on) for p in one.phases for s in p.steps
        ]
    assert paths[case.person.pk].overdue
