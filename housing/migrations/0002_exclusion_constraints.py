"""On PostgreSQL, the database itself forbids double booking: two active allocations of one bed
in overlapping periods, or one household (or person) in two active stays, or two active holds,
at once. SQLite has no exclusion constraints; there the services' checks run under the write lock.
"""

from django.db import migrations

CONSTRAINTS = [
    ("housing_bedallocation", "bed_allocation_no_overlap",
     "EXCLUDE USING gist (bed_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (is_active)"),
    ("housing_stay", "stay_household_no_overlap",
     "EXCLUDE USING gist (household_id WITH =, tstzrange(checked_in_at, planned_end_at, '[)') WITH &&) "
     "WHERE (status = 'active' AND household_id IS NOT NULL)"),
    ("housing_stay", "stay_person_no_overlap",
     "EXCLUDE USING gist (person_id WITH =, tstzrange(checked_in_at, planned_end_at, '[)') WITH &&) "
     "WHERE (status = 'active' AND person_id IS NOT NULL)"),
    ("housing_hold", "hold_household_no_overlap",
     "EXCLUDE USING gist (household_id WITH =, tstzrange(created_at, expires_at, '[)') WITH &&) "
     "WHERE (status = 'active' AND household_id IS NOT NULL)"),
    ("housing_hold", "hold_person_no_overlap",
     "EXCLUDE USING gist (person_id WITH =, tstzrange(created_at, expires_at, '[)') WITH &&) "
     "WHERE (status = 'active' AND person_id IS NOT NULL)"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _definition in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("housing", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
