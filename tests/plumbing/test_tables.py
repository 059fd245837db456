"""The ground floor took over the stream versions and the job schedule from the notifications app
(``plumbing`` 0001): the rows of a database migrated before are kept."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from plumbing.models import ScheduledJob, StreamVersion

BEFORE_TAKEOVER = ("notifications", "0004_admin_labels")


@pytest.mark.django_db(transaction=True)
def test_the_rows_of_the_notifications_tables_stay():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE_TAKEOVER, ("plumbing", None)])
    try:
        old_apps = executor.loader.project_state([BEFORE_TAKEOVER]).apps
        old_apps.get_model("notifications", "StreamVersion").objects.create(
            stream="housing.availability", key="12", version=41
        )
        old_apps.get_model("notifications", "ScheduledJob").objects.create(
            name="housing.expire_holds", next_run_at=datetime(2026, 12, 7, 21, tzinfo=UTC)
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    assert StreamVersion._meta.db_table == "plumbing_streamversion"
    assert StreamVersion.objects.get(stream="housing.availability", key="12").version == 41
    assert ScheduledJob.objects.get(name="housing.expire_holds").next_run_at == datetime(2026, 12, 7, 21, tzinfo=UTC)
