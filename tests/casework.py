"""A small case-work world for service tests: a hub, a partner with a referrals partnership, a
person with a consent for that partner."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, User
from people import services as people_services
from people.choices import ConsentMethod, DataGroup, NeedUrgency
from people.models import Consent, Person
from referrals import services as referral_services
from referrals.models import Referral
from tests import factories


@dataclass
class World:
    hub: Organisation
    partner: Organisation
    other_partner: Organisation
    hub_worker: User
    partner_agent: User
    other_agent: User
    person: Person
    consent: Consent

    def refer(self, **fields) -> Referral:
        fields.setdefault("need_category", NeedCategory.EMPLOYMENT)
        fields.setdefault("urgency", NeedUrgency.DAYS)
        fields.setdefault("shared_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
        fields.setdefault("consent", self.consent)
        fields.setdefault("recipient", self.partner)
        return referral_services.referral_create(actor=self.hub_worker, sender=self.hub, person=self.person, **fields)


def consent_for(world_or_actor, person: Person, recipient: Organisation, **fields) -> Consent:
    actor = world_or_actor.hub_worker if isinstance(world_or_actor, World) else world_or_actor
    fields.setdefault("purposes", [NeedCategory.EMPLOYMENT])
    fields.setdefault("data_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
    fields.setdefault("method", ConsentMethod.SIGNED)
    fields.setdefault("language", "es")
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=90))
    return people_services.consent_record(actor=actor, person=person, recipient=recipient, **fields)


def build_world() -> World:
    hub = factories.organisation(kind=OrganisationKind.HUB)
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT)
    other_partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT)
    for target in (partner, other_partner):
        factories.partnership(hub, target, PartnershipScope.REFERRALS)
    hub_worker = factories.member(hub, Role.WORKER)
    person = people_services.person_create(
        actor=hub_worker,
        owner=hub,
        given_names="María José",
        family_names="García López",
        phone="418 555-0199",
        notes="sensible",
    )
    world = World(
        hub=hub,
        partner=partner,
        other_partner=other_partner,
        hub_worker=hub_worker,
        partner_agent=factories.member(partner, Role.WORKER),
        other_agent=factories.member(other_partner, Role.WORKER),
        person=person,
        consent=None,
    )
    world.consent = consent_for(world, person, partner)
    return world
