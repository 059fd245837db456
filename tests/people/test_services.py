"""Person files: duplicates, consent rules, deadlines from rules, and who can reach a file."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from organisations.choices import NeedCategory, Role
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import AuditEntry
from people import selectors, services
from people.choices import ClaimPathway, ConsentGivenBy, DataGroup, MilestoneKind, NeedStatus, NeedUrgency
from people.models import DeadlineRule, Milestone, Person
from people.names import name_key, names_match
from tests import factories
from tests.casework import build_world, consent_for


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def deadline_rules(db):
    """The shipped rules (transactional tests flush data migrations' rows)."""
    factories.shipped_deadline_rules()


@pytest.mark.parametrize(
    ("typed_given", "typed_family"),
    [
        ("Maria Jose", "Garcia Lopez"),  # accents left out
        ("María", "García"),  # one given name, one surname
        ("García López", "María José"),  # names swapped
        ("MARIA JOSÉ", "GARCÍA-LÓPEZ"),  # case and hyphen
    ],
)
def test_the_same_person_typed_differently_is_offered_as_a_duplicate(world, typed_given, typed_family):
    world.person.date_of_birth = date(1990, 5, 17)
    world.person.save()
    found = selectors.person_possible_duplicates(
        user=world.hub_worker, given_names=typed_given, family_names=typed_family, date_of_birth=date(1990, 5, 17)
    )
    assert found == [world.person]


def test_a_different_birth_date_or_name_is_not_a_duplicate(world):
    world.person.date_of_birth = date(1990, 5, 17)
    world.person.save()
    assert (
        selectors.person_possible_duplicates(
            user=world.hub_worker, given_names="María José", family_names="García López", date_of_birth=date(1991, 1, 1)
        )
        == []
    )
    assert selectors.person_possible_duplicates(user=world.hub_worker, given_names="José", family_names="Pérez") == []
    assert not names_match(name_key("Ana", "García"), name_key("María", "García"))


def test_partners_never_reach_person_files(world):
    assert not Person.objects.restrict(world.partner_agent, "view").exists()
    assert (
        selectors.person_possible_duplicates(user=world.partner_agent, given_names="María", family_names="García") == []
    )
    with pytest.raises(NotFoundError):
        selectors.person_file(user=world.partner_agent, person_id=world.person.pk)
    with pytest.raises(NotFoundError):
        services.person_update(actor=world.partner_agent, person=world.person, notes="x")


def test_reading_a_file_is_audited_once_without_its_content(world):
    before = AuditEntry.objects.filter(action="people.person.file.read").count()
    selectors.person_file(user=world.hub_worker, person_id=world.person.pk)
    entries = AuditEntry.objects.filter(action="people.person.file.read")
    assert entries.count() == before + 1
    entry = entries.first()
    assert (entry.actor, entry.object_id, entry.details) == (world.hub_worker, str(world.person.pk), {})


def test_person_updates_audit_field_names_not_values(world):
    services.person_update(actor=world.hub_worker, person=world.person, notes="Histoire très sensible")
    entry = AuditEntry.objects.get(action="people.person.updated")
    assert entry.details == {"fields": ["notes"]}
    assert "sensible" not in str(entry.details)


def test_sensitive_groups_need_express_consent(world):
    with pytest.raises(ApplicationError) as refused:
        consent_for(world, world.person, world.partner, data_groups=[DataGroup.IDENTITY, DataGroup.HEALTH])
    assert refused.value.code == "express_consent_required"
    consent = consent_for(world, world.person, world.partner, data_groups=[DataGroup.HEALTH], express=True)
    assert consent.data_groups == [DataGroup.HEALTH]


def test_under_fourteen_a_parent_consents(world):
    child = services.person_create(
        actor=world.hub_worker,
        owner=world.hub,
        given_names="Sofía",
        family_names="García",
        date_of_birth=timezone.localdate() - timedelta(days=365 * 9),
    )
    with pytest.raises(ApplicationError) as refused:
        consent_for(world, child, world.partner)
    assert refused.value.code == "parent_consent_required"
    with pytest.raises(ApplicationError):
        consent_for(world, child, world.partner, given_by=ConsentGivenBy.PARENT_GUARDIAN)
    consent = consent_for(
        world, child, world.partner, given_by=ConsentGivenBy.PARENT_GUARDIAN, given_by_name="María José García López"
    )
    assert consent.is_active()


def test_a_consent_is_limited_in_time_and_withdrawn_at_once(world):
    with pytest.raises(ApplicationError):
        consent_for(
            world,
            world.person,
            world.partner,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() - timedelta(days=1),
        )
    services.consent_withdraw(actor=world.hub_worker, consent=world.consent)
    world.consent.refresh_from_db()
    assert not world.consent.is_active()
    assert not world.consent.allows(purpose=NeedCategory.EMPLOYMENT, data_groups=[DataGroup.IDENTITY])


def test_port_of_entry_claim_sets_the_basis_of_claim_deadline(world, deadline_rules):
    world.person.claim_pathway = ClaimPathway.PORT_OF_ENTRY_LAND
    world.person.save()
    services.milestone_record(
        actor=world.hub_worker, person=world.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=date(2026, 11, 2)
    )
    due = {m.kind: m.due_on for m in Milestone.objects.filter(person=world.person, occurred_on__isnull=True)}
    assert due == {
        MilestoneKind.BOC_SENT: date(2026, 11, 17),
        MilestoneKind.MEDICAL_EXAM: date(2026, 12, 2),
        MilestoneKind.ELIGIBILITY_INTERVIEW: date(2026, 11, 5),
    }


def test_an_inland_claim_has_no_port_of_entry_deadline(world, deadline_rules):
    world.person.claim_pathway = ClaimPathway.INLAND_ONLINE_PORTAL
    world.person.save()
    services.milestone_record(
        actor=world.hub_worker, person=world.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=date(2026, 11, 2)
    )
    kinds = set(Milestone.objects.filter(person=world.person, occurred_on__isnull=True).values_list("kind", flat=True))
    assert kinds == {MilestoneKind.MEDICAL_EXAM, MilestoneKind.ELIGIBILITY_INTERVIEW}


def test_a_rule_changed_by_an_administrator_applies_to_the_next_milestone(world, deadline_rules):
    DeadlineRule.objects.filter(trigger=MilestoneKind.DECISION_REFUSED).update(days=20)
    services.milestone_record(
        actor=world.hub_worker, person=world.person, kind=MilestoneKind.DECISION_REFUSED, occurred_on=date(2026, 1, 1)
    )
    assert Milestone.objects.get(person=world.person, kind=MilestoneKind.APPEAL_FILED).due_on == date(2026, 1, 21)


def test_a_need_left_unmet_is_dated(world):
    need = services.need_record(
        actor=world.hub_worker,
        person=world.person,
        category=NeedCategory.HOUSING_EMERGENCY,
        urgency=NeedUrgency.IMMEDIATE,
    )
    services.need_update(actor=world.hub_worker, need=need, status=NeedStatus.UNMET_NO_RESOURCE)
    need.refresh_from_db()
    assert need.closed_on == timezone.localdate()


def test_an_intervention_with_a_household(world):
    sister = services.person_create(
        actor=world.hub_worker, owner=world.hub, given_names="Lucía", family_names="García López"
    )
    intervention = services.intervention_log(
        actor=world.hub_worker,
        organisation=world.hub,
        people=[world.person, sister],
        type="accompaniment",
        language_used="es",
        duration_minutes=45,
        need_categories=[NeedCategory.HEALTH_PHYSICAL],
    )
    assert set(intervention.people.all()) == {world.person, sister}
    outsider = factories.member(world.partner, Role.ADMIN)
    with pytest.raises(NotFoundError):
        services.intervention_log(
            actor=outsider, organisation=world.hub, people=[world.person], type="follow_up", language_used="es"
        )
