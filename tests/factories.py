"""Test data built through the services, so role groups and grants are those of production."""

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organisations import services
from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, Partnership, User
from organisations.permissions import users_with_organisation_permission
from people import services as people_services
from people.choices import ConsentMethod, DataGroup, NeedUrgency
from referrals import services as referral_services

_sequence = itertools.count(1)


def restart_numbering() -> None:
    """Number new objects from 1 again, for a test that needs the same names whatever ran before
    it (the API contract run: its seed must send the same requests)."""
    global _sequence
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


def _in_french(fields: dict, *texts: str) -> dict:
    """A factory's ``name="…"`` is the French text (``name_fr``): tests write in the reference
    language unless they say which."""
    for text in texts:
        if text in fields:
            fields[f"{text}_fr"] = fields.pop(text)
    return fields


def service(organisation: Organisation, **fields):
    _in_french(fields, "name", "description", "eligibility", "how_to_refer")
    fields.setdefault("name_fr", f"Service {next(_sequence)}")
    fields.setdefault("need_categories", [NeedCategory.FOOD])
    fields.setdefault("languages", ["fr", "es"])
    return services.service_create(actor=None, organisation=organisation, **fields)


def location(organisation: Organisation, **fields):
    _in_french(fields, "name", "description")
    fields.setdefault("name_fr", f"Location {next(_sequence)}")
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


# --- Case work: people, consents, partnerships, referrals (through the services) ------------------


def case_worker(organisation: Organisation) -> User:
    """A user who works ``organisation``'s cases: an existing one, else a new worker."""
    worker = users_with_organisation_permission(organisation, "work_cases").order_by("pk").first()
    return worker or member(organisation, Role.WORKER)


def person(owner: Organisation, *, actor: User | None = None, **fields):
    number = next(_sequence)
    fields.setdefault("given_names", f"Ana{number}")
    fields.setdefault("family_names", f"López{number} García")
    return people_services.person_create(actor=actor or case_worker(owner), owner=owner, **fields)


_new_person = person  # for ``referral``, whose ``person`` argument hides this function


def consent(person, recipient: Organisation, *, actor: User | None = None, **fields):
    """A consent to share identity and contact with ``recipient`` for food and employment."""
    fields.setdefault("purposes", [NeedCategory.FOOD, NeedCategory.EMPLOYMENT])
    fields.setdefault("data_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
    fields.setdefault("method", ConsentMethod.SIGNED)
    fields.setdefault("language", "es")
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=180))
    return people_services.consent_record(
        actor=actor or case_worker(person.owner), person=person, recipient=recipient, **fields
    )


# A PDF as far as the agreement's document check reads it (its first bytes).
AGREEMENT_PDF = b"%PDF-1.4\n% a signed data-sharing agreement\n%%EOF\n"


def agreement_document(content: bytes = AGREEMENT_PDF, name: str = "agreement.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def agreement(partnership: Partnership, *, actor: User | None = None, **fields):
    """A data-sharing agreement on ``partnership``: by default every purpose and every data
    group, from a month ago to a year from now, recorded by the platform."""
    today = timezone.localdate()
    fields.setdefault("reference", f"EPR-{next(_sequence)}")
    fields.setdefault("purposes", list(NeedCategory.values))
    fields.setdefault("data_groups", list(DataGroup.values))
    fields.setdefault("valid_from", today - timedelta(days=30))
    fields.setdefault("valid_until", today + timedelta(days=365))
    fields.setdefault("document", agreement_document())
    return services.agreement_record(actor=actor, partnership=partnership, **fields)


def partnership(
    organisation: Organisation,
    partner: Organisation,
    scope: str = PartnershipScope.REFERRALS,
    *,
    with_agreement: bool = True,
):
    """The active partnership, proposed and accepted by the platform if there is none, with a
    data-sharing agreement in force that covers everything unless ``with_agreement=False``
    (referrals and holds need one)."""
    found = Partnership.objects.active().filter(organisation=organisation, partner=partner, scope=scope).first()
    if found is None:
        proposal = services.partnership_propose(actor=None, organisation=organisation, partner=partner, scope=scope)
        found = services.partnership_accept(actor=None, partnership=proposal)
    if with_agreement and not found.agreements.in_force().exists():
        agreement(found)
    return found


def referral(sender: Organisation, recipient: Organisation, *, person=None, actor: User | None = None, **fields):
    """A referral from ``sender`` to ``recipient`` (sent unless ``send=False``), with the
    partnership, the person and the consent it needs made on the way when not given."""
    actor = actor or case_worker(sender)
    partnership(sender, recipient)
    person = person or _new_person(sender, actor=actor)
    fields.setdefault("need_category", NeedCategory.FOOD)
    fields.setdefault("urgency", NeedUrgency.DAYS)
    fields.setdefault("shared_groups", [DataGroup.IDENTITY, DataGroup.CONTACT])
    if "consent" not in fields:
        fields["consent"] = consent(person, recipient, actor=actor)
    return referral_services.referral_create(actor=actor, sender=sender, recipient=recipient, person=person, **fields)


def side(kind: str = OrganisationKind.COMMUNITY, roles=tuple(Role)) -> Side:
    """One more organisation with one member for each of ``roles`` (a third party next to
    ``Network``)."""
    org = organisation(kind=kind)
    return Side(org, {role: member(org, role) for role in roles})


def shipped_deadline_rules() -> None:
    """Passerelle's deadline rules as the data migrations ship them (a transactional test
    flushes the rows data migrations wrote, so tests that need them make sure they are there)."""
    import importlib

    from people.models import DeadlineRule

    for name in ("0002_deadline_rules", "0011_more_deadline_rules"):
        for trigger, pathways, due, days in importlib.import_module(f"people.migrations.{name}").RULES:
            DeadlineRule.objects.get_or_create(
                organisation=None, trigger=trigger, due=due, defaults={"pathways": pathways, "days": days}
            )
