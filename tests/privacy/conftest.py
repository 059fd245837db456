"""Fixtures of the privacy tests: a hub with one member per role (``network.a``), a partner
(``network.b``), and a household of three at the hub."""

from dataclasses import dataclass

import pytest

from organisations.choices import Role
from people import services as people_services
from people.models import Person
from tests import factories


@dataclass
class Family:
    ana: Person  # the person who asks for her file
    partner: Person  # a member who did not consent to be in Ana's export
    son: Person  # a member who did
    stranger: Person  # someone else at the same hub


@pytest.fixture
def family(network) -> Family:
    hub = network.a.organisation
    worker = network.a[Role.WORKER]
    ana = factories.person(
        hub,
        actor=worker,
        given_names="Ana",
        family_names="Suárez",
        phone="418 555-0101",
        notes="Prefers morning calls.",
        preferred_language="es",
    )
    partner = factories.person(hub, actor=worker, given_names="Bernardo", family_names="Quintero")
    son = factories.person(hub, actor=worker, given_names="Tomás", family_names="Suárez")
    stranger = factories.person(hub, actor=worker, given_names="Zoe", family_names="Extraña")
    people_services.household_create(
        actor=worker,
        owner=hub,
        name="Suárez",
        members=[(ana, "head"), (partner, "spouse_partner"), (son, "child")],
    )
    return Family(*(Person.objects.get(pk=person.pk) for person in (ana, partner, son, stranger)))
