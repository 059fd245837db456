"""Test data built through the services, so role groups and grants are those of production."""

import itertools
from dataclasses import dataclass, field

from organisations import services
from organisations.choices import NeedCategory, OrganisationKind, Role
from organisations.models import Organisation, User

_sequence = itertools.count(1)

PASSWORD = "a-long-test-password"


def organisation(*, kind: str = OrganisationKind.COMMUNITY, name: str | None = None, **fields) -> Organisation:
    number = next(_sequence)
    return services.organisation_create(
        actor=None, name=name or f"Organisation {number}", slug=f"org-{number}", kind=kind, **fields
    )


def user(*, email: str | None = None, language: str = "fr-ca", **fields) -> User:
    number = next(_sequence)
    return User.objects.create_user(
        email or f"user{number}@example.org",
        PASSWORD,
        full_name=fields.pop("full_name", f"User {number}"),
        preferred_language=language,
        **fields,
    )


def member(organisation: Organisation, role: str, **user_fields) -> User:
    person = user(**user_fields)
    services.membership_grant(actor=None, organisation=organisation, user=person, role=role)
    return person


def service(organisation: Organisation, **fields):
    fields.setdefault("name", f"Service {next(_sequence)}")
    fields.setdefault("need_categories", [NeedCategory.FOOD])
    fields.setdefault("languages", ["fr", "es"])
    return services.service_create(actor=None, organisation=organisation, **fields)


def location(organisation: Organisation, **fields):
    fields.setdefault("name", f"Location {next(_sequence)}")
    fields.setdefault("address_1", "1, rue Principale")
    return services.location_create(actor=None, organisation=organisation, **fields)


@dataclass
class Side:
    """One organisation and one member for each role."""

    organisation: Organisation
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


@dataclass
class Network:
    a: Side
    b: Side
    outsider: User

    @classmethod
    def build(cls) -> "Network":
        sides = []
        for kind in (OrganisationKind.HUB, OrganisationKind.EMPLOYMENT):
            org = organisation(kind=kind)
            sides.append(Side(org, {role: member(org, role) for role in Role}))
        return cls(a=sides[0], b=sides[1], outsider=user())
