"""The permission matrix for every endpoint of the organisations API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.choices import NeedCategory, PartnershipScope, Role
from organisations.models import (
    AuditEntry,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
)
from tests import factories
from tests.permission_matrix import CreateMatrix, UpdateMatrix, ViewMatrix


class TestOrganisationPermissions(ViewMatrix, UpdateMatrix):
    basename = "organisation"
    view_scope = "network"

    def make(self, side):
        return side.organisation

    def update_payload(self, obj):
        return {"description_fr": "Nouvelle description"}

    def changed(self, obj):
        return Organisation.objects.get(pk=obj.pk).description == "Nouvelle description"


class TestServicePermissions(ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "service"
    view_scope = "network"

    def make(self, side):
        return factories.service(side.organisation)

    def update_payload(self, obj):
        return {"name_fr": "Renamed service", "need_categories": [NeedCategory.EMPLOYMENT]}

    def changed(self, obj):
        service = Service.objects.get(pk=obj.pk)
        return service.name == "Renamed service" and service.need_categories == [NeedCategory.EMPLOYMENT]

    def create_payload(self, side):
        return {
            "organisation": side.organisation.pk,
            "name_fr": "Clinique",
            "need_categories": ["health_physical"],
            "languages": ["es"],
        }

    def count(self):
        return Service.objects.count()


class TestLocationPermissions(ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "location"
    view_scope = "network"

    def make(self, side):
        return factories.location(side.organisation)

    def update_payload(self, obj):
        return {"postal_code": "G1K 3A9"}

    def changed(self, obj):
        return Location.objects.get(pk=obj.pk).postal_code == "G1K 3A9"

    def create_payload(self, side):
        return {"organisation": side.organisation.pk, "name_fr": "Point de service", "address_1": "2, rue du Pont"}

    def count(self):
        return Location.objects.count()


class TestMembershipPermissions(ViewMatrix, UpdateMatrix):
    basename = "membership"

    def make(self, side):
        return Membership.objects.get(user=side[Role.LIAISON], organisation=side.organisation)

    def update_payload(self, obj):
        return {"valid_until": (timezone.now() + timedelta(days=365)).isoformat()}

    def changed(self, obj):
        return Membership.objects.get(pk=obj.pk).valid_until is not None

    def test_a_role_is_never_granted_directly(self, api, network):
        """An admin invites; only the person's acceptance grants the role."""
        api.force_authenticate(network.a[Role.ADMIN])
        before = Membership.objects.count()
        payload = {"organisation": network.a.organisation.pk, "user_email": network.outsider.email, "role": "worker"}
        assert api.post(self.list_url(), payload, format="json").status_code == 405
        assert Membership.objects.count() == before


class TestMembershipInvitationPermissions(ViewMatrix, CreateMatrix):
    """Invitations name an address: only the organisation's admins see and send them."""

    basename = "membership-invitation"
    view_role = Role.ADMIN
    readonly_role = Role.COORDINATOR

    def make(self, side):
        return services.invitation_create(
            actor=None,
            organisation=side.organisation,
            email=f"invite-{side.organisation.pk}@example.org",
            role="worker",
        )

    def create_payload(self, side):
        return {"organisation": side.organisation.pk, "email": "nouvelle@example.org", "role": Role.WORKER}

    def count(self):
        return MembershipInvitation.objects.count()

    def test_only_its_organisations_admins_revoke_it(self, api, network):
        invitation = self.make(network.a)
        url = reverse("membership-invitation-revoke", args=[invitation.pk])
        for user in (network.a[Role.COORDINATOR], network.b[Role.ADMIN], network.outsider):
            api.force_authenticate(user)
            assert api.post(url).status_code == 404
        api.force_authenticate(network.a[Role.ADMIN])
        assert api.post(url).json()["status"] == "revoked"

    def test_other_roles_do_not_see_invitations(self, api, network):
        invitation = self.make(network.a)
        for role in (Role.COORDINATOR, Role.WORKER, Role.PRIVACY_OFFICER):
            api.force_authenticate(network.a[role])
            assert api.get(self.list_url()).json()["count"] == 0
            assert api.get(self.detail_url(invitation)).status_code == 404


class TestPartnershipPermissions(ViewMatrix, CreateMatrix):
    basename = "partnership"
    create_role = Role.COORDINATOR

    def make(self, side):
        return factories.partnership(side.organisation, factories.organisation(), PartnershipScope.REFERRALS)

    def create_payload(self, side):
        return {
            "organisation": side.organisation.pk,
            "partner": factories.organisation().pk,
            "scope": PartnershipScope.HOUSING,
        }

    def count(self):
        return Partnership.objects.count()


class TestAuditEntryPermissions(ViewMatrix):
    basename = "audit-entry"
    view_role = Role.PRIVACY_OFFICER

    def make(self, side):
        return AuditEntry.objects.filter(organisation=side.organisation).first()

    def test_other_roles_do_not_read_the_audit_log(self, api, network):
        self.make(network.a)
        api.force_authenticate(network.a[Role.ADMIN])
        assert api.get(self.list_url()).json()["count"] == 0

    def test_nobody_changes_or_deletes_an_entry(self, api, network):
        entry = self.make(network.a)
        api.force_authenticate(network.a[Role.PRIVACY_OFFICER])
        url = reverse("audit-entry-detail", args=[entry.pk])
        assert api.patch(url, {"action": "x"}, format="json").status_code == 405
        assert api.delete(url).status_code == 405
        assert api.post(self.list_url(), {"action": "x"}, format="json").status_code == 405
