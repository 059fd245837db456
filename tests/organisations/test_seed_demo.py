"""The demo data: a realistic network with one login per role, loaded idempotently."""

from io import StringIO

from django.core.management import call_command

from organisations.choices import OrganisationKind, Role
from organisations.demo import DEMO_PASSWORD, PARTNERSHIPS, USERS
from organisations.models import AuditEntry, Membership, Organisation, Partnership, Service, User


def test_seed_demo_is_idempotent_and_prints_the_logins(db):
    first = StringIO()
    call_command("seed_demo", stdout=first)
    counts = [model.objects.count() for model in (Organisation, User, Membership, Partnership, Service)]
    audit_count = AuditEntry.objects.count()

    second = StringIO()
    call_command("seed_demo", stdout=second)
    assert [model.objects.count() for model in (Organisation, User, Membership, Partnership, Service)] == counts
    assert AuditEntry.objects.count() == audit_count
    assert "0 record(s) created" in second.getvalue()

    output = first.getvalue()
    assert DEMO_PASSWORD in output
    for email, *_rest in USERS:
        assert email in output
    assert {role for *_start, role, _purpose in USERS} == set(Role)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        OrganisationKind.HUB,
        OrganisationKind.HOUSING_PROVIDER,
        OrganisationKind.CITY,
        OrganisationKind.HEALTH,
        OrganisationKind.EMPLOYMENT,
        OrganisationKind.FOOD_AID,
        OrganisationKind.FRANCISATION,
        OrganisationKind.LEGAL_AID,
    } <= kinds
    assert User.objects.get(email=USERS[0][0]).check_password(DEMO_PASSWORD)
    # The demo flows (the hub refers to partners, holds beds at providers) need them in force.
    assert Partnership.objects.count() == len(PARTNERSHIPS)
    assert Partnership.objects.active().count() == len(PARTNERSHIPS)
