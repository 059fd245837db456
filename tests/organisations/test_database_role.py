"""The application's PostgreSQL role cannot rewrite the audit log: it owns no table, has no
TRUNCATE, and is granted neither UPDATE nor DELETE on the audit table, while it does its normal
work everywhere else (organisations/database_role.py, docs/security.md "Database role")."""

import secrets

import pytest
from django.db import connection
from psycopg import errors, sql

from organisations.database_role import grant_application_role
from organisations.models import AuditEntry
from tests import factories, postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def application_role():
    """A throwaway login role of the test cluster, granted like DATABASE_APP_ROLE; dropped after."""
    role, password = f"passerelle_test_app_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), password).as_string())
    grant_application_role(role=role)
    grant_application_role(role=role)  # idempotent: migrate runs it every time
    yield role, password
    connection.close()
    with connection.cursor() as cursor:
        # DROP OWNED revokes the grants and default privileges of this database; then the role can go.
        cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)).as_string())
        cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)).as_string())


def test_the_application_role_can_add_to_the_audit_log_and_read_it_but_never_rewrite_it(application_role):
    organisation = factories.organisation()
    table = sql.Identifier(AuditEntry._meta.db_table)
    with postgres.connect(user=application_role[0], password=application_role[1]) as app:
        app.execute(
            sql.SQL(
                "INSERT INTO {} (action, object_type, object_id, details, at, organisation_id) "
                "VALUES ('tests.role.checked', 'organisation', %s, '{{}}', now(), %s)"
            ).format(table),
            [str(organisation.pk), organisation.pk],
        )
        assert app.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()[0] >= 1
        for statement in (
            "UPDATE {} SET action = 'tests.role.rewritten'",
            "DELETE FROM {}",
            "TRUNCATE {}",
            "ALTER TABLE {} DISABLE TRIGGER organisations_auditentry_append_only",
            "ALTER TABLE {} OWNER TO CURRENT_USER",
            "DROP TABLE {}",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(sql.SQL(statement).format(table))
        # It cannot make a table of its own either (PostgreSQL 15: no CREATE on public for others).
        with pytest.raises(errors.InsufficientPrivilege):
            app.execute("CREATE TABLE passerelle_test_owned (id int)")
    assert AuditEntry.objects.filter(action="tests.role.checked").count() == 1
    assert not AuditEntry.objects.filter(action="tests.role.rewritten").exists()


def test_the_application_works_as_that_role(application_role, settings):
    """The services run as the application role: they write their rows, their audit entries and
    their stream versions, and read them back through the access policy."""
    role, password = application_role
    owner = dict(connection.settings_dict)
    connection.close()
    connection.close_pool()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        network = factories.Network.build()
        hub = network.a.organisation
        person = factories.person(hub)
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
        assert AuditEntry.objects.filter(organisation=hub).exists()
        assert person.pk is not None
        with postgres.connect(user=role, password=password) as app:
            # It may change and delete the application's ordinary rows.
            app.execute("UPDATE people_person SET given_names = given_names WHERE id = %s", [person.pk])
            app.execute("DELETE FROM django_session")
    finally:
        connection.close()
        connection.close_pool()
        connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
