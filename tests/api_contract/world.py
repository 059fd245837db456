"""A small network for the API contract run (schemathesis): two sides that share nothing, each
with a hub whose user has every role, the hub's own housing provider (the same user works its
sites), a partner the hub refers to, and case work in every part of the API, so that each user
reads and writes real objects and each side's objects are out of the other's reach."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from housing import services as housing_services
from housing.choices import RoomKind, SiteKind, UnmetReason
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, User
from people import services as people_services
from people.choices import InterventionType, MilestoneKind, NeedUrgency
from referrals.models import Referral
from tests import factories


@dataclass
class ContractSide:
    """One side of the network: its hub, the hub's housing provider and referral partner, the
    user who holds every role in the hub and works the provider's sites, and a referral."""

    hub: Organisation
    provider: Organisation
    partner: Organisation
    user: User
    referral: Referral


def build_side(label: str, partner_kind: str) -> ContractSide:
    hub = factories.organisation(kind=OrganisationKind.HUB, name=f"Accueil {label}")
    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER, name=f"Hébergement {label}")
    partner = factories.organisation(kind=partner_kind, name=f"Partenaire {label}")
    user = factories.member(hub, Role.ADMIN, email=f"contract-{label.lower()}@example.org")
    for role in (Role.COORDINATOR, Role.WORKER, Role.PRIVACY_OFFICER):
        factories.services.membership_grant(actor=None, organisation=hub, user=user, role=role)
    factories.services.membership_grant(actor=None, organisation=provider, user=user, role=Role.WORKER)
    factories.member(partner, Role.WORKER)
    factories.partnership(hub, provider, PartnershipScope.HOUSING)
    factories.service(partner, need_categories=[NeedCategory.FOOD, NeedCategory.EMPLOYMENT])
    factories.location(hub)

    head = factories.person(hub, actor=user, given_names="Yuliana", family_names=f"Rodríguez {label}")
    child = factories.person(hub, actor=user, given_names="Mateo", family_names=f"Rodríguez {label}")
    single = factories.person(hub, actor=user, given_names="Ibrahim", family_names=f"Diallo {label}")
    household = people_services.household_create(
        actor=user,
        owner=hub,
        name=f"Famille Rodríguez {label}",
        members=[(head, "head"), (child, "child")],
    )
    people_services.need_record(
        actor=user, person=single, category=NeedCategory.HOUSING_EMERGENCY, urgency=NeedUrgency.IMMEDIATE
    )
    people_services.milestone_record(
        actor=user, person=single, kind=MilestoneKind.CLAIM_MADE, occurred_on=timezone.localdate()
    )
    people_services.intervention_log(
        actor=user,
        organisation=hub,
        people=[head, child],
        type=InterventionType.INFORMATION_ORIENTATION,
        language_used="es",
    )
    referral = factories.referral(hub, partner, person=single, actor=user)

    site = housing_services.site_create(
        actor=user,
        provider=provider,
        name=f"Maison {label}",
        address="45, rue du Pont",
        kind=SiteKind.SHORT_TERM,
        families=True,
        minors_accompanied=True,
        max_stay_days=30,
    )
    housing_services.room_create(actor=user, site=site, name="Unité 1", kind=RoomKind.FAMILY_UNIT, beds=3)
    housing_services.room_create(actor=user, site=site, name="Dortoir", kind=RoomKind.SHARED_ROOM, beds=2)
    beds = list(site.beds.order_by("pk").values_list("pk", flat=True))
    hold = housing_services.hold_create(
        actor=user,
        organisation=hub,
        site=site,
        bed_ids=beds[:2],
        household=household,
        expected_arrival_at=timezone.now() + timedelta(hours=4),
    )
    housing_services.hold_create(
        actor=user, organisation=hub, site=site, bed_ids=beds[3:4], person=single, expected_arrival_at=timezone.now()
    )
    housing_services.stay_check_in(actor=user, hold=hold)
    housing_services.unmet_request_record(
        actor=user, organisation=hub, household_size=4, reason=UnmetReason.NO_FAMILY_ROOM
    )
    return ContractSide(hub=hub, provider=provider, partner=partner, user=user, referral=referral)


def build_contract_world() -> tuple[ContractSide, ContractSide]:
    """Side A and side B: nothing of one is within the other's reach but the public directory.
    The same names every time (with the database's sequences reset, the same ids), so that a seed
    sends the same requests alone or after other tests."""
    factories.restart_numbering()
    return build_side("A", OrganisationKind.EMPLOYMENT), build_side("B", OrganisationKind.FOOD_AID)
