"""Claim deadlines are reminded to the worker in charge: the rule's days before and on the day,
once each, even with two workers running the job at once; time moves forward in the tests."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from organisations.choices import Role
from people import services as people_services
from people.choices import InterventionType, MilestoneKind
from people.models import DeadlineRule
from people.notifications import CLAIM_DEADLINE_DUE, claim_deadline_remind, worker_in_charge
from tests import factories
from tests.casework import build_world
from tests.plumbing.test_worker import run_in_threads


def at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


@pytest.mark.django_db(transaction=True)
def test_a_basis_of_claim_deadline_is_reminded_before_and_on_the_day_once_each_with_two_workers():
    factories.shipped_deadline_rules()
    world = build_world()
    colleague = factories.member(world.hub, Role.WORKER)
    today = timezone.localdate()
    people_services.person_update(actor=world.hub_worker, person=world.person, claim_pathway="port_of_entry_air")
    people_services.milestone_record(
        actor=world.hub_worker, person=world.person, kind=MilestoneKind.CLAIM_MADE, occurred_on=today
    )
    due_on = today + timedelta(days=15)
    # The colleague saw the person last: they are now the worker in charge.
    people_services.intervention_log(
        actor=colleague,
        organisation=world.hub,
        people=[world.person],
        type=InterventionType.FOLLOW_UP,
        language_used="es",
    )
    assert worker_in_charge(world.person) == [colleague]
    rule = DeadlineRule.objects.get(trigger=MilestoneKind.CLAIM_MADE, due=MilestoneKind.BOC_SENT)

    assert claim_deadline_remind(now=at(due_on - timedelta(days=rule.remind_days_before + 1))) == 0
    before = at(due_on - timedelta(days=rule.remind_days_before))
    counts = run_in_threads(lambda: claim_deadline_remind(batch_size=1, now=before), 2)
    assert sum(counts) >= 1
    assert claim_deadline_remind(now=before + timedelta(days=1)) == 0
    on_the_day = at(due_on)
    run_in_threads(lambda: claim_deadline_remind(now=on_the_day), 2)
    boc = world.person.milestones.get(kind=MilestoneKind.BOC_SENT)
    boc_reminders = Notification.objects.filter(kind=CLAIM_DEADLINE_DUE, object_id=boc.pk)
    assert sorted(boc_reminders.values_list("recipient_id", "occasion")) == [
        (colleague.pk, f"before:{due_on.isoformat()}"),
        (colleague.pk, f"day:{due_on.isoformat()}"),
    ]
    # Once sent, nothing more is reminded.
    people_services.milestone_record(
        actor=world.hub_worker, person=world.person, kind=MilestoneKind.BOC_SENT, occurred_on=today
    )
    assert claim_deadline_remind(now=on_the_day) == 0


def test_a_hearing_set_by_hand_is_reminded_three_days_before(db):
    world = build_world()
    today = timezone.localdate()
    hearing_on = today + timedelta(days=20)
    people_services.milestone_schedule(
        actor=world.hub_worker,
        person=world.person,
        kind=MilestoneKind.HEARING_HELD,
        due_on=hearing_on,
        place="CISR, 200 boul. René-Lévesque, Montréal",
    )
    assert claim_deadline_remind(now=at(hearing_on - timedelta(days=4))) == 0
    assert claim_deadline_remind(now=at(hearing_on - timedelta(days=3))) == 1
    notification = Notification.objects.get(kind=CLAIM_DEADLINE_DUE)
    assert notification.recipient_id == world.hub_worker.pk  # who opened the file, seen by nobody since
    # The text names the milestone and the date, never the person (emails leave the platform).
    assert world.person.family_names not in str(notification.params)
