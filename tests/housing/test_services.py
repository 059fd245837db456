"""Holds, stays and out-of-service periods: no bed given twice, no household in two places,
statuses computed, expiry by the worker, and who may see what."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection, transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from housing import services
from housing.availability import bed_statuses, site_availability
from housing.choices import AllocationKind, BedStatus, HoldStatus
from housing.models import BedAllocation, Hold, Site, Stay
from organisations.choices import OrganisationKind, Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from tests import factories
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    return build_housing_world()


def hold(world, beds, **fields):
    fields.setdefault("household", world.household)
    return services.hold_create(
        actor=fields.pop("actor", world.hub_worker),
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in beds],
        **fields,
        expected_arrival_at=timezone.now(),
    )


def test_a_family_holds_all_its_beds_at_once(world):
    held = hold(world, world.family_beds, in_transit=True)
    assert held.status == HoldStatus.ACTIVE
    statuses = bed_statuses(world.family_beds + world.shared_beds)
    assert [statuses[b.pk] for b in world.family_beds] == [BedStatus.HELD] * 3
    assert [statuses[b.pk] for b in world.shared_beds] == [BedStatus.AVAILABLE] * 2
    assert site_availability(world.site)["free_by_room_kind"] == {"shared_room": 2, "family_unit": 0}


def test_a_family_hold_that_partly_conflicts_holds_nothing(world):
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    hold(world, [world.family_beds[0]], household=None, person=world.person, actor=coordinator, override_reason="Seul")
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds)
    assert refused.value.code == "beds_taken"
    assert refused.value.extra["beds"] == [world.family_beds[0].pk]
    assert not Hold.objects.filter(household=world.household).exists()
    assert BedAllocation.objects.filter(is_active=True).count() == 1


def test_one_household_cannot_hold_twice(world):
    hold(world, world.family_beds)
    with pytest.raises(ConflictError) as refused:
        hold(world, world.shared_beds)
    assert refused.value.code == "already_held"


def test_status_precedence_out_of_service_over_occupied_over_held(world):
    bed = world.shared_beds[0]
    later = timezone.now() + timedelta(days=40)
    services.bed_set_out_of_service(actor=world.provider_staff, bed=bed, starts_at=later, reason="peinture")
    held = hold(world, [bed], household=None, person=world.person)
    assert bed_statuses([bed])[bed.pk] == BedStatus.HELD
    services.stay_check_in(actor=world.provider_staff, hold=held, planned_end_at=timezone.now() + timedelta(days=10))
    assert bed_statuses([bed])[bed.pk] == BedStatus.OCCUPIED
    assert bed_statuses([bed], later + timedelta(hours=1))[bed.pk] == BedStatus.OUT_OF_SERVICE


def test_out_of_service_is_refused_while_occupied(world):
    held = hold(world, world.family_beds)
    with pytest.raises(ConflictError):
        services.bed_set_out_of_service(actor=world.provider_staff, bed=world.family_beds[1])
    services.hold_release(actor=world.hub_worker, hold=held)
    services.bed_set_out_of_service(actor=world.provider_staff, bed=world.family_beds[1], reason="punaises")
    assert bed_statuses([world.family_beds[1]])[world.family_beds[1].pk] == BedStatus.OUT_OF_SERVICE
    services.bed_return_to_service(actor=world.provider_staff, bed=world.family_beds[1])
    assert bed_statuses([world.family_beds[1]])[world.family_beds[1].pk] == BedStatus.AVAILABLE


def test_check_in_extend_and_check_out(world):
    held = hold(world, world.family_beds)
    stay = services.stay_check_in(
        actor=world.provider_staff, hold=held, planned_end_at=timezone.now() + timedelta(days=7)
    )
    with pytest.raises(ApplicationError) as refused:
        services.stay_extend(actor=world.hub_worker, stay=stay, planned_end_at=timezone.now() + timedelta(days=31))
    assert refused.value.code == "beyond_max_stay"
    stay = services.stay_extend(actor=world.hub_worker, stay=stay, planned_end_at=timezone.now() + timedelta(days=14))
    assert stay.extended_times == 1
    stay = services.stay_check_out(actor=world.provider_staff, stay=stay, exit_destination="permanent_housing")
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.AVAILABLE}


def test_an_extension_that_would_overlap_is_refused(world):
    bed = world.shared_beds[0]
    held = hold(world, [bed], household=None, person=world.person)
    stay = services.stay_check_in(
        actor=world.provider_staff, hold=held, planned_end_at=timezone.now() + timedelta(days=5)
    )
    services.bed_set_out_of_service(actor=world.provider_staff, bed=bed, starts_at=timezone.now() + timedelta(days=6))
    with pytest.raises(ConflictError):
        services.stay_extend(actor=world.hub_worker, stay=stay, planned_end_at=timezone.now() + timedelta(days=8))
    assert Stay.objects.get(pk=stay.pk).extended_times == 0


def test_the_worker_frees_expired_holds(world):
    held = hold(world, world.family_beds)
    Hold.objects.filter(pk=held.pk).update(
        created_at=timezone.now() - timedelta(hours=2), expires_at=timezone.now() - timedelta(seconds=1)
    )
    BedAllocation.objects.filter(hold=held).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.hold_expire_stale() == 1
    assert Hold.objects.get(pk=held.pk).status == HoldStatus.EXPIRED
    assert services.hold_expire_stale() == 0
    hold(world, world.family_beds)


def test_who_sees_and_holds_what(world):
    other_hub = factories.organisation(kind=OrganisationKind.HUB)
    stranger = factories.member(other_hub, Role.WORKER)
    liaison = factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON)
    assert Site.objects.restrict(world.hub_worker, "view").get() == world.site
    assert Site.objects.restrict(world.provider_staff, "change").get() == world.site
    assert not Site.objects.restrict(world.hub_worker, "change").exists()
    assert not Site.objects.restrict(stranger, "view").exists()
    assert not Site.objects.restrict(liaison, "view").exists()
    with pytest.raises(NotFoundError):
        services.bed_set_out_of_service(actor=world.hub_worker, bed=world.shared_beds[0])
    held = hold(world, world.family_beds)
    assert Hold.objects.restrict(world.provider_staff, "view").get() == held
    assert not Hold.objects.restrict(stranger, "view").exists()


def test_a_hold_for_someone_else_s_person_is_refused(world):
    other_hub = factories.organisation(kind=OrganisationKind.HUB)
    with pytest.raises(NotFoundError):
        services.hold_create(
            actor=factories.member(other_hub, Role.WORKER),
            organisation=other_hub,
            site=world.site,
            bed_ids=[world.shared_beds[0].pk],
            person=world.person,
            expected_arrival_at=timezone.now(),
        )


def test_every_change_publishes_the_site_availability(world, django_capture_on_commit_callbacks, monkeypatch):
    from plumbing import events

    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append((group, event)))
    with django_capture_on_commit_callbacks(execute=True):
        hold(world, world.family_beds)
    [(group, event)] = sent
    assert group == f"stream.housing.availability.{world.site.pk}"
    assert '"held":3' in event["text"]
    assert "Rodríguez" not in event["text"]


@pytest.mark.postgres
def test_postgres_forbids_two_active_allocations_of_one_bed(world):
    bed = world.shared_beds[0]
    now = timezone.now()
    BedAllocation.objects.create(bed=bed, kind=AllocationKind.HOLD, starts_at=now, ends_at=now + timedelta(hours=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        BedAllocation.objects.create(
            bed=bed, kind=AllocationKind.STAY, starts_at=now + timedelta(hours=1), ends_at=now + timedelta(days=3)
        )
    # Back to back is fine: ends are exclusive.
    BedAllocation.objects.create(
        bed=bed, kind=AllocationKind.STAY, starts_at=now + timedelta(hours=2), ends_at=now + timedelta(days=3)
    )


@pytest.mark.postgres
def test_postgres_forbids_one_household_in_two_sites(world):
    other_site = Site.objects.create(provider=world.provider, name="Autre", address="1, rue X", kind="emergency")
    now = timezone.now()
    Stay.objects.create(
        site=world.site,
        organisation=world.hub,
        household=world.household,
        checked_in_at=now,
        planned_end_at=now + timedelta(days=5),
        recorded_by=world.hub_worker,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Stay.objects.create(
            site=other_site,
            organisation=world.hub,
            household=world.household,
            checked_in_at=now + timedelta(days=1),
            planned_end_at=now + timedelta(days=6),
            recorded_by=world.hub_worker,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_requests_for_the_last_bed_one_wins_and_none_hangs():
    world = build_housing_world()
    last_bed = world.shared_beds[0]
    people = [world.person] + [factories_person(world, index) for index in range(49)]
    barrier = threading.Barrier(50)
    outcomes = []

    def attempt(person):
        try:
            barrier.wait()
            outcomes.append(
                services.hold_create(
                    actor=world.hub_worker,
                    organisation=world.hub,
                    site=world.site,
                    bed_ids=[last_bed.pk],
                    person=person,
                    expected_arrival_at=timezone.now(),
                )
            )
        except Exception as error:  # collected and checked below
            outcomes.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    holds = [outcome for outcome in outcomes if isinstance(outcome, Hold)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(holds), len(conflicts), len(outcomes)) == (1, 49, 50), [type(o) for o in outcomes]
    assert BedAllocation.objects.filter(bed=last_bed, is_active=True).count() == 1
    assert connection.vendor == "postgresql"


def factories_person(world, index):
    from people import services as people_services

    return people_services.person_create(
        actor=world.hub_worker, owner=world.hub, given_names=f"Personne {index}", family_names="Test"
    )


def test_the_board_counts_free_beds_by_room_kind_and_filters(world):
    from housing import selectors

    hold(world, world.family_beds)
    [entry] = selectors.board(user=world.hub_worker, families=True)
    assert entry["site"] == world.site
    assert (entry["counts"]["available"], entry["counts"]["held"], entry["counts"]["free_family_unit"]) == (2, 3, 0)
    assert selectors.board(user=world.hub_worker, women_only=True) == []


def test_liaisons_see_occupancy_counts_only_and_suppressed(world):
    from organisations.errors import NotFoundError
    from reports import selectors as reports_selectors

    hold(world, world.family_beds)
    liaison = factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON)
    counts = reports_selectors.occupancy(user=liaison)
    assert counts["beds_by_site_kind"]["short_term"]["held"] == {"value": None, "display": "<5"}
    assert counts["active_holds"]["display"] == "<5"
    assert "Rodríguez" not in str(counts)
    with pytest.raises(NotFoundError):
        reports_selectors.occupancy(user=world.provider_staff)


def test_a_household_member_cannot_hold_apart_from_the_household(world):
    hold(world, world.family_beds)
    member = world.household.members.first()
    with pytest.raises(ConflictError) as refused:
        hold(world, world.shared_beds[:1], household=None, person=member)
    assert refused.value.code == "already_held"
