"""The worker: periodic jobs claimed once, and a job run by two workers at once doing its work once."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone

from organisations import services
from organisations.choices import Role
from organisations.models import AuditEntry, Membership
from plumbing import jobs
from plumbing.models import ScheduledJob
from tests import factories


def run_in_threads(target, count: int) -> list:
    """Start ``count`` threads together on ``target`` and return their results."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # surfaced below: a failure in a thread must fail the test
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_expiring_memberships_end_each_once():
    organisation = factories.organisation()
    users = [factories.member(organisation, Role.WORKER) for _ in range(30)]
    Membership.objects.filter(user__in=users).update(valid_until=timezone.now() - timedelta(minutes=1))

    counts = run_in_threads(lambda: services.membership_expire_due(batch_size=7), 2)

    assert sum(counts) == 30
    assert not Membership.objects.filter(user__in=users, is_active=True).exists()
    ended = AuditEntry.objects.filter(action="organisations.membership.ended", details__reason="expired")
    assert ended.count() == 30
    assert not any(user.groups.exists() for user in users)


@pytest.mark.django_db(transaction=True)
def test_a_due_run_is_claimed_by_one_worker_only(monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "_JOBS", {})
    jobs.periodic_job("tests.count", every=timedelta(minutes=5))(lambda: calls.append(1) or 1)
    now = timezone.now()

    results = run_in_threads(lambda: jobs.run_due_jobs(now), 4)

    assert len(calls) == 1
    assert sorted(len(result) for result in results) == [0, 0, 0, 1]
    job = ScheduledJob.objects.get(name="tests.count")
    assert job.next_run_at == now + timedelta(minutes=5)
    # Not due again until then; due again after.
    assert jobs.run_due_jobs(now + timedelta(minutes=4)) == {}
    assert jobs.run_due_jobs(now + timedelta(minutes=5)) == {"tests.count": 1}


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_recorded_and_does_not_stop_the_others(monkeypatch):
    monkeypatch.setattr(jobs, "_JOBS", {})

    def broken():
        raise RuntimeError("boom")

    jobs.periodic_job("tests.broken", every=timedelta(minutes=1))(broken)
    jobs.periodic_job("tests.fine", every=timedelta(minutes=1))(lambda: 3)
    assert jobs.run_due_jobs() == {"tests.fine": 3}
    assert "boom" in ScheduledJob.objects.get(name="tests.broken").last_error


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_due_jobs_once(capsys):
    from django.core.management import call_command

    organisation = factories.organisation()
    user = factories.member(organisation, Role.LIAISON)
    Membership.objects.filter(user=user).update(valid_until=timezone.now() - timedelta(seconds=1))
    call_command("worker", "--once")
    assert "organisations.membership_expire: 1 item(s)" in capsys.readouterr().out
    assert not Membership.objects.get(user=user).is_active
