"""The access policy itself: where access comes from, and where it never comes from."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.db.utils import DatabaseError
from guardian.shortcuts import assign_perm

from organisations import permissions, services
from organisations.choices import Role
from organisations.models import AuditEntry, Membership, Organisation, Service, User
from organisations.permissions import Action
from tests import factories


def test_global_permissions_and_superuser_status_give_no_access(db):
    organisation = factories.organisation()
    factories.service(organisation)
    boss = factories.user(is_superuser=True, is_staff=True)
    boss.user_permissions.add(*Permission.objects.filter(codename__in=["view_service", "change_organisation"]))
    assert not Service.objects.restrict(boss, Action.VIEW).exists()
    assert not Organisation.objects.restrict(boss, Action.CHANGE).exists()


def test_object_permission_granted_to_a_user_directly_is_ignored(db):
    """Access comes from role groups only: a stray direct grant opens nothing."""
    organisation = factories.organisation()
    person = factories.user()
    assign_perm("organisations.change_organisation", person, organisation)
    assert not Organisation.objects.restrict(person, Action.CHANGE).exists()


def test_each_role_gets_its_permissions_on_its_own_organisation_only(db):
    mine, other = factories.organisation(), factories.organisation()
    for role, codenames in permissions.ROLE_ORGANISATION_PERMISSIONS.items():
        user = factories.member(mine, role)
        for codename in (
            "view_internal",
            "change_organisation",
            "manage_members",
            "manage_partnerships",
            "view_audit",
            "work_cases",
            "view_aggregates",
            "override_housing_rules",
            "manage_privacy_requests",
        ):
            assert permissions.has_organisation_permission(user, codename, mine) == (codename in codenames), (
                role,
                codename,
            )
            assert not permissions.has_organisation_permission(user, codename, other)


def test_ending_a_membership_removes_access_at_once(db):
    organisation = factories.organisation()
    admin = factories.member(organisation, Role.ADMIN)
    assert Organisation.objects.restrict(admin, Action.CHANGE).filter(pk=organisation.pk).exists()
    services.membership_end(actor=None, membership=Membership.objects.get(user=admin))
    assert not Organisation.objects.restrict(admin, Action.CHANGE).exists()
    assert not Organisation.objects.restrict(admin, Action.VIEW).exists()


def test_two_roles_in_one_organisation_are_independent(db):
    organisation = factories.organisation()
    user = factories.member(organisation, Role.WORKER)
    services.membership_grant(actor=None, organisation=organisation, user=user, role=Role.ADMIN)
    services.membership_end(actor=None, membership=Membership.objects.get(user=user, role=Role.ADMIN))
    assert not permissions.has_organisation_permission(user, "manage_members", organisation)
    assert permissions.has_organisation_permission(user, "view_internal", organisation)


def test_a_service_cannot_be_moved_out_of_reach(db):
    """NetBox's re-check after saving: a write can never leave a row the actor may not change."""
    mine, other = factories.organisation(), factories.organisation()
    admin = factories.member(mine, Role.ADMIN)
    service = factories.service(mine)
    with pytest.raises(permissions.NotFoundError):
        services.service_update(actor=admin, service=service, organisation=other)
    assert Service.objects.get(pk=service.pk).organisation == mine


def test_restrict_sql_uses_one_group_subquery(db):
    """Trap 7: no OR of user and group permission subqueries."""
    organisation = factories.organisation()
    user = factories.member(organisation, Role.ADMIN)
    sql = str(Organisation.objects.restrict(user, Action.CHANGE).query)
    assert "userobjectpermission" not in sql.lower()
    assert sql.lower().count("organisationgroupobjectpermission") == 1


def test_the_grant_subquery_names_ids_instead_of_joining_groups_and_permissions(db):
    """PostgreSQL cannot estimate joins through the user's groups and the permission codename
    (1.6 s for the inbox at a million referrals): the subquery names the ids it read before."""
    organisation = factories.organisation()
    user = factories.member(organisation, Role.ADMIN)
    sql = str(Organisation.objects.restrict(user, Action.CHANGE).query).lower()
    assert "auth_permission" not in sql and "user_groups" not in sql and "auth_group" not in sql
    assert list(Organisation.objects.restrict(user, Action.CHANGE)) == [organisation]


def test_rights_read_once_reach_the_same_rows_for_every_policy(db):
    """Inside ``rights_read_once()`` the rules on organisations name the organisations as ids
    read once instead of a grant subquery: for every registered policy, action and demo user,
    exactly the same rows."""
    call_command("seed_demo", stdout=StringIO())
    users = list(User.objects.filter(is_active=True))
    compared_with_rows = 0
    for model, policy in permissions._POLICIES.items():
        for action in policy:
            for user in users:
                queryset = model._default_manager.all()
                outside = set(permissions.restrict_queryset(queryset, user, action).values_list("pk", flat=True))
                with permissions.rights_read_once():
                    inside = set(permissions.restrict_queryset(queryset, user, action).values_list("pk", flat=True))
                assert inside == outside, (model.__name__, action, user.email)
                compared_with_rows += bool(outside)
    assert len(users) >= 7 and compared_with_rows >= 100


