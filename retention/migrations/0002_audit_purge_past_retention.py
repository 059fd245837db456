"""On PostgreSQL, the audit log's trigger lets one DELETE through: of entries older than the
cut-off the retention purge sets for its own transaction (``passerelle.audit_purge_before``).
Updates stay refused to everyone, and so do deletes of newer entries. The application's role has
no DELETE privilege on the log at all (docs/deployment.md), so only the tables' owner purges."""

from django.db import migrations

PURGE_ALLOWED = """
CREATE OR REPLACE FUNCTION organisations_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.at < NULLIF(current_setting('passerelle.audit_purge_before', true), '')::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION organisations_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PURGE_ALLOWED)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_legal_holds_and_runs"), ("organisations", "0002_audit_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
