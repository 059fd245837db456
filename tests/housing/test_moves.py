"""Moves between beds (``housing.services.move``): the new site's rules with a coordinator's
override, no bed given twice (a race included), the old beds freed and the boards told after
commit, the history on the person file, and who may move what."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from housing import services
from housing.availability import bed_statuses
from housing.choices import BedStatus, RoomKind, SiteKind
from housing.models import Bed, BedAllocation, BedMove, Hold, Room, Site, Stay
from housing.person_file import person_housing
from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import AuditEntry
from people.choices import GenderIdentity
from people.models import Person
from plumbing import events
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world


def other_site(world, *, provider=None, beds=2, **rules) -> tuple[Site, list[Bed]]:
    """A second site (of ``provider``, the world's by default) with one shared room."""
    site = Site.objects.create(
        provider=provider or world.provider,
        name="Refuge du Cap",
        address="1, rue du Cap",
        kind=SiteKind.EMERGENCY,
        **{"families": True, "minors_accompanied": True, **rules},
    )
    room = Room.objects.create(site=site, name="Salle", kind=RoomKind.SHARED_ROOM)
    return site, [Bed.objects.create(site=site, room=room, label=f"S{i}") for i in range(1, beds + 1)]


def person_stay(world, bed=None) -> Stay:
    held = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[(bed or world.shared_beds[0]).pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    return services.stay_check_in(
        actor=world.provider_staff, hold=held, planned_end_at=timezone.now() + timedelta(days=5)
    )


@pytest.fixture
def world(db):
    return build_housing_world()


def test_a_stay_moves_within_its_site_and_the_old_bed_is_free(world):
    stay = person_stay(world)
    old, new = world.shared_beds
    bed_move = services.move(actor=world.provider_staff, record=stay, site=world.site, bed_ids=[new.pk])
    assert bed_statuses([old, new]) == {old.pk: BedStatus.AVAILABLE, new.pk: BedStatus.OCCUPIED}
    assert (bed_move.from_beds, bed_move.to_beds) == ("Dortoir · D1", "Dortoir · D2")
    left = BedAllocation.objects.get(bed=old, stay=stay)
    assert (left.is_active, left.moved_out_by, left.ends_at) == (False, bed_move, bed_move.moved_at)
    # The extension and check-out act on the new bed only.
    services.stay_extend(actor=world.provider_staff, stay=stay, planned_end_at=stay.planned_end_at + timedelta(days=1))
    assert BedAllocation.objects.get(bed=new, is_active=True).ends_at == stay.planned_end_at + timedelta(days=1)
    entry = AuditEntry.objects.get(action="housing.stay.moved", object_id=str(stay.pk))
    assert (entry.details["from_beds"], entry.details["to_beds"]) == ([old.pk], [new.pk])


def test_the_person_file_shows_the_move_and_the_new_beds(world):
    stay = person_stay(world)
    services.move(actor=world.hub_worker, record=stay, site=world.site, bed_ids=[world.shared_beds[1].pk])
    [row] = [row for row in person_housing(user=world.hub_worker, person=world.person) if row.kind == "stay"]
    assert row.beds == ["Dortoir · D2"]
    [moved] = row.moves
    assert "Dortoir · D1" in moved and "Dortoir · D2" in moved and "Maison Saint-Roch" in moved


def test_the_hub_moves_a_hold_to_another_provider_site_and_both_boards_are_told(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    factories.partnership(world.hub, provider, PartnershipScope.HOUSING)
    site, beds = other_site(world, provider=provider, beds=3)
    held = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now() + timedelta(hours=3),
    )
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append(group))
    with django_capture_on_commit_callbacks(execute=True):
        services.move(actor=world.hub_worker, record=held, site=site, bed_ids=[bed.pk for bed in beds])
    assert sorted(sent) == sorted(f"stream.housing.availability.{pk}" for pk in (world.site.pk, site.pk))
    held.refresh_from_db()
    assert held.site == site
    assert held.expires_at == held.expected_arrival_at + site.hold_grace
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.AVAILABLE}
    assert set(bed_statuses(beds).values()) == {BedStatus.HELD}
    # Checked in at the new site, on the new beds.
    stay = services.stay_check_in(actor=factories.member(provider, Role.WORKER), hold=held)
    assert set(stay.allocations.values_list("bed_id", flat=True)) == {bed.pk for bed in beds}


def set_gender(person: Person, gender: str) -> None:
    Person.objects.filter(pk=person.pk).update(gender_identity=gender)