def test_rights_read_once_read_the_organisation_grants_once(db, django_assert_num_queries):
    organisation = factories.organisation()
    worker = factories.member(organisation, Role.WORKER)
    with permissions.rights_read_once(), django_assert_num_queries(1):
        first = permissions.ObjectPermission("work_cases").q(worker, Organisation)
        second = permissions.ObjectPermission("view_internal", "organisation").q(worker, Membership)
        nothing = permissions.ObjectPermission("manage_members").q(worker, Organisation)
    assert first == Q(pk__in=[organisation.pk])
    assert second == Q(organisation__in=[organisation.pk])
    assert nothing == permissions.NOTHING
    with django_assert_num_queries(1):
        assert permissions.organisation_ids_with_permission(worker, "work_cases") == {organisation.pk}
    with permissions.rights_read_once():
        permissions.organisation_ids_with_permission(worker, "work_cases")
        with django_assert_num_queries(0):
            assert permissions.organisation_ids_with_permission(worker, "view_internal") == {organisation.pk}
            assert permissions.organisation_ids_with_permission(worker, "manage_members") == set()


def test_an_unknown_permission_or_a_user_without_groups_reaches_nothing(db):
    organisation = factories.organisation()
    admin = factories.member(organisation, Role.ADMIN)
    unknown = permissions.ObjectPermission("no_such_thing")
    assert not Organisation.objects.filter(unknown.q(admin, Organisation)).exists()
    loner = factories.user()
    rule = permissions.ObjectPermission("change_organisation")
    assert not Organisation.objects.filter(rule.q(loner, Organisation)).exists()


@pytest.fixture
def forget_permission_ids_afterwards():
    yield
    # The test's transaction is rolled back, which gives the permission its old id without a migrate.
    permissions.forget_permission_ids()


def test_permission_ids_are_read_again_after_migrate(db, forget_permission_ids_afterwards):
    """The codename → id table is kept per process; a migrate (or a test database flush) may give
    a permission a new id, so it is forgotten then."""
    organisation = factories.organisation()
    admin = factories.member(organisation, Role.ADMIN)
    assert Organisation.objects.restrict(admin, Action.CHANGE).exists()
    Permission.objects.filter(codename="change_organisation").delete()  # its grants go with it
    assert not Organisation.objects.restrict(admin, Action.CHANGE).exists()
    # migrate creates the permission again under a new id, and the role groups get it back.
    call_command("migrate", verbosity=0)
    assert Permission.objects.get(codename="change_organisation")
    assert Organisation.objects.restrict(admin, Action.CHANGE).exists()


def test_unregistered_models_are_a_configuration_error(db):
    from django.contrib.auth.models import Group
    from django.core.exceptions import ImproperlyConfigured

    from organisations.querysets import RestrictedQuerySet

    with pytest.raises(ImproperlyConfigured):
        RestrictedQuerySet(model=Group).restrict(factories.user(), Action.VIEW)


def test_audit_entries_cannot_be_changed_or_deleted_through_the_app(db):
    organisation = factories.organisation()
    entry = AuditEntry.objects.filter(organisation=organisation).first()
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.postgres
def test_postgres_refuses_to_change_an_audit_entry(db):
    organisation = factories.organisation()
    entry = AuditEntry.objects.filter(organisation=organisation).first()
    for statement in (
        "UPDATE organisations_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM organisations_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])


def test_every_write_is_audited_with_the_request_ip(api, network):
    api.force_authenticate(network.a[Role.ADMIN])
    api.patch(
        f"/api/v1/organisations/{network.a.organisation.pk}/",
        {"phone": "418 555-0199"},
        format="json",
        REMOTE_ADDR="203.0.113.9",
    )
    entry = AuditEntry.objects.get(action="organisations.organisation.updated")
    assert (entry.actor, entry.organisation, entry.ip_address, entry.details) == (
        network.a[Role.ADMIN],
        network.a.organisation,
        "203.0.113.9",
        {"fields": ["phone"]},
    )


def test_a_new_role_permission_reaches_existing_organisations(db, monkeypatch):
    """The role table is the truth: syncing (run after every migrate) grants and revokes."""
    organisation = factories.organisation()
    worker = factories.member(organisation, Role.WORKER)
    assert not permissions.has_organisation_permission(worker, "view_audit", organisation)
    changed = {**permissions.ROLE_ORGANISATION_PERMISSIONS, Role.WORKER: ("view_internal", "view_audit")}
    monkeypatch.setattr(permissions, "ROLE_ORGANISATION_PERMISSIONS", changed)
    permissions.role_groups_sync(organisation)
    assert permissions.has_organisation_permission(worker, "view_audit", organisation)
    assert not permissions.has_organisation_permission(worker, "work_cases", organisation)


def test_an_account_is_seen_by_itself_and_by_the_members_of_its_organisations(db):
    """Users had no access policy: any choice list could name anyone. Now a user sees themself
    and the people whose memberships they may list (``view_internal``), ended ones included."""
    mine, other = factories.organisation(), factories.organisation()
    worker, colleague = factories.member(mine, Role.WORKER), factories.member(mine, Role.LIAISON)
    former = factories.member(mine, Role.WORKER)
    services.membership_end(actor=None, membership=Membership.objects.get(user=former))
    stranger, loner = factories.member(other, Role.ADMIN), factories.user()
    visible = set(User.objects.restrict(worker, Action.VIEW))
    assert visible == {worker, colleague, former}
    assert set(User.objects.restrict(loner, Action.VIEW)) == {loner}
    assert stranger not in set(User.objects.restrict(former, Action.VIEW))
    assert not User.objects.restrict(worker, Action.CHANGE).exists()
