"""An organisation always keeps an admin (outside test, F13): ending the last active admin role,
by that admin or by anyone, is refused; the platform's staff may, in the Django admin."""

from django.urls import reverse

from organisations import services
from organisations.choices import Role
from organisations.models import AuditEntry, Membership
from tests import factories
from tests.auth import login


def end(api, user, membership):
    api.force_authenticate(user)
    return api.post(reverse("membership-end", args=[membership.pk]), HTTP_ACCEPT_LANGUAGE="fr")


def test_the_last_admin_cannot_end_their_own_role(api, network):
    admin = network.a[Role.ADMIN]
    membership = Membership.objects.get(user=admin, organisation=network.a.organisation, role=Role.ADMIN)
    response = end(api, admin, membership)
    assert (response.status_code, response.json()["code"]) == (422, "last_admin")
    assert "dernier" in response.json()["detail"]
    membership.refresh_from_db()
    assert membership.is_active
    assert not AuditEntry.objects.filter(action="organisations.membership.ended").exists()


def test_with_a_second_admin_either_may_end_a_role_but_not_the_last_one(api, network):
    organisation = network.a.organisation
    first = network.a[Role.ADMIN]
    second = factories.member(organisation, Role.ADMIN)
    mine = Membership.objects.get(user=first, organisation=organisation, role=Role.ADMIN)
    theirs = Membership.objects.get(user=second, organisation=organisation, role=Role.ADMIN)

    assert end(api, first, theirs).status_code == 200
    response = end(api, first, mine)
    assert (response.status_code, response.json()["code"]) == (422, "last_admin")
    # Other roles of the organisation are ended as before.
    worker = Membership.objects.get(user=network.a[Role.WORKER], organisation=organisation)
    assert end(api, first, worker).status_code == 200


def test_the_platforms_staff_may_end_the_last_admin_role_in_the_django_admin(client, network):
    membership = Membership.objects.get(user=network.a[Role.ADMIN], organisation=network.a.organisation)
    staff = factories.user(is_staff=True, is_superuser=True)
    login(client, staff)
    response = client.post(
        reverse("admin:organisations_membership_changelist"),
        {"action": "end_memberships", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    # The system's own acts (the expiry job) are not held back either.
    other = Membership.objects.get(user=network.b[Role.ADMIN], organisation=network.b.organisation)
    services.membership_end(actor=None, membership=other, reason="expired")
    other.refresh_from_db()
    assert not other.is_active
