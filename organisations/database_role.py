"""The application's own PostgreSQL role (docs/security.md, "Database role").

Two roles: the **owner** runs ``manage.py migrate`` and owns every table; the **application
role** (``DATABASE_APP_ROLE``) is what ``web``, ``ws`` and ``worker`` connect as. The application
role owns nothing, so it cannot ``ALTER`` a table or disable a trigger, and it gets no
``TRUNCATE``: the audit log's append-only trigger then holds against the application's own
credentials, and the role cannot even ask to change or delete an entry.

``grant_application_role`` runs after every ``migrate`` (a ``post_migrate`` receiver, connected in
``OrganisationsConfig.ready``) as the owner. Every statement is idempotent.
"""

from django.conf import settings
from django.db import connections
from psycopg import sql

# Tables the application may add to and read, never change: the audit log. Their trigger refuses
# UPDATE and DELETE to everyone; here the application role is not granted them at all.
APPEND_ONLY_MODELS = ("organisations.AuditEntry",)


def grant_application_role(*, role: str, using: str = "default") -> None:
    """Grant ``role`` what the application needs on every table of the schema, now and in the
    future (default privileges for the tables the owner creates later): SELECT, INSERT, UPDATE,
    DELETE, and the use of sequences. Append-only tables get SELECT and INSERT only. No TRUNCATE,
    REFERENCES or TRIGGER, and no ownership."""
    from django.apps import apps

    connection = connections[using]
    append_only = [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]
    role_name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role_name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role_name),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role_name),
        # For the tables and sequences this owner creates in later migrations.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(role_name),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(role_name),
        # A role granted more before (by hand, or by an older version of this function) loses it.
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(role_name),
    ]
    statements += [
        sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.Identifier(table), role_name) for table in append_only
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(connection.connection))


def grant_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate`` receiver: grant DATABASE_APP_ROLE its privileges on PostgreSQL. Nothing to
    do when no application role is named (the embedded default, a single-role development
    database) or on SQLite, which has no roles."""
    role = settings.DATABASE_APP_ROLE
    if role and connections[using].vendor == "postgresql":
        grant_application_role(role=role, using=using)
