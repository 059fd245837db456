"""Rules the housing pages used to compute themselves, now read from ``housing.selectors``: a
site card's counts (``site_summary``) and where a hold's or a stay's people may be moved
(``move_sites``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from housing import selectors, services
from housing.choices import BedStatus, RoomKind, SiteKind
from housing.models import Bed, Room, Site
from organisations.choices import OrganisationKind, Role
from tests import factories
from tests.housing.world import build_housing_world, hold_the_family


def bed(room: str, kind: str, status: str) -> dict:
    return {"room": room, "room_kind": kind, "status": status}


def test_a_family_unit_counts_free_only_when_every_bed_of_it_is_free():
    availability = {
        "beds": [
            bed("Unité 1", RoomKind.FAMILY_UNIT, BedStatus.AVAILABLE),
            bed("Unité 1", RoomKind.FAMILY_UNIT, BedStatus.AVAILABLE),
            bed("Unité 2", RoomKind.FAMILY_UNIT, BedStatus.AVAILABLE),
            bed("Unité 2", RoomKind.FAMILY_UNIT, BedStatus.HELD),
            bed("Dortoir", RoomKind.SHARED_ROOM, BedStatus.AVAILABLE),
            bed("Dortoir", RoomKind.SHARED_ROOM, BedStatus.OCCUPIED),
            bed("Dortoir", RoomKind.SHARED_ROOM, BedStatus.OUT_OF_SERVICE),
        ],
        "counts": {"available": 4, "held": 1, "occupied": 1, "out_of_service": 1},
    }
    assert selectors.site_summary(availability) == {
        "family_units_total": 2,
        "family_units_free": 1,
        "shared_beds_total": 3,
        "shared_beds_free": 1,
        "available": 4,
        "held": 1,
        "occupied": 1,
        "out_of_service": 1,
    }


def test_a_site_without_beds_sums_up_to_zero():
    summary = selectors.site_summary({"beds": [], "counts": {}})
    assert summary == {"family_units_total": 0, "family_units_free": 0, "shared_beds_total": 0, "shared_beds_free": 0}


@pytest.fixture
def world(db):
    return build_housing_world()


@pytest.fixture
def stay(world):
    held = hold_the_family(world)
    return services.stay_check_in(
        actor=world.provider_staff, hold=held, planned_end_at=timezone.now() + timedelta(days=3)
    )


def test_the_placing_hub_may_move_to_every_site_it_may_hold_beds_at(world, stay):
    other = Site.objects.create(
        provider=world.provider, name="Abri du Port", address="3, quai", kind=SiteKind.EMERGENCY
    )
    Bed.objects.create(
        site=other, room=Room.objects.create(site=other, name="Salle", kind=RoomKind.SHARED_ROOM), label="1"
    )
    # A provider the hub has no housing partnership with: its site is not offered.
    Site.objects.create(
        provider=factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER),
        name="Ailleurs",
        address="2, rue X",
        kind=SiteKind.EMERGENCY,
    )
    assert selectors.move_sites(user=world.hub_worker, record=stay) == [other, world.site]


def test_the_hosting_provider_may_move_within_the_record_s_own_site_only(world, stay):
    Site.objects.create(provider=world.provider, name="Abri du Port", address="3, quai", kind=SiteKind.EMERGENCY)
    assert selectors.move_sites(user=world.provider_staff, record=stay) == [world.site]


def test_a_hold_is_moved_by_the_same_rule(world):
    held = hold_the_family(world)
    other = Site.objects.create(
        provider=world.provider, name="Abri du Port", address="3, quai", kind=SiteKind.EMERGENCY
    )
    colleague = factories.member(world.hub, Role.WORKER)
    assert selectors.move_sites(user=colleague, record=held) == [other, world.site]
    assert selectors.move_sites(user=world.provider_staff, record=held) == [world.site]
