"""On PostgreSQL, the database itself refuses to change or delete an audit entry."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION organisations_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER organisations_auditentry_append_only
    BEFORE UPDATE OR DELETE ON organisations_auditentry
    FOR EACH ROW EXECUTE FUNCTION organisations_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS organisations_auditentry_append_only ON organisations_auditentry;
DROP FUNCTION IF EXISTS organisations_auditentry_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
