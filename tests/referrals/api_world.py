"""A small network for the referrals API tests: a hub and partner A with one member per role,
partner B with an admin and a worker, a city with its liaison, and one referral from the hub to
each partner, about a different person."""

from dataclasses import dataclass

from organisations.choices import NeedCategory, OrganisationKind, Role
from people.choices import DataGroup
from people.models import Consent, Person
from referrals.models import Referral
from tests import factories
from tests.factories import Network, Side


@dataclass
class ApiWorld:
    hub: Side
    partner_a: Side
    partner_b: Side
    city: Side
    person_a: Person
    person_b: Person
    consent_a: Consent
    consent_b: Consent
    referral_a: Referral
    referral_b: Referral

    @property
    def hub_worker(self):
        return self.hub[Role.WORKER]

    @property
    def agent_a(self):
        return self.partner_a[Role.WORKER]

    @property
    def agent_b(self):
        return self.partner_b[Role.WORKER]


def build_api_world(network: Network) -> ApiWorld:
    """On top of the ``network`` fixture: its A is the hub and its B partner A."""
    hub, partner_a = network.a, network.b
    partner_b = factories.side(OrganisationKind.FOOD_AID, roles=(Role.ADMIN, Role.WORKER))
    city = factories.side(OrganisationKind.CITY, roles=(Role.LIAISON,))
    worker = hub[Role.WORKER]
    person_a = factories.person(
        hub.organisation,
        actor=worker,
        given_names="María José",
        family_names="García López",
        phone="418 555-0199",
        notes="violence conjugale",
    )
    person_b = factories.person(hub.organisation, actor=worker, given_names="Pedro", family_names="Ramírez Soto")
    consent_a = factories.consent(person_a, partner_a.organisation, actor=worker)
    consent_b = factories.consent(person_b, partner_b.organisation, actor=worker)
    referral_a = factories.referral(
        hub.organisation,
        partner_a.organisation,
        person=person_a,
        consent=consent_a,
        actor=worker,
        need_category=NeedCategory.EMPLOYMENT,
        shared_groups=[DataGroup.IDENTITY, DataGroup.CONTACT],
        reason="Cherche un emploi en cuisine",
    )
    referral_b = factories.referral(
        hub.organisation, partner_b.organisation, person=person_b, consent=consent_b, actor=worker
    )
    return ApiWorld(hub, partner_a, partner_b, city, person_a, person_b, consent_a, consent_b, referral_a, referral_b)
