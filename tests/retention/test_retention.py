"""The retention job with the clock moved forward: what it anonymises and destroys, what it
leaves (legal holds, recent files, the reports' figures), and that it is idempotent, resumable
and safe with two workers at once."""

import threading
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections

from housing.models import Hold
from notifications.models import Notification
from organisations.models import AuditEntry
from people.models import Intervention, Need, Person
from plumbing.jobs import registered_jobs
from referrals.models import Referral, ReferralGroupObjectPermission, ReferralMessage
from reports.compute import all_figures
from reports.models import RollupFigure
from reports.periods import fiscal_year_of, month_period
from reports.services import rollups_store
from retention import services
from retention.models import RetentionRecord, RetentionRun
from tests import factories
from tests.retention.world import LATER, PHONE, SECRET, WRITTEN, build_retention_world

PERIODS = [month_period(date(2020, 5, 1)), month_period(date(2027, 9, 1))]


def report_periods():
    return PERIODS + [fiscal_year_of(period.start) for period in PERIODS]


def figures_now() -> dict:
    """Every figure of the periods, counted from the tables, and as stored by the rollup job."""
    counted = {str(period): sorted(all_figures(period)) for period in report_periods()}
    rollups_store(periods=report_periods())
    stored = sorted(
        RollupFigure.objects.values_list(
            "period__kind", "period__start", "section", "measure", "dimension", "value", "count", "status"
        )
    )
    return {"counted": counted, "stored": stored}


def state() -> dict:
    """What the job changes, to compare two ends of runs."""
    return {
        "people": sorted(Person.objects.values_list("pk", "given_names", "family_names", "phone", "notes")),
        "records": sorted(RetentionRecord.objects.values_list("kind", "object_id", "action")),
        "messages": ReferralMessage.objects.count(),
        "notifications": Notification.objects.count(),
        "old_audit": AuditEntry.objects.filter(at__lt=WRITTEN.replace(year=2021)).count(),
    }


def test_the_job_is_registered_and_the_periods_come_from_the_settings(settings):
    assert "retention.apply" in {job.name for job in registered_jobs()}
    settings.RETENTION_PERIODS = {**settings.RETENTION_PERIODS, "person": 10}
    assert services.periods_in_force()["person"] == 10


def test_past_retention_files_are_anonymised_and_the_rest_is_left(world):
    with time_machine.travel(LATER, tick=False):
        handled = services.retention_apply()
    assert handled > 0
    old = Person.objects.get(pk=world.old.pk)
    assert (old.given_names, old.family_names, old.phone, old.notes, old.name_key) == ("", f"#{old.pk}", "", "", "")
    # The coded fields the reports count stay.
    assert old.first_intake_date == world.old.first_intake_date
    assert old.preferred_language == world.old.preferred_language
    assert not Need.objects.filter(person=old).exclude(note="").exists()
    assert not Intervention.objects.filter(people=old).exclude(note="").exists()
    referral = Referral.objects.get(pk=world.referral.pk)
    assert (referral.reason, referral.status) == ("", "completed")
    assert not ReferralMessage.objects.filter(referral=referral).exists()
    # The partner's copy is gone: its grant with it.
    assert not ReferralGroupObjectPermission.objects.filter(content_object=referral).exists()
    assert not Referral.objects.restrict(world.partner_agent, "view").filter(pk=referral.pk).exists()
    hold = Hold.objects.get(pk=world.hold.pk)
    assert (hold.code, hold.override_reason, hold.status) == ("", "", "released")
    assert not Notification.objects.filter(object_id=world.referral.pk, organisation=world.partner).exists()

    # The legal hold and the recent file are untouched.
    for person in (world.held, world.recent):
        kept = Person.objects.get(pk=person.pk)
        assert (kept.phone, kept.notes) == (PHONE, SECRET)
        assert ReferralMessage.objects.filter(referral__person=person).exists()
    # Audit entries older than five years are gone, except those naming a file under legal hold.
    old_entries = AuditEntry.objects.filter(at__lt=WRITTEN.replace(year=2021))
    assert {(entry.object_type, entry.object_id) for entry in old_entries} <= {("people.person", str(world.held.pk))}
    assert not old_entries.exclude(object_type="people.person").exists()

    # What the job did is in the audit log, with ids and counts, without any destroyed value.
    done = AuditEntry.objects.filter(action__startswith="retention.", at__gte=LATER)
    assert {entry.action for entry in done} >= {
        "retention.person.anonymised",
        "retention.referral_at_partner.anonymised",
        "retention.hold.anonymised",
        "retention.notification.destroyed",
        "retention.audit.destroyed",
    }
    person_entry = done.get(action="retention.person.anonymised", organisation=world.hub)
    # Every file of 2020 without a legal hold: the housing world's four and the old one.
    expected = sorted(Person.objects.exclude(pk__in=[world.held.pk, world.recent.pk]).values_list("pk", flat=True))
    assert world.old.pk in expected and len(expected) == 5
    assert person_entry.details["ids"] == expected
    for entry in done:
        text = str(entry.details)
        assert PHONE not in text and SECRET not in text and "Ana" not in text

    run = RetentionRun.objects.get()
    assert run.status == "finished"
    assert RetentionRecord.objects.filter(run=run, kind="person").count() == 5


