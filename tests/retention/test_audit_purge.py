"""Audit entries past retention (PostgreSQL): the trigger lets the owner's purge delete only
entries older than the cut-off it sets for its transaction, and the application's role, which may
not delete from the log at all, leaves them to the owner while doing the rest of the job."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from psycopg import errors, sql

from organisations.models import AuditEntry
from people.models import Person
from retention import services
from tests import factories, postgres
from tests.organisations.test_database_role import application_role  # noqa: F401 - the fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OLD = datetime(2019, 1, 10, 17, 0, tzinfo=UTC)
NEW = datetime(2026, 1, 10, 17, 0, tzinfo=UTC)
CUTOFF = datetime(2021, 1, 1, tzinfo=UTC)


def entry_at(moment: datetime) -> AuditEntry:
    with time_machine.travel(moment, tick=False):
        return AuditEntry.objects.create(action="tests.purge.checked")


def test_the_trigger_deletes_only_entries_older_than_the_purges_cut_off():
    old, new = entry_at(OLD), entry_at(NEW)
    table = sql.Identifier(AuditEntry._meta.db_table)
    delete = sql.SQL("DELETE FROM {} WHERE id = %s").format(table)
    with postgres.connect() as owner:
        # Without a cut-off, nothing may be deleted, not even an old entry.
        with pytest.raises(errors.RaiseException):
            owner.execute(delete, [old.pk])
        with owner.transaction():
            owner.execute("SELECT set_config('passerelle.audit_purge_before', %s, true)", [CUTOFF.isoformat()])
            with pytest.raises(errors.RaiseException), owner.transaction():
                owner.execute(delete, [new.pk])
            with pytest.raises(errors.RaiseException), owner.transaction():
                owner.execute(sql.SQL("UPDATE {} SET action = 'x' WHERE id = %s").format(table), [old.pk])
            owner.execute(delete, [old.pk])
        # The cut-off lived only as long as its transaction.
        with pytest.raises(errors.RaiseException):
            owner.execute(delete, [new.pk])
    assert list(AuditEntry.objects.filter(action="tests.purge.checked").values_list("pk", flat=True)) == [new.pk]


def test_the_application_role_leaves_old_audit_entries_to_the_owner(application_role):  # noqa: F811
    role, password = application_role
    with time_machine.travel(OLD, tick=False):
        hub = factories.organisation(kind="hub")
        person = factories.person(hub)
    old_entries = AuditEntry.objects.filter(at__lt=CUTOFF).count()
    assert old_entries
    owner = dict(connection.settings_dict)
    connection.close()
    connection.close_pool()
    connection.settings_dict.update(USER=role, PASSWORD=password)
    try:
        assert not services.audit_purge_allowed()
        with time_machine.travel(NEW.replace(year=2027), tick=False):
            services.retention_apply()
        assert Person.objects.get(pk=person.pk).given_names == ""
        assert AuditEntry.objects.filter(at__lt=CUTOFF).count() == old_entries
    finally:
        connection.close()
        connection.close_pool()
        connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    # Run as the owner (manage.py retention), the same job purges them.
    assert services.audit_purge_allowed()
    with time_machine.travel(NEW.replace(year=2027), tick=False):
        services.retention_apply()
    assert not AuditEntry.objects.filter(at__lt=CUTOFF).exists()
