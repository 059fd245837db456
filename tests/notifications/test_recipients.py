"""Each kind reaches exactly the users who may open its object, and no one else: not a partner
agent of another organisation, not a city liaison, not the actor, not a liaison or privacy officer
of the right organisation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from housing import services as housing_services
from housing.choices import HoldStatus
from housing.models import BedAllocation, Hold
from housing.notifications import hold_remind_expiring, stay_remind_ending
from notifications.models import Notification
from organisations import services as organisation_services
from organisations.choices import Role
from organisations.permissions import Action, can
from people.notifications import consent_remind_expiring
from referrals import services as referral_services
from referrals.choices import DeclineReason
from referrals.notifications import referral_remind_half_time
from tests.housing.world import build_housing_world
from tests.notifications.world import build, recipients

CASE_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.WORKER)


@pytest.fixture
def world(db):
    return build()


def partner_case_workers(world):
    return {world.partner[role] for role in CASE_ROLES}


def assert_all_may_open(kind, subject):
    for notification in Notification.objects.filter(kind=kind, object_id=subject.pk):
        assert can(notification.recipient, Action.VIEW, subject), notification.recipient


def test_a_referral_sent_reaches_the_partners_case_workers_only(world):
    referral = world.refer()
    got = recipients("referral_received", object_id=referral.pk)
    assert got == partner_case_workers(world)
    # Not the partner's liaison or privacy officer (they cannot open it), not the other partner,
    # not the city, not the hub worker who sent it.
    assert world.partner[Role.LIAISON] not in got and world.partner[Role.PRIVACY_OFFICER] not in got
    assert not got & set(world.other.users.values())
    assert not got & set(world.city.users.values())
    assert world.hub[Role.WORKER] not in got
    assert_all_may_open("referral_received", referral)
    notification = Notification.objects.filter(kind="referral_received").first()
    assert notification.organisation == world.partner.organisation
    assert notification.params["number"] == referral.pk


def test_an_assigned_referral_reaches_the_assignee_only(world):
    referral = world.refer(assignee=world.partner[Role.WORKER])
    assert recipients("referral_received", object_id=referral.pk) == {world.partner[Role.WORKER]}


def test_answers_reach_the_author_of_the_referral_only(world):
    referral = world.refer()
    agent = world.partner[Role.WORKER]
    referral = referral_services.referral_transition(
        actor=agent, referral=referral, action="request_info", expected_version=referral.version, note="Adresse ?"
    )
    assert recipients("referral_info_requested") == {world.hub[Role.WORKER]}
    referral = referral_services.referral_transition(
        actor=world.hub[Role.WORKER],
        referral=referral,
        action="answer_info",
        expected_version=referral.version,
        note="12, rue X",
    )
    assert recipients("referral_info_answered") == partner_case_workers(world)
    referral_services.referral_transition(
        actor=world.partner[Role.COORDINATOR],
        referral=referral,
        action="decline",
        expected_version=referral.version,
        reason=DeclineReason.values[0],
    )
    assert recipients("referral_declined") == {world.hub[Role.WORKER]}


def test_an_acceptance_reaches_the_author(world):
    referral = world.refer()
    referral_services.referral_transition(
        actor=world.partner[Role.WORKER], referral=referral, action="accept", expected_version=referral.version
    )
    assert recipients("referral_accepted") == {world.hub[Role.WORKER]}


def test_when_the_author_lost_access_the_senders_coordinators_are_told(world):
    referral = world.refer()
    author = world.hub[Role.WORKER]
    membership = author.memberships.get(organisation=world.hub.organisation)
    organisation_services.membership_end(actor=None, membership=membership)
    referral_services.referral_transition(
        actor=world.partner[Role.WORKER], referral=referral, action="accept", expected_version=referral.version
    )
    assert recipients("referral_accepted") == {world.hub[Role.COORDINATOR]}


def test_a_message_reaches_the_other_side(world):
    referral = world.refer()
    referral_services.referral_message_post(actor=world.partner[Role.WORKER], referral=referral, body="Bonjour")
    assert recipients("referral_message") == {world.hub[Role.WORKER]}
    Notification.objects.filter(kind="referral_message").delete()
    referral_services.referral_message_post(actor=world.hub[Role.WORKER], referral=referral, body="Merci")
    assert recipients("referral_message") == partner_case_workers(world)
    assert_all_may_open("referral_message", referral)


def test_expiry_tells_the_author_the_partner_and_escalates_to_the_hubs_coordinators(world):
    referral = world.refer()
    referral.respond_by = timezone.now() - timedelta(minutes=1)
    referral.save(update_fields=["respond_by"])
    assert referral_services.referral_expire_overdue() == 1
    assert recipients("referral_expired") == {world.hub[Role.WORKER]}
    assert recipients("referral_deadline_passed") == partner_case_workers(world)
    assert recipients("referral_escalated") == {world.hub[Role.COORDINATOR]}
    for kind in ("referral_expired", "referral_deadline_passed", "referral_escalated"):
        assert_all_may_open(kind, referral)


def test_the_half_time_reminder_reaches_the_partners_case_workers(world):
    referral = world.refer()
    half = referral.sent_at + (referral.respond_by - referral.sent_at) / 2
    assert referral_remind_half_time(now=half - timedelta(minutes=1)) == 0
    assert referral_remind_half_time(now=half + timedelta(minutes=1)) == 3
    assert recipients("referral_half_time") == partner_case_workers(world)


def test_membership_changes_reach_the_member_only(world):
    admin = world.partner[Role.ADMIN]
    newcomer = world.city[Role.LIAISON]
    Notification.objects.all().delete()
    membership = organisation_services.membership_grant(
        actor=None, organisation=world.partner.organisation, user=newcomer, role=Role.WORKER
    )
    assert recipients("membership_granted") == {newcomer}
    organisation_services.membership_end(actor=admin, membership=membership)
    assert recipients("membership_ended") == {newcomer}
    # Nobody is told about what they did themselves: accepting an invitation is the member's act.
    invitation = organisation_services.invitation_create(
        actor=admin, organisation=world.partner.organisation, email=newcomer.email, role=Role.LIAISON
    )
    own = organisation_services.invitation_accept(invitation=invitation, user=newcomer)
    assert not Notification.objects.filter(object_id=own.pk, kind="membership_granted").exists()


def test_partnership_changes_reach_the_other_sides_managers(world):
    """Admins and coordinators of the side that did not act: they answer and may end it."""
    hub, other = world.hub, world.other
    Notification.objects.all().delete()
    proposal = organisation_services.partnership_propose(
        actor=hub[Role.COORDINATOR], organisation=hub.organisation, partner=other.organisation, scope="housing"
    )
    assert recipients("partnership_proposed") == {other[Role.ADMIN], other[Role.COORDINATOR]}
    organisation_services.partnership_accept(actor=other[Role.ADMIN], partnership=proposal)
    assert recipients("partnership_accepted") == {hub[Role.ADMIN], hub[Role.COORDINATOR]}
    organisation_services.partnership_end(actor=hub[Role.ADMIN], partnership=proposal)
    assert recipients("partnership_ended") == {other[Role.ADMIN], other[Role.COORDINATOR]}
    for kind in ("partnership_proposed", "partnership_accepted", "partnership_ended"):
        assert_all_may_open(kind, proposal)


def test_consent_expiring_reaches_whoever_recorded_it(world):
    world.consent.valid_until = timezone.localdate() + timedelta(days=10)
    world.consent.save(update_fields=["valid_until"])
    assert consent_remind_expiring() == 1
    assert recipients("consent_expiring") == {world.hub[Role.WORKER]}
    assert_all_may_open("consent_expiring", world.consent)


def test_holds_and_stays_reach_the_placing_worker_and_nobody_else(db):
    housing = build_housing_world()
    now = timezone.now()
    # A grace of 15 minutes: the hold ends within the reminder's 30 minutes.
    housing.site.hold_grace = timedelta(minutes=15)
    housing.site.save(update_fields=["hold_grace"])
    hold = housing_services.hold_create(
        actor=housing.hub_worker,
        organisation=housing.hub,
        site=housing.site,
        bed_ids=[bed.pk for bed in housing.family_beds],
        household=housing.household,
        expected_arrival_at=now + timedelta(minutes=5),
    )
    assert hold_remind_expiring() == 1
    assert recipients("hold_expiring") == {housing.hub_worker}
    # Time is up (the allocations move with it, or PostgreSQL's range constraint refuses them).
    Hold.objects.filter(pk=hold.pk).update(created_at=now - timedelta(hours=2), expires_at=now - timedelta(seconds=1))
    BedAllocation.objects.filter(hold=hold).update(
        starts_at=now - timedelta(hours=2), ends_at=now - timedelta(seconds=1)
    )
    housing_services.hold_expire_stale()
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    assert recipients("hold_expired") == {housing.hub_worker}

    hold = housing_services.hold_create(
        actor=housing.hub_worker,
        organisation=housing.hub,
        site=housing.site,
        bed_ids=[housing.shared_beds[0].pk],
        person=housing.person,
        expected_arrival_at=timezone.now(),
    )
    stay = housing_services.stay_check_in(
        actor=housing.provider_staff, hold=hold, planned_end_at=now + timedelta(days=1, hours=12)
    )
    assert stay_remind_ending() == 2
    # The provider staff who recorded the arrival and the hub worker who placed the hold.
    assert recipients("stay_ending") == {housing.provider_staff, housing.hub_worker}
    assert_all_may_open("stay_ending", stay)