def test_reports_figures_are_the_same_before_and_after(world):
    with time_machine.travel(LATER, tick=False):
        before = figures_now()
        services.retention_apply()
        after = figures_now()
    assert before["counted"] == after["counted"]
    assert before["stored"] == after["stored"]
    # The periods really hold the files: the figures are not trivially empty.
    assert any(count for _s, _m, _d, _v, count in before["counted"][str(PERIODS[0])])


def test_running_twice_gives_the_same_result(world):
    with time_machine.travel(LATER, tick=False):
        services.retention_apply()
        first = state()
        assert services.retention_apply() == 0
        assert state() == first
    assert RetentionRun.objects.count() == 2
    assert not RetentionRecord.objects.filter(run=RetentionRun.objects.order_by("pk").last()).exists()


def test_an_interrupted_run_resumes_without_losing_or_counting_twice(world, monkeypatch):
    with time_machine.travel(WRITTEN, tick=False):
        more = [factories.person(world.hub, actor=world.worker, phone=PHONE) for _ in range(3)]
    person_kind = services.KINDS_BY_NAME["person"]
    calls = []

    def crash_on_the_third_batch(ids, cutoff):
        calls.append(ids)
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        services._people_anonymise(ids, cutoff)

    interrupted = services.Kind(**{**person_kind.__dict__, "apply": crash_on_the_third_batch})
    monkeypatch.setattr(services, "KINDS", [interrupted, *services.KINDS[1:]])
    with time_machine.travel(LATER, tick=False):
        with pytest.raises(RuntimeError):
            services.retention_apply(batch_size=1)
        run = RetentionRun.objects.get()
        assert run.status == "running"
        assert RetentionRecord.objects.filter(kind="person").count() == 2
        # The batch that failed changed nothing: its person still has a name.
        assert Person.objects.filter(pk=calls[2][0]).exclude(given_names="").exists()

        monkeypatch.setattr(services, "KINDS", [person_kind, *services.KINDS[1:]])
        services.retention_apply(batch_size=1)
    run.refresh_from_db()
    assert run.status == "finished" and RetentionRun.objects.count() == 1
    ids = sorted(RetentionRecord.objects.filter(run=run, kind="person").values_list("object_id", flat=True))
    assert ids == sorted(Person.objects.exclude(pk__in=[world.held.pk, world.recent.pk]).values_list("pk", flat=True))
    assert {world.old.pk, *(person.pk for person in more)} <= set(ids)
    audited = AuditEntry.objects.filter(action="retention.person.anonymised")
    assert sorted(pk for entry in audited for pk in entry.details["ids"]) == ids
    assert not Person.objects.filter(pk__in=ids).exclude(given_names="").exists()


def test_the_command_prints_its_progress(world):
    out = StringIO()
    with time_machine.travel(LATER, tick=False):
        call_command("retention", "--batch-size", "1", stdout=out)
    assert "person: 5 anonymised" in out.getvalue()
    assert "row(s) handled" in out.getvalue()


def test_a_legal_hold_needs_a_reason_and_a_file_of_ones_organisation(world):
    from organisations.errors import ApplicationError, NotFoundError

    with pytest.raises(ApplicationError):
        services.legal_hold_set(actor=world.officer, person_id=world.recent.pk, reason="  ")
    with pytest.raises(ApplicationError):
        services.legal_hold_set(actor=world.officer, person_id=world.held.pk, reason="again")
    stranger = factories.person(factories.organisation(kind="hub"))
    for person_id in (stranger.pk, 10**9):
        with pytest.raises(NotFoundError):
            services.legal_hold_set(actor=world.officer, person_id=person_id, reason="x")
    # A case worker is no privacy officer.
    with pytest.raises(NotFoundError):
        services.legal_hold_set(actor=world.worker, person_id=world.recent.pk, reason="x")
    entry = AuditEntry.objects.filter(action="retention.legal_hold.set").get()
    assert entry.details == {"person": world.held.pk} and "Court" not in str(entry.details)


def test_a_lifted_hold_lets_the_job_anonymise_the_file(world):
    from retention.models import LegalHold

    services.legal_hold_lift(actor=world.officer, hold=LegalHold.objects.get(person=world.held))
    assert AuditEntry.objects.filter(action="retention.legal_hold.lifted").exists()
    with time_machine.travel(LATER, tick=False):
        services.retention_apply()
    assert Person.objects.get(pk=world.held.pk).phone == ""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_handle_every_row_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    world = build_retention_world()
    with time_machine.travel(WRITTEN, tick=False):
        more = [factories.person(world.hub, actor=world.worker, phone=PHONE) for _ in range(30)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.retention_apply(batch_size=2))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(LATER, tick=True):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors
        # Whatever the interleaving, a further run finds nothing left.
        services.retention_apply()
    ids = sorted(RetentionRecord.objects.filter(kind="person").values_list("object_id", flat=True))
    assert ids == sorted(Person.objects.exclude(pk__in=[world.held.pk, world.recent.pk]).values_list("pk", flat=True))
    assert {world.old.pk, *(person.pk for person in more)} <= set(ids)
    audited = AuditEntry.objects.filter(action="retention.person.anonymised")
    assert sorted(pk for entry in audited for pk in entry.details["ids"]) == ids
    assert RetentionRun.objects.filter(status="running").count() == 0
    assert RetentionRun.objects.filter(records__isnull=False).distinct().count() == 1
    assert not Person.objects.filter(pk__in=ids).exclude(given_names="").exists()