RULES = {
    "women_only": ({"women_only": True}, lambda world: set_gender(world.person, GenderIdentity.MAN)),
    "men_only": ({"men_only": True}, lambda world: set_gender(world.person, GenderIdentity.WOMAN)),
    "wheelchair_access": (
        {},
        lambda world: Person.objects.filter(pk=world.person.pk).update(needs_wheelchair_access=True),
    ),
    "families": ({"families": False}, None),
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_move_that_breaks_the_new_site_rule_is_refused_and_nothing_moves(world, rule):
    site_rules, change_person = RULES[rule]
    site, beds = other_site(world, beds=3, **site_rules)
    if rule == "families":
        held = services.hold_create(
            actor=world.hub_worker,
            organisation=world.hub,
            site=world.site,
            bed_ids=[bed.pk for bed in world.family_beds],
            household=world.household,
            expected_arrival_at=timezone.now() + timedelta(hours=1),
        )
        record, targets = held, beds
    else:
        record, targets = person_stay(world), beds[:1]
        change_person(world)
    with pytest.raises(ConflictError) as refused:
        services.move(actor=world.hub_worker, record=record, site=site, bed_ids=[bed.pk for bed in targets])
    assert rule in [refusal["code"] for refusal in refused.value.extra["refusals"]]
    assert not BedMove.objects.exists()
    assert not BedAllocation.objects.filter(bed__site=site).exists()
    assert type(record).objects.get(pk=record.pk).site == world.site


def test_a_stay_longer_than_the_new_site_allows_is_refused(world):
    site, beds = other_site(world, max_stay_days=2)
    stay = person_stay(world)
    with pytest.raises(ApplicationError) as refused:
        services.move(actor=world.hub_worker, record=stay, site=site, bed_ids=[beds[0].pk])
    assert refused.value.code == "beyond_max_stay"


def test_a_coordinator_overrides_the_rule_with_a_written_reason_audited(world):
    site, beds = other_site(world, women_only=True)
    stay = person_stay(world)
    set_gender(world.person, GenderIdentity.MAN)
    with pytest.raises(ApplicationError) as refused:
        services.move(actor=world.hub_worker, record=stay, site=site, bed_ids=[beds[0].pk], override_reason="Urgence")
    assert refused.value.code == "override_not_allowed"
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    bed_move = services.move(
        actor=coordinator, record=stay, site=site, bed_ids=[beds[0].pk], override_reason="Accord de la directrice"
    )
    assert bed_move.override_reason == "Accord de la directrice"
    entry = AuditEntry.objects.get(action="housing.stay.moved", object_id=str(stay.pk))
    assert entry.details["overridden"] == ["women_only"]
    assert entry.details["override_reason"] == "Accord de la directrice"
    # The override carries to the extension at the new site.
    services.stay_extend(actor=coordinator, stay=stay, planned_end_at=stay.planned_end_at + timedelta(days=1))


def test_a_taken_bed_is_a_409_and_nothing_moves(world):
    stay = person_stay(world)
    services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[1].pk],
        person=factories.person(world.hub),
        expected_arrival_at=timezone.now(),
    )
    with pytest.raises(ConflictError) as refused:
        services.move(actor=world.hub_worker, record=stay, site=world.site, bed_ids=[world.shared_beds[1].pk])
    assert refused.value.code == "beds_taken"
    assert BedAllocation.objects.get(stay=stay).is_active
    assert not BedMove.objects.exists()


def test_the_same_beds_are_refused(world):
    stay = person_stay(world)
    with pytest.raises(ApplicationError) as refused:
        services.move(actor=world.hub_worker, record=stay, site=world.site, bed_ids=[world.shared_beds[0].pk])
    assert refused.value.code == "same_beds"


def test_the_provider_moves_within_its_site_only_and_others_not_at_all(world):
    site, beds = other_site(world)
    stay = person_stay(world)
    # Another site of the same provider: moving there is the placing hub's decision.
    with pytest.raises(NotFoundError):
        services.move(actor=world.provider_staff, record=stay, site=site, bed_ids=[beds[0].pk])
    outsider = factories.member(factories.organisation(kind=OrganisationKind.HUB), Role.WORKER)
    with pytest.raises(NotFoundError):
        services.move(actor=outsider, record=stay, site=world.site, bed_ids=[world.shared_beds[1].pk])
    unpartnered = Site.objects.create(
        provider=factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER),
        name="Ailleurs",
        address="2, rue X",
        kind=SiteKind.EMERGENCY,
    )
    with pytest.raises(NotFoundError):
        services.move(actor=world.hub_worker, record=stay, site=unpartnered, bed_ids=[beds[0].pk])
    assert not BedMove.objects.exists()
    services.move(actor=world.hub_worker, record=stay, site=site, bed_ids=[beds[0].pk])


