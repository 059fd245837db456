"""The permission matrix for every endpoint of the organisations API."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from organisations.choices import NeedCategory, PartnershipScope, Role
from organisations.models import AuditEntry, Location, Membership, Organisation, Partnership, Service
from tests import factories
from tests.permission_matrix import CreateMatrix, UpdateMatrix, ViewMatrix


class TestOrganisationPermissions(ViewMatrix, UpdateMatrix):
    basename = "organisation"
    view_scope = "network"

    def make(self, side):
        return side.organisation

    def update_payload(self, obj):
        return {"description": "Nouvelle description"}

    def changed(self, obj):
        return Organisation.objects.get(pk=obj.pk).description == "Nouvelle description"


class TestServicePermissions(ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "service"
    view_scope = "network"

    def make(self, side):
        return factories.service(side.organisation)

    def update_payload(self, obj):
        return {"name": "Renamed service", "need_categories": [NeedCategory.EMPLOYMENT]}

    def changed(self, obj):
        service = Service.objects.get(pk=obj.pk)
        return service.name == "Renamed service" and service.need_categories == [NeedCategory.EMPLOYMENT]

    def create_payload(self, side):
        return {
            "organisation": side.organisation.pk,
            "name": "Clinique",
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
        return {"organisation": side.organisation.pk, "name": "Point de service", "address_1": "2, rue du Pont"}

    def count(self):
        return Location.objects.count()


class TestMembershipPermissions(ViewMatrix, UpdateMatrix, CreateMatrix):
    basename = "membership"

    def make(self, side):
        return Membership.objects.get(user=side[Role.LIAISON], organisation=side.organisation)

    def update_payload(self, obj):
        return {"valid_until": (timezone.now() + timedelta(days=365)).isoformat()}

    def changed(self, obj):
        return Membership.objects.get(pk=obj.pk).valid_until is not None

    def create_payload(self, side):
        return {
            "organisation": side.organisation.pk,
            "user_email": "nouvelle@example.org",
            "full_name": "Nouvelle Personne",
            "role": Role.WORKER,
        }

    def count(self):
        return Membership.objects.count()


class TestPartnershipPermissions(ViewMatrix, CreateMatrix):
    basename = "partnership"
    create_role = Role.COORDINATOR

    def make(self, side):
        partner = factories.organisation()
        return Partnership.objects.create(
            organisation=side.organisation, partner=partner, scope=PartnershipScope.REFERRALS
        )

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
