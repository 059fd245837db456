"""The referral workflow at the service level: consent, every transition, versions, expiry by
the worker, races, redaction, and what each organisation can reach."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.utils import timezone

from organisations.choices import NeedCategory, PartnershipScope, PartnershipStatus, Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import AuditEntry, Partnership
from people import services as people_services
from people.choices import DataGroup
from referrals import selectors, services, sharing
from referrals.choices import DECLINE_SIDE, DeclineReason, DeclineSide, ReferralStatus
from referrals.models import Referral, ReferralEvent
from tests import factories
from tests.casework import build_world, consent_for

S = ReferralStatus


@pytest.fixture
def world(db):
    return build_world()


def act(world, referral, action, **fields):
    actor = world.hub_worker if services.TRANSITIONS[action].side == "sender" else world.partner_agent
    referral.refresh_from_db()
    return services.referral_transition(
        actor=actor, referral=referral, action=action, expected_version=referral.version, **fields
    )


def test_a_sent_referral_reaches_the_partner_and_nobody_else(world):
    referral = world.refer()
    assert referral.status == S.SENT
    assert selectors.referrals_received(user=world.partner_agent).get() == referral
    assert not selectors.referral_list(user=world.other_agent).exists()
    liaison = factories.member(world.partner, Role.LIAISON)
    assert not selectors.referral_list(user=liaison).exists()
    assert selectors.referrals_sent(user=world.hub_worker).get() == referral
    assert not selectors.referrals_received(user=world.hub_worker).exists()


def test_a_draft_is_invisible_to_the_partner(world):
    referral = world.refer(send=False)
    assert referral.status == S.DRAFT
    assert not selectors.referral_list(user=world.partner_agent).exists()
    act(world, referral, "send")
    assert selectors.referral_list(user=world.partner_agent).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"shared_groups": [DataGroup.IDENTITY, DataGroup.NOTES]}, "beyond_consent"),
        ({"need_category": NeedCategory.FOOD}, "consent_purpose"),
        ({"recipient": "other_partner"}, "consent_mismatch"),
        ({"shared_groups": []}, "beyond_consent"),
    ],
)
def test_no_referral_beyond_consent(world, change, code):
    if change.get("recipient") == "other_partner":
        change["recipient"] = world.other_partner
    with pytest.raises(ApplicationError) as refused:
        world.refer(**change)
    assert refused.value.code == code
    assert not Referral.objects.exists()


@pytest.mark.parametrize("status", [PartnershipStatus.PROPOSED, PartnershipStatus.ENDED, PartnershipStatus.DECLINED])
def test_no_referral_without_a_partnership_or_outside_ones_organisation(world, status):
    """Only an active partnership counts: a proposal the partner has not accepted sends nothing."""
    Partnership.objects.filter(partner=world.partner).update(status=status)
    with pytest.raises(ApplicationError) as refused:
        world.refer()
    assert refused.value.code == "no_partnership"
    with pytest.raises(NotFoundError):
        services.referral_create(
            actor=world.partner_agent,
            sender=world.hub,
            recipient=world.partner,
            person=world.person,
            need_category=NeedCategory.EMPLOYMENT,
            urgency="days",
            shared_groups=[DataGroup.IDENTITY],
            consent=world.consent,
        )
    assert not Referral.objects.exists()


def test_the_partner_sees_only_the_shared_groups(world):
    referral = world.refer()
    seen = sharing.shared_person(referral, world.partner.pk)
    assert seen["groups"] == [DataGroup.CONTACT, DataGroup.IDENTITY]
    assert seen["identity"]["family_names"] == "García López"
    assert seen["contact"]["phone"] == "418 555-0199"
    assert "notes" not in seen and "sensible" not in str(seen)


def test_withdrawing_consent_redacts_at_once(world):
    referral = world.refer()
    people_services.consent_withdraw(actor=world.hub_worker, consent=world.consent)
    referral.refresh_from_db()
    assert sharing.shared_person(referral, world.partner.pk) == {"groups": [], "redacted": True}
    assert sharing.display_name(referral, world.partner.pk) is None
    # The referral itself stays, and the hub still sees what it shared.
    assert selectors.referrals_received(user=world.partner_agent).get() == referral
    assert sharing.display_name(referral, world.hub.pk) == "María José García López"


def test_an_expired_consent_redacts(world):
    referral = world.refer()
    world.consent.valid_until = timezone.localdate() - timedelta(days=1)
    world.consent.valid_from = timezone.localdate() - timedelta(days=30)
    world.consent.save()
    referral.refresh_from_db()
    assert sharing.shared_person(referral, world.partner.pk)["redacted"] is True


def test_the_whole_happy_path_with_an_information_loop(world):
    referral = world.refer()
    act(world, referral, "request_info", note="¿Tiene permiso de trabajo?")
    act(world, referral, "answer_info", note="Sí, desde octubre.")
    act(world, referral, "accept")
    act(world, referral, "start")
    referral = act(world, referral, "complete", note="Emploi trouvé")
    assert referral.status == S.COMPLETED
    assert referral.closed_at and referral.accepted_at and referral.first_response_at
    kinds = list(ReferralEvent.objects.filter(referral=referral).values_list("kind", "from_status", "to_status"))
    assert kinds == [
        ("created", "", "draft"),
        ("sent", "draft", "sent"),
        ("info_requested", "sent", "info_requested"),
        ("info_answered", "info_requested", "sent"),
        ("accepted", "sent", "accepted"),
        ("started", "accepted", "in_progress"),
        ("completed", "in_progress", "completed"),
    ]
    assert [m.body for m in referral.messages.all()] == ["¿Tiene permiso de trabajo?", "Sí, desde octubre."]
    assert referral.fhir_status == "completed"


LEGAL = {
    (source, action)
    for action, transition in services.TRANSITIONS.items()
    for source in transition.sources
    if transition.side != "system"
}


@pytest.mark.parametrize("source", [status for status in S if status != S.DRAFT])
@pytest.mark.parametrize("action", [name for name, t in services.TRANSITIONS.items() if t.side != "system"])
def test_every_transition_is_allowed_or_refused_by_the_table(world, source, action):
    referral = world.refer()
    Referral.objects.filter(pk=referral.pk).update(status=source)
    fields = {"reason": DeclineReason.NO_CAPACITY} if action == "decline" else {}
    if action in {"request_info", "answer_info"}:
        fields["note"] = "?"
    if (source, action) in LEGAL:
        assert act(world, referral, action, **fields).status == services.TRANSITIONS[action].target
    else:
        with pytest.raises(ConflictError) as refused:
            act(world, referral, action, **fields)
        assert refused.value.code == "illegal_transition"
        assert Referral.objects.get(pk=referral.pk).status == source


def test_each_side_only_makes_its_own_moves(world):
    referral = world.refer()
    with pytest.raises(NotFoundError):
        services.referral_transition(
            actor=world.hub_worker, referral=referral, action="accept", expected_version=referral.version
        )
    with pytest.raises(NotFoundError):
        services.referral_transition(
            actor=world.partner_agent, referral=referral, action="cancel", expected_version=referral.version
        )
    with pytest.raises(NotFoundError):
        services.referral_transition(
            actor=world.other_agent, referral=referral, action="accept", expected_version=referral.version
        )


def test_a_decline_needs_a_coded_reason(world):
    referral = world.refer()
    with pytest.raises(ApplicationError):
        act(world, referral, "decline", reason="because")
    referral = act(world, referral, "decline", reason=DeclineReason.NOT_ELIGIBLE, note="Pas de permis")
    assert (referral.status, referral.decline_reason) == (S.DECLINED, DeclineReason.NOT_ELIGIBLE)
    assert referral.decline_side == DeclineSide.PROVIDER


def test_each_decline_reason_is_coded_on_one_side():
    assert {reason: DECLINE_SIDE[reason] for reason in DeclineReason} == {
        DeclineReason.PERSON_DECLINED: DeclineSide.PERSON,
        DeclineReason.PERSON_UNREACHABLE: DeclineSide.PERSON,
        DeclineReason.NO_CAPACITY: DeclineSide.PROVIDER,
        DeclineReason.NOT_ELIGIBLE: DeclineSide.PROVIDER,
        DeclineReason.OTHER: DeclineSide.OTHER,
    }


def test_a_stale_version_is_a_conflict_not_an_overwrite(world):
    referral = world.refer()
    seen_version = referral.version
    act(world, referral, "request_info", note="?")
    with pytest.raises(ConflictError) as refused:
        services.referral_transition(
            actor=world.partner_agent, referral=referral, action="accept", expected_version=seen_version
        )
    assert refused.value.extra == {"current_version": seen_version + 1, "status": S.INFO_REQUESTED}
    assert Referral.objects.get(pk=referral.pk).status == S.INFO_REQUESTED


def test_re_refer_after_a_decline(world):
    referral = world.refer()
    act(world, referral, "decline", reason=DeclineReason.NO_CAPACITY)
    other_consent = consent_for(world, world.person, world.other_partner)
    new = services.referral_rerefer(
        actor=world.hub_worker, referral=referral, recipient=world.other_partner, consent=other_consent
    )
    assert (new.status, new.recipient, new.re_referral_of) == (S.SENT, world.other_partner, referral)
    assert selectors.referrals_received(user=world.other_agent).get() == new
    assert not selectors.referral_list(user=world.other_agent).filter(pk=referral.pk).exists()


def test_assigning_inside_the_partner_only(world):
    referral = world.refer()
    colleague = factories.member(world.partner, Role.WORKER)
    referral = services.referral_assign(
        actor=world.partner_agent, referral=referral, assignee_id=colleague.pk, expected_version=referral.version
    )
    assert referral.assignee == colleague
    with pytest.raises(ApplicationError):
        services.referral_assign(
            actor=world.partner_agent,
            referral=referral,
            assignee_id=world.hub_worker.pk,
            expected_version=referral.version,
        )


def test_reading_a_referral_is_audited_for_the_reading_side(world):
    referral = world.refer()
    selectors.referral_detail(user=world.partner_agent, referral_id=referral.pk)
    selectors.referral_detail(user=world.hub_worker, referral_id=referral.pk)
    reads = AuditEntry.objects.filter(action="referrals.referral.detail.read", object_id=str(referral.pk))
    assert sorted(entry.organisation_id for entry in reads) == sorted([world.partner.pk, world.hub.pk])
    assert all(entry.details == {} for entry in reads)
    with pytest.raises(NotFoundError):
        selectors.referral_detail(user=world.other_agent, referral_id=referral.pk)


def test_ending_the_agents_membership_ends_their_access(world):
    from organisations import services as organisation_services
    from organisations.models import Membership

    referral = world.refer()
    organisation_services.membership_end(actor=None, membership=Membership.objects.get(user=world.partner_agent))
    assert not selectors.referral_list(user=world.partner_agent).exists()
    with pytest.raises(NotFoundError):
        services.referral_transition(
            actor=world.partner_agent, referral=referral, action="accept", expected_version=referral.version
        )


def test_the_worker_expires_overdue_referrals(world):
    referral = world.refer()
    Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    answered = world.refer(need_category=NeedCategory.EMPLOYMENT)
    act(world, answered, "accept")
    Referral.objects.filter(pk=answered.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    assert services.referral_expire_overdue() == 1
    assert Referral.objects.get(pk=referral.pk).status == S.EXPIRED
    assert Referral.objects.get(pk=answered.pk).status == S.ACCEPTED
    assert services.referral_expire_overdue() == 0


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            outcomes[index] = function()
        except Exception as error:  # collected: each outcome is checked by the test
            outcomes[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_and_declining_at_once_one_wins():
    world = build_world()
    colleague = factories.member(world.partner, Role.COORDINATOR)
    referral = world.refer()
    version = referral.version
    outcomes = run_together(
        lambda: services.referral_transition(
            actor=world.partner_agent, referral=referral, action="accept", expected_version=version
        ),
        lambda: services.referral_transition(
            actor=colleague,
            referral=referral,
            action="decline",
            expected_version=version,
            reason=DeclineReason.NO_CAPACITY,
        ),
    )
    winners = [outcome for outcome in outcomes if isinstance(outcome, Referral)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert Referral.objects.get(pk=referral.pk).status == winners[0].status
    assert Referral.objects.get(pk=referral.pk).version == version + 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_expire_each_referral_once():
    world = build_world()
    referrals = [world.refer() for _ in range(12)]
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(respond_by=timezone.now() - timedelta(seconds=1))
    counts = run_together(
        lambda: services.referral_expire_overdue(batch_size=5), lambda: services.referral_expire_overdue(batch_size=5)
    )
    assert sum(counts) == 12, counts
    assert ReferralEvent.objects.filter(kind="expired").count() == 12


def test_partnership_scope_matters(world):
    Partnership.objects.filter(partner=world.partner).update(scope=PartnershipScope.HOUSING)
    with pytest.raises(ApplicationError):
        world.refer()


def test_the_sender_may_name_an_assignee_inside_the_partner_only(world):
    colleague = factories.member(world.partner, Role.WORKER)
    assert world.refer(assignee=colleague).assignee == colleague
    with pytest.raises(ApplicationError) as refused:
        world.refer(assignee=world.hub_worker)
    assert refused.value.code == "foreign_assignee"


def test_sending_grants_exactly_the_partners_case_work_groups(world):
    from referrals.models import ReferralGroupObjectPermission

    referral = world.refer()
    roles = set(
        ReferralGroupObjectPermission.objects.filter(content_object=referral).values_list(
            "group__role_group__role", flat=True
        )
    )
    assert roles == {Role.ADMIN, Role.COORDINATOR, Role.WORKER}


def test_declining_for_another_reason_needs_the_words(world):
    referral = world.refer()
    with pytest.raises(ApplicationError) as refused:
        act(world, referral, "decline", reason=DeclineReason.OTHER, note="  ")
    assert refused.value.code == "decline_note_required"
    act(world, referral, "decline", reason=DeclineReason.OTHER, note="Service fermé pour l'été")
    referral.refresh_from_db()
    assert referral.decline_side == DeclineSide.OTHER
