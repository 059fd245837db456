"""The generic API permission matrix (NetBox's pattern): every endpoint's test subclasses these
and declares only how to make an object and what a write sends.

The cases: anonymous; authenticated without any grant (list empty, detail 404); grant on A only
(A visible, B 404); write without the change right refused; membership ended → access gone.
"""

from django.urls import reverse

from organisations import services
from organisations.choices import Role
from organisations.models import Membership


class ViewMatrix:
    """Reading an endpoint. ``view_scope`` is "organisation" when only the owning organisation's
    roles see an object, "network" when every member of the network does (the directory)."""

    basename: str
    view_scope = "organisation"
    view_role = Role.WORKER
    max_list_queries = 8

    def make(self, side):
        raise NotImplementedError

    def list_url(self):
        return reverse(f"{self.basename}-list")

    def detail_url(self, obj):
        return reverse(f"{self.basename}-detail", args=[obj.pk])

    def listed_ids(self, response):
        return {row["id"] for row in response.json()["results"]}

    def test_anonymous_is_refused(self, api, network):
        obj = self.make(network.a)
        assert api.get(self.list_url()).status_code == 401
        assert api.get(self.detail_url(obj)).status_code == 401

    def test_without_grant_sees_nothing(self, api, network):
        obj = self.make(network.a)
        api.force_authenticate(network.outsider)
        response = api.get(self.list_url())
        assert response.status_code == 200
        assert response.json()["count"] == 0
        assert api.get(self.detail_url(obj)).status_code == 404

    def test_grant_on_a_only(self, api, network, django_assert_max_num_queries):
        a_obj, b_obj = self.make(network.a), self.make(network.b)
        api.force_authenticate(network.a[self.view_role])
        with django_assert_max_num_queries(self.max_list_queries):
            listed = self.listed_ids(api.get(self.list_url()))
        assert a_obj.pk in listed
        assert api.get(self.detail_url(a_obj)).status_code == 200
        if self.view_scope == "network":
            assert b_obj.pk in listed
            assert api.get(self.detail_url(b_obj)).status_code == 200
        else:
            assert b_obj.pk not in listed
            assert api.get(self.detail_url(b_obj)).status_code == 404

    def test_membership_ended_removes_access(self, api, network):
        obj = self.make(network.a)
        viewer = network.a[self.view_role]
        api.force_authenticate(viewer)
        assert api.get(self.detail_url(obj)).status_code == 200
        for membership in Membership.objects.filter(user=viewer, is_active=True):
            services.membership_end(actor=None, membership=membership)
        assert obj.pk not in self.listed_ids(api.get(self.list_url()))
        assert api.get(self.detail_url(obj)).status_code == 404


class UpdateMatrix:
    """Changing an object: the change right on A's object only, and no change right at all."""

    change_role = Role.ADMIN
    readonly_role = Role.WORKER

    def update_payload(self, obj) -> dict:
        raise NotImplementedError

    def changed(self, obj) -> bool:
        """Whether ``update_payload`` was applied to ``obj`` (read back from the database)."""
        raise NotImplementedError

    def update_url(self, obj):
        return self.detail_url(obj)

    def send_update(self, api, obj):
        return api.patch(self.update_url(obj), self.update_payload(obj), format="json")

    def test_update_with_grant_on_a_only(self, api, network):
        a_obj, b_obj = self.make(network.a), self.make(network.b)
        api.force_authenticate(network.a[self.change_role])
        response = self.send_update(api, a_obj)
        assert response.status_code == 200, response.json()
        assert self.changed(a_obj)
        assert self.send_update(api, b_obj).status_code == 404
        assert not self.changed(b_obj)

    def test_update_without_change_right_is_refused(self, api, network):
        obj = self.make(network.a)
        api.force_authenticate(network.a[self.readonly_role])
        assert self.send_update(api, obj).status_code == 404
        assert not self.changed(obj)


class CreateMatrix:
    """Creating an object for one's own organisation, for another, and without the right."""

    create_role = Role.ADMIN
    readonly_role = Role.WORKER

    def create_payload(self, side) -> dict:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def test_create_with_grant_on_a_only(self, api, network):
        api.force_authenticate(network.a[self.create_role])
        before = self.count()
        response = api.post(self.list_url(), self.create_payload(network.a), format="json")
        assert response.status_code == 201, response.json()
        assert self.count() == before + 1
        assert api.post(self.list_url(), self.create_payload(network.b), format="json").status_code == 404
        assert self.count() == before + 1

    def test_create_without_right_is_refused(self, api, network):
        api.force_authenticate(network.a[self.readonly_role])
        before = self.count()
        assert api.post(self.list_url(), self.create_payload(network.a), format="json").status_code == 404
        assert self.count() == before
