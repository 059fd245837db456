"""Reminders are worker jobs: time moves forward, two workers run them at once, each recipient gets
one reminder per occasion; running again sends nothing; a worker that was down catches up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from housing import services as housing_services
from housing.notifications import hold_remind_expiring, stay_remind_ending
from notifications.models import Notification
from organisations.choices import Role
from people.notifications import consent_remind_expiring
from plumbing import jobs
from referrals import services as referral_services
from referrals.notifications import referral_remind_half_time
from tests.housing.world import build_housing_world
from tests.notifications.world import build
from tests.plumbing.test_worker import run_in_threads

CASE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.WORKER)


def per_recipient_and_object(kind: str) -> dict:
    counts = {}
    for recipient_id, object_id in Notification.objects.filter(kind=kind).values_list("recipient_id", "object_id"):
        counts[(recipient_id, object_id)] = counts.get((recipient_id, object_id), 0) + 1
    return counts


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_one_half_time_reminder_each():
    world = build()
    referrals = [world.refer() for _ in range(8)]
    later = timezone.now() + timedelta(days=2)  # the 3-day deadline is past half time, not over

    counts = run_in_threads(lambda: referral_remind_half_time(batch_size=3, now=later), 2)

    expected = len(referrals) * len(CASE_ROLES)
    assert sum(counts) == expected
    reminders = per_recipient_and_object("referral_half_time")
    assert len(reminders) == expected and set(reminders.values()) == {1}
    # Time moves on, the job runs again: nothing new.
    assert referral_remind_half_time(now=later + timedelta(hours=6)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_expiring_referrals_escalate_once():
    world = build()
    referrals = [world.refer() for _ in range(6)]
    for referral in referrals:
        referral.respond_by = timezone.now() - timedelta(minutes=1)
        referral.save(update_fields=["respond_by"])

    run_in_threads(lambda: referral_services.referral_expire_overdue(batch_size=2), 2)

    assert set(per_recipient_and_object("referral_escalated").values()) == {1}
    assert len(per_recipient_and_object("referral_escalated")) == len(referrals)  # one hub coordinator
    assert len(per_recipient_and_object("referral_deadline_passed")) == len(referrals) * len(CASE_ROLES)


def test_a_worker_that_was_down_catches_up_once(db):
    world = build()
    referral = world.refer()
    world.consent.valid_until = timezone.localdate() + timedelta(days=20)
    world.consent.save(update_fields=["valid_until"])
    # Down for a week: the referral's half time (day 5 of 10) passed two days ago and the consent
    # now ends in 13 days; both reminders come on the first pass back, once.
    referral.respond_by = timezone.now() + timedelta(days=10)
    referral.save(update_fields=["respond_by"])
    back = timezone.now() + timedelta(days=7)
    assert referral_remind_half_time(now=back) == 3
    assert consent_remind_expiring(now=back) == 1
    assert referral_remind_half_time(now=back) == 0
    assert consent_remind_expiring(now=back) == 0


def test_the_scheduler_runs_the_reminder_jobs(db):
    names = {job.name for job in jobs.registered_jobs()}
    assert {
        "notifications.send_emails",
        "notifications.queue_digests",
        "referrals.remind_half_time",
        "referrals.remind_answer_owed",
        "housing.remind_holds_expiring",
        "housing.remind_stays_ending",
        "people.remind_consents_expiring",
    } <= names


def test_an_extended_stay_gets_a_reminder_for_its_new_end(db):
    housing = build_housing_world()
    now = timezone.now()
    hold = housing_services.hold_create(
        actor=housing.hub_worker,
        organisation=housing.hub,
        site=housing.site,
        bed_ids=[housing.shared_beds[0].pk],
        person=housing.person,
        expected_arrival_at=timezone.now(),
    )
    stay = housing_services.stay_check_in(
        actor=housing.provider_staff, hold=hold, planned_end_at=now + timedelta(days=3)
    )
    assert stay_remind_ending(now=now) == 0
    assert stay_remind_ending(now=now + timedelta(days=1, hours=1)) == 2
    assert stay_remind_ending(now=now + timedelta(days=1, hours=2)) == 0
    housing_services.stay_extend(actor=housing.provider_staff, stay=stay, planned_end_at=now + timedelta(days=5))
    assert stay_remind_ending(now=now + timedelta(days=3, hours=1)) == 2


def test_a_hold_reminder_is_sent_once(db):
    housing = build_housing_world()
    now = timezone.now()
    housing_services.hold_create(
        actor=housing.hub_worker,
        organisation=housing.hub,
        site=housing.site,
        bed_ids=[bed.pk for bed in housing.family_beds],
        household=housing.household,
        expected_arrival_at=now,
    )
    assert hold_remind_expiring(now=now) == 0
    assert hold_remind_expiring(now=now + timedelta(minutes=95)) == 1
    assert hold_remind_expiring(now=now + timedelta(minutes=110)) == 0
    assert hold_remind_expiring(now=now + timedelta(hours=3)) == 0  # over: expired, not "expiring"
