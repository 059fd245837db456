"""A small housing world: a hub, a housing provider with one site (a family unit of 3 beds and a
shared room of 2), a housing partnership, and a household of three."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from housing import services
from housing.choices import RoomKind, SiteKind
from housing.models import Bed, Room, Site
from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, User
from people import services as people_services
from people.models import Household, Person
from tests import factories


@dataclass
class HousingWorld:
    hub: Organisation
    provider: Organisation
    site: Site
    family_beds: list[Bed]
    shared_beds: list[Bed]
    hub_worker: User
    provider_staff: User
    household: Household
    person: Person


def build_housing_world() -> HousingWorld:
    hub = factories.organisation(kind=OrganisationKind.HUB)
    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    factories.partnership(hub, provider, PartnershipScope.HOUSING)
    site = Site.objects.create(
        provider=provider,
        name="Maison Saint-Roch",
        address="45, rue du Pont",
        kind=SiteKind.SHORT_TERM,
        families=True,
        minors_accompanied=True,
        max_stay_days=30,
    )
    family = Room.objects.create(site=site, name="Unité 1", kind=RoomKind.FAMILY_UNIT)
    shared = Room.objects.create(site=site, name="Dortoir", kind=RoomKind.SHARED_ROOM)
    family_beds = [Bed.objects.create(site=site, room=family, label=f"F{i}") for i in range(1, 4)]
    shared_beds = [Bed.objects.create(site=site, room=shared, label=f"D{i}") for i in range(1, 3)]
    hub_worker = factories.member(hub, Role.WORKER)
    members = [
        people_services.person_create(actor=hub_worker, owner=hub, given_names=given, family_names="Rodríguez")
        for given in ("Yuliana", "Mateo", "Lía")
    ]
    household = people_services.household_create(
        actor=hub_worker,
        owner=hub,
        name="Famille Rodríguez",
        members=[(members[0], "head"), (members[1], "child"), (members[2], "child")],
    )
    person = people_services.person_create(actor=hub_worker, owner=hub, given_names="Ibrahim", family_names="Diallo")
    return HousingWorld(
        hub=hub,
        provider=provider,
        site=site,
        family_beds=family_beds,
        shared_beds=shared_beds,
        hub_worker=hub_worker,
        provider_staff=factories.member(provider, Role.WORKER),
        household=household,
        person=person,
    )


def hold_the_family(world: HousingWorld, *, hours: float = 1):
    """The world's household holds the family unit for an arrival in ``hours`` (through the service)."""
    return services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now() + timedelta(hours=hours),
    )
