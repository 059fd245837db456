"""The world of the person-file page tests: a hub with a worker and a liaison, a partner the hub
refers to (with an agent), and another hub that shares nothing with it."""

from dataclasses import dataclass

from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, User
from tests import factories


@dataclass
class World:
    hub: Organisation
    worker: User
    partner: Organisation
    agent: User
    other_hub: Organisation
    other_worker: User
    liaison: User


def build_world() -> World:
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
    other_hub = factories.organisation(kind=OrganisationKind.HUB, name="Autre carrefour")
    factories.partnership(hub, partner, PartnershipScope.REFERRALS)
    return World(
        hub=hub,
        worker=factories.member(hub, Role.WORKER, language="en-ca"),
        partner=partner,
        agent=factories.member(partner, Role.WORKER, language="en-ca"),
        other_hub=other_hub,
        other_worker=factories.member(other_hub, Role.WORKER, language="en-ca"),
        liaison=factories.member(hub, Role.LIAISON, language="en-ca"),
    )
