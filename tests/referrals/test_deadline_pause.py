"""The partner's deadline pauses while the hub owes it an answer ("information requested") and
resumes with the time that was left; reminders and escalations name the side that is late. Time
moves forward with time_machine."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from notifications.kinds import get_kind
from notifications.models import Notification
from organisations.choices import Role
from referrals import services as referral_services
from referrals.choices import ReferralStatus
from referrals.notifications import (
    ANSWER_OWED,
    DEADLINE_PASSED,
    ESCALATED,
    HALF_TIME,
    referral_remind_answer_owed,
    referral_remind_half_time,
)
from tests.notifications.world import build, recipients

START = timezone.now().replace(microsecond=0)


def act(referral, action, actor, **fields):
    return referral_services.referral_transition(
        actor=actor, referral=referral, action=action, expected_version=referral.version, **fields
    )


def test_the_deadline_pauses_during_the_question_and_resumes_with_the_time_left(db):
    world = build()
    with time_machine.travel(START, tick=False):
        referral = world.refer()  # three days to answer
    deadline = referral.respond_by
    with time_machine.travel(START + timedelta(days=1), tick=False):
        referral = act(referral, "request_info", world.partner[Role.WORKER], note="¿Tiene permiso de trabajo?")
    # The hub takes four days to answer: far past the partner's deadline, nothing expires.
    with time_machine.travel(START + timedelta(days=5), tick=False):
        assert referral_services.referral_expire_overdue() == 0
        referral = act(referral, "answer_info", world.hub[Role.WORKER], note="Sí, desde marzo.")
    # The partner has its two days left, from now.
    assert referral.respond_by == START + timedelta(days=7)
    assert referral.respond_by - deadline == timedelta(days=4)
    assert referral.paused_at is None and referral.paused_total == timedelta(days=4)
    with time_machine.travel(START + timedelta(days=6, hours=23), tick=False):
        assert referral_services.referral_expire_overdue() == 0
    with time_machine.travel(START + timedelta(days=7, minutes=1), tick=False):
        assert referral_services.referral_expire_overdue() == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    # Now the partner is late, and the hub's coordinators are told so.
    assert recipients(ESCALATED) == {world.hub[Role.COORDINATOR]}
    assert world.partner[Role.WORKER] in recipients(DEADLINE_PASSED)


def test_half_time_leaves_the_pause_out(db):
    world = build()
    with time_machine.travel(START, tick=False):
        referral = world.refer()  # 3 days: half time at 1.5 days of running clock
    with time_machine.travel(START + timedelta(hours=12), tick=False):
        referral = act(referral, "request_info", world.partner[Role.WORKER], note="¿Dirección actual?")
    # No reminder to the partner while the hub owes the answer.
    assert referral_remind_half_time(now=START + timedelta(days=2)) == 0
    with time_machine.travel(START + timedelta(days=2, hours=12), tick=False):
        referral = act(referral, "answer_info", world.hub[Role.WORKER], note="Calle Saint-Jean.")
    # 12 h ran before the pause; half time comes after 24 h more of running clock.
    assert referral_remind_half_time(now=START + timedelta(days=3, hours=11)) == 0
    assert referral_remind_half_time(now=START + timedelta(days=3, hours=13)) > 0
    assert world.partner[Role.WORKER] in recipients(HALF_TIME)


def test_the_hub_is_told_it_owes_the_answer_not_that_the_partner_is_late(db, settings):
    settings.LANGUAGE_CODE = "en-ca"
    world = build()
    with time_machine.travel(START, tick=False):
        referral = world.refer()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        referral = act(referral, "request_info", world.partner[Role.WORKER], note="¿Tiene permiso de trabajo?")
    # Before the time the partner had left is up: nothing.
    assert referral_remind_answer_owed(now=START + timedelta(days=2, hours=23)) == 0
    later = START + timedelta(days=3, minutes=1)
    told = referral_remind_answer_owed(now=later)
    assert told == 2
    assert recipients(ANSWER_OWED) == {world.hub[Role.WORKER], world.hub[Role.COORDINATOR]}
    notification = Notification.objects.filter(kind=ANSWER_OWED).first()
    with translation.override("en-ca"):
        text = get_kind(ANSWER_OWED).text(notification.params)
    assert text.startswith(f"Your organisation owes {world.partner.organisation.name} an answer")
    # The partner is not late: no escalation naming it, no deadline passed, no expiry.
    assert not recipients(ESCALATED) and not recipients(DEADLINE_PASSED)
    with time_machine.travel(later, tick=False):
        assert referral_services.referral_expire_overdue() == 0
    # Once per pause.
    assert referral_remind_answer_owed(now=later + timedelta(hours=1)) == 0


def test_the_api_says_when_the_deadline_was_paused(db):
    world = build()
    referral = world.refer()
    partner_agent = world.partner[Role.WORKER]
    referral = act(referral, "request_info", partner_agent, note="¿Tiene permiso de trabajo?")
    api = APIClient()
    api.force_authenticate(partner_agent)
    detail = api.get(reverse("referral-detail", args=[referral.pk])).json()
    assert detail["paused_at"] is not None and detail["status"] == ReferralStatus.INFO_REQUESTED
