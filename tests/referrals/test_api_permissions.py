"""The permission matrix for the referrals API, from the sending side and from the receiving side,
and for a referral's message thread."""

import pytest
from django.urls import reverse

from organisations import services
from organisations.choices import NeedCategory, OrganisationKind, Role
from organisations.models import Membership
from people.choices import DataGroup, NeedUrgency
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralMessage
from tests import factories
from tests.permission_matrix import CreateMatrix, UpdateMatrix, ViewMatrix


class ReferralMatrix:
    basename = "referral"
    box = "all"
    view_role = Role.WORKER
    change_role = Role.WORKER
    create_role = Role.WORKER
    readonly_role = Role.LIAISON

    def list_url(self):
        return f"{reverse('referral-list')}?box={self.box}"

    def test_without_grant_sees_nothing(self, api, network):
        """The list is keyset-paginated and counts nothing: "sees nothing" is an empty page."""
        obj = self.make(network.a)
        api.force_authenticate(network.outsider)
        response = api.get(self.list_url())
        assert response.status_code == 200
        assert response.json()["results"] == []
        assert "count" not in response.json()
        assert api.get(self.detail_url(obj)).status_code == 404

    def send_update(self, api, obj):
        obj.refresh_from_db()
        return api.post(reverse(f"referral-{self.transition}", args=[obj.pk]), {"version": obj.version}, format="json")

    def changed(self, obj):
        return Referral.objects.get(pk=obj.pk).status == self.changed_status


class TestReferralSentSide(ReferralMatrix, ViewMatrix, UpdateMatrix, CreateMatrix):
    """The sending organisation's case workers see what it sent and cancel it."""

    box = "sent"
    transition = "cancel"
    changed_status = ReferralStatus.CANCELLED

    def make(self, side):
        return factories.referral(side.organisation, factories.organisation())

    def create_payload(self, side):
        recipient = factories.organisation()
        factories.partnership(side.organisation, recipient)
        person = factories.person(side.organisation)
        consent = factories.consent(person, recipient)
        return {
            "sender": side.organisation.pk,
            "recipient": recipient.pk,
            "person": person.pk,
            "consent": consent.pk,
            "need_category": NeedCategory.FOOD,
            "urgency": NeedUrgency.DAYS,
            "shared_groups": [DataGroup.IDENTITY],
        }

    def count(self):
        return Referral.objects.count()


class TestReferralReceivedSide(ReferralMatrix, ViewMatrix, UpdateMatrix):
    """The receiving organisation's case workers see what it received and answer it."""

    box = "received"
    transition = "accept"
    changed_status = ReferralStatus.ACCEPTED

    def make(self, side):
        return factories.referral(factories.organisation(kind=OrganisationKind.HUB), side.organisation)


class TestMessagePermissions:
    """The thread of a referral: both sides read and write it, nobody else reaches it."""

    @pytest.fixture
    def referral(self, network):
        referral = factories.referral(network.a.organisation, network.b.organisation)
        ReferralMessage.objects.create(
            referral=referral, author=network.a[Role.WORKER], organisation=network.a.organisation, body="Bonjour"
        )
        return referral

    def url(self, referral):
        return reverse("referral-messages", args=[referral.pk])

    def test_anonymous_is_refused(self, api, referral):
        assert api.get(self.url(referral)).status_code == 401
        assert api.post(self.url(referral), {"body": "x"}, format="json").status_code == 401

    @pytest.mark.parametrize(("side", "role"), [("a", Role.WORKER), ("a", Role.ADMIN), ("b", Role.WORKER)])
    def test_both_sides_read_and_write(self, api, network, referral, side, role):
        api.force_authenticate(getattr(network, side)[role])
        assert [row["body"] for row in api.get(self.url(referral)).json()] == ["Bonjour"]
        response = api.post(self.url(referral), {"body": "Une question"}, format="json")
        assert response.status_code == 201
        assert response.json()["organisation"]["id"] == getattr(network, side).organisation.pk
        assert referral.messages.count() == 2

    @pytest.mark.parametrize(("side", "role"), [("a", Role.LIAISON), ("b", Role.PRIVACY_OFFICER), (None, None)])
    def test_nobody_else_reaches_the_thread(self, api, network, referral, side, role):
        api.force_authenticate(getattr(network, side)[role] if side else network.outsider)
        assert api.get(self.url(referral)).status_code == 404
        assert api.post(self.url(referral), {"body": "Intrusion"}, format="json").status_code == 404
        assert referral.messages.count() == 1

    def test_another_partner_does_not_reach_the_thread(self, api, network, referral):
        other = factories.side()
        factories.referral(network.a.organisation, other.organisation)
        api.force_authenticate(other[Role.WORKER])
        assert api.get(self.url(referral)).status_code == 404
        assert api.post(self.url(referral), {"body": "Intrusion"}, format="json").status_code == 404
        assert referral.messages.count() == 1

    def test_membership_ended_removes_access(self, api, network, referral):
        agent = network.b[Role.WORKER]
        api.force_authenticate(agent)
        assert api.get(self.url(referral)).status_code == 200
        for membership in Membership.objects.filter(user=agent, is_active=True):
            services.membership_end(actor=None, membership=membership)
        assert api.get(self.url(referral)).status_code == 404