def test_the_move_page_moves_a_stay_and_shows_a_refusal_next_to_the_form(world, client):
    stay = person_stay(world)
    login(client, world.provider_staff)
    url = reverse("housing:stay-move", args=[stay.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Dortoir · D2" in page.content.decode()
    Person.objects.filter(pk=world.person.pk).update(needs_wheelchair_access=True)
    refused = client.post(url, {"site": world.site.pk, "beds": [world.shared_beds[1].pk]})
    assert refused.status_code == 409
    assert refused.context["form"].non_field_errors()
    Person.objects.filter(pk=world.person.pk).update(needs_wheelchair_access=False)
    moved = client.post(url, {"site": world.site.pk, "beds": [world.shared_beds[1].pk]})
    assert moved.status_code == 302
    assert BedAllocation.objects.get(stay=stay, is_active=True).bed == world.shared_beds[1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_to_the_same_free_bed_one_wins_the_other_a_clean_409():
    world = build_housing_world()
    site, [target, _spare] = other_site(world)
    stays = [person_stay(world, world.shared_beds[0])]
    second = factories.person(world.hub)
    held = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[1].pk],
        person=second,
        expected_arrival_at=timezone.now(),
    )
    stays.append(services.stay_check_in(actor=world.provider_staff, hold=held))
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(stay):
        try:
            barrier.wait()
            outcomes.append(services.move(actor=world.hub_worker, record=stay, site=site, bed_ids=[target.pk]))
        except Exception as error:  # collected and checked below
            outcomes.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt, args=(stay,)) for stay in stays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    moves = [outcome for outcome in outcomes if isinstance(outcome, BedMove)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(moves), len(conflicts)) == (1, 1), outcomes
    assert conflicts[0].code == "beds_taken"
    assert BedAllocation.objects.filter(bed=target, is_active=True).count() == 1
    # The loser still has its old bed.
    loser = next(stay for stay in stays if stay.pk != moves[0].stay_id)
    assert BedAllocation.objects.filter(stay=loser, is_active=True).count() == 1
    assert Hold.objects.count() == 2
    assert connection.vendor == "postgresql"


def test_a_refusal_for_several_taken_beds_counts_them(world):
    """L5: a family's hold losing two beds is not told "this bed"."""
    with translation.override("en-ca"):
        error = services.BedsTakenError(extra={"beds": [1, 2], "version": 0})
        assert str(error.message) == "2 of these beds were just taken. The board shows what is free now."
        assert str(services.BedsTakenError(extra={"beds": [1]}).message).startswith("This bed was just taken.")
    with translation.override("es-419"):
        assert str(error.message).startswith("2 de estas camas")


def test_an_earlier_override_covers_only_the_rules_it_was_given_for(world):
    """A man placed at a women-only site by a coordinator's override may be moved within it to
    another shared bed without a new reason; into its family unit (a rule the override did not
    cover) he may not, unless a coordinator decides it again."""
    site, beds = other_site(world, women_only=True, beds=2)
    unit = Room.objects.create(site=site, name="Unité", kind=RoomKind.FAMILY_UNIT)
    unit_bed = Bed.objects.create(site=site, room=unit, label="U1")
    stay = person_stay(world)
    set_gender(world.person, GenderIdentity.MAN)
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    services.move(actor=coordinator, record=stay, site=site, bed_ids=[beds[0].pk], override_reason="Accord")
    services.move(actor=world.provider_staff, record=stay, site=site, bed_ids=[beds[1].pk])
    with pytest.raises(ConflictError) as refused:
        services.move(actor=world.provider_staff, record=stay, site=site, bed_ids=[unit_bed.pk])
    assert "family_unit_for_families" in {refusal["code"] for refusal in refused.value.extra["refusals"]}
    bed_move = services.move(
        actor=coordinator, record=stay, site=site, bed_ids=[unit_bed.pk], override_reason="Seul lit ce soir"
    )
    assert bed_move.override_reason == "Seul lit ce soir"


def test_the_check_in_hours_box_is_offered_only_for_a_hold_moved_to_another_site(world):
    site, _beds = other_site(world)
    hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now() + timedelta(hours=1),
    )
    client = Client()
    login(client, world.hub_worker)
    url = reverse("housing:hold-move", args=[hold.pk])
    assert "confirm_outside_check_in" not in client.get(url).content.decode()
    assert "confirm_outside_check_in" in client.get(url, {"site": site.pk}).content.decode()
