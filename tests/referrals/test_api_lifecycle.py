"""The referral lifecycle over HTTP: every legal transition, a sample of illegal ones, stale
versions, idempotent retries, assignment, the thread, re-referral, and the live events each
change publishes."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from organisations.choices import Role
from organisations.models import AuditEntry
from plumbing import events
from referrals import services
from referrals.choices import DECLINE_SIDE, DeclineReason, ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage
from tests import factories
from tests.referrals.api_world import build_api_world

S = ReferralStatus


@pytest.fixture
def world(network):
    return build_api_world(network)


@pytest.fixture
def published(monkeypatch):
    """What reached the channel layer: (group, message) pairs, each message decoded from the JSON
    text the sockets get."""
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append((group, json.loads(event["text"]))))
    return sent


def move(api, referral, name, **body):
    """POST the transition ``name`` with the referral's current version."""
    referral.refresh_from_db()
    return api.post(
        reverse(f"referral-{name}", args=[referral.pk]), {"version": referral.version, **body}, format="json"
    )


def as_side(api, world, name):
    side = services.TRANSITIONS[name.replace("-", "_")].side
    api.force_authenticate(world.hub_worker if side == "sender" else world.agent_a)


PATHS = [
    # (actions, final status); each action by the side it belongs to.
    ([("accept", {}), ("start", {}), ("complete", {"note": "Embauché"})], S.COMPLETED),
    ([("accept", {}), ("complete", {})], S.COMPLETED),
    ([("request-info", {"note": "Permis de travail ?"}), ("answer-info", {"note": "Oui"}), ("accept", {})], S.ACCEPTED),
    ([("request-info", {"note": "Adresse ?"}), ("decline", {"reason": DeclineReason.PERSON_UNREACHABLE})], S.DECLINED),
    ([("decline", {"reason": DeclineReason.NO_CAPACITY, "note": "Complet"})], S.DECLINED),
    ([("cancel", {})], S.CANCELLED),
    ([("request-info", {"note": "?"}), ("cancel", {})], S.CANCELLED),
    ([("accept", {}), ("cancel", {})], S.CANCELLED),
]


@pytest.mark.parametrize(("steps", "final"), PATHS)
def test_every_legal_transition(api, world, steps, final):
    referral = world.referral_a
    for name, body in steps:
        as_side(api, world, name)
        response = move(api, referral, name, **body)
        assert response.status_code == 200, (name, response.json())
    detail = response.json()
    assert detail["status"] == final
    referral.refresh_from_db()
    assert referral.status == final
    assert referral.version == 2 + len(steps)
    kinds = [event["kind"] for event in detail["events"]]
    assert kinds[:2] == ["created", "sent"] and len(kinds) == 2 + len(steps)
    if final == S.DECLINED:
        assert referral.decline_reason in DeclineReason.values
        assert detail["decline_reason_label"]
        assert detail["decline_side"] == DECLINE_SIDE[referral.decline_reason]
    if final in (S.COMPLETED, S.DECLINED, S.CANCELLED):
        assert referral.closed_at is not None


def test_a_draft_is_sent_over_http(api, world):
    draft = factories.referral(world.hub.organisation, world.partner_a.organisation, actor=world.hub_worker, send=False)
    api.force_authenticate(world.hub_worker)
    response = move(api, draft, "send")
    assert response.status_code == 200
    assert response.json()["status"] == S.SENT
    api.force_authenticate(world.agent_a)
    assert api.get(reverse("referral-detail", args=[draft.pk])).status_code == 200


def test_the_information_loop_lands_in_the_thread(api, world):
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    move(api, referral, "request-info", note="A-t-elle un permis de travail ?")
    api.force_authenticate(world.hub_worker)
    move(api, referral, "answer-info", note="Oui, depuis mars")
    thread = api.get(reverse("referral-messages", args=[referral.pk])).json()
    assert [(m["organisation"]["id"], m["body"]) for m in thread] == [
        (world.partner_a.organisation.pk, "A-t-elle un permis de travail ?"),
        (world.hub.organisation.pk, "Oui, depuis mars"),
    ]


@pytest.mark.parametrize(
    ("setup", "name"),
    [
        ([], "start"),  # sent → in progress skips acceptance
        ([], "complete"),
        ([], "answer-info"),  # no question was asked
        ([("accept", {})], "accept"),
        ([("accept", {})], "request-info"),
        ([("accept", {})], "decline"),
        ([("cancel", {})], "accept"),
        ([("accept", {}), ("complete", {})], "cancel"),
        ([("decline", {"reason": "not_eligible"})], "start"),
    ],
)
def test_illegal_transitions_are_409_with_a_translated_message(api, world, setup, name):
    referral = world.referral_a
    for step, body in setup:
        as_side(api, world, step)
        assert move(api, referral, step, **body).status_code == 200
    referral.refresh_from_db()
    before = (referral.status, referral.version, referral.events.count())
    as_side(api, world, name)
    url = reverse(f"referral-{name}", args=[referral.pk])
    for accept_language, language in (("fr-CA", "fr-ca"), ("es-MX", "es-419"), ("en", "en-ca")):
        response = api.post(
            url,
            {"version": referral.version, "note": "x", "reason": "other"},
            format="json",
            HTTP_ACCEPT_LANGUAGE=accept_language,
        )
        assert response.status_code == 409
        assert response["Content-Language"] == language
        error = response.json()
        assert error["code"] == "illegal_transition"
        assert error["current_version"] == referral.version
        assert error["status"] == referral.status
        with translation.override(language):
            # The state is named in the reader's language (French quotes it « like this »).
            assert referral.get_status_display() in error["detail"]
            assert error["detail"] != referral.get_status_display()
    referral.refresh_from_db()
    assert (referral.status, referral.version, referral.events.count()) == before


def test_each_side_makes_only_its_own_moves(api, world):
    referral = world.referral_a
    api.force_authenticate(world.hub_worker)
    for name in ("accept", "decline", "request-info", "start", "complete"):
        assert move(api, referral, name, reason="other", note="x").status_code == 404, name
    api.force_authenticate(world.agent_a)
    for name in ("cancel", "answer-info", "send"):
        assert move(api, referral, name, note="x").status_code == 404, name
    referral.refresh_from_db()
    assert (referral.status, referral.version) == (S.SENT, 2)


def test_a_stale_version_is_409_and_overwrites_nothing(api, world):
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    seen = referral.version
    assert move(api, referral, "request-info", note="?").status_code == 200
    response = api.post(
        reverse("referral-decline", args=[referral.pk]), {"version": seen, "reason": "no_capacity"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == seen + 1
    assert response.json()["status"] == S.INFO_REQUESTED
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (S.INFO_REQUESTED, "")


@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        ("accept", {}, "version"),
        ("accept", {"version": "two"}, "version"),
        ("decline", {"version": 2, "reason": "bored"}, "reason"),
    ],
)
def test_a_transition_body_is_validated(api, world, name, body, field):
    as_side(api, world, name)
    response = api.post(reverse(f"referral-{name}", args=[world.referral_a.pk]), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    ("name", "code"), [("decline", "decline_reason_required"), ("request-info", "message_required")]
)
def test_a_decline_needs_a_reason_and_a_question_needs_words(api, world, name, code):
    api.force_authenticate(world.agent_a)
    response = move(api, world.referral_a, name, note="  ")
    assert (response.status_code, response.json()["code"]) == (422, code)


def test_a_transition_ignores_everything_but_version_reason_and_note(api, world):
    """Mass assignment: a transition body cannot move the referral, its person or its consent."""
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    response = move(
        api,
        referral,
        "accept",
        status=S.COMPLETED,
        sender=world.partner_b.organisation.pk,
        recipient=world.partner_b.organisation.pk,
        person=world.person_b.pk,
        consent=world.consent_b.pk,
        shared_groups=["identity", "contact", "notes", "health"],
        assignee=world.agent_a.pk,
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert (referral.sender, referral.recipient) == (world.hub.organisation, world.partner_a.organisation)
    assert (referral.person, referral.consent) == (world.person_a, world.consent_a)
    assert referral.shared_groups == ["contact", "identity"]
    assert referral.assignee is None


def test_a_retried_transition_with_its_idempotency_key_is_not_a_conflict(api, world):
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    url = reverse("referral-accept", args=[referral.pk])
    first = api.post(url, {"version": 2}, format="json", HTTP_IDEMPOTENCY_KEY="accept-1")
    retry = api.post(url, {"version": 2}, format="json", HTTP_IDEMPOTENCY_KEY="accept-1")
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert ReferralEvent.objects.filter(referral=referral, kind="accepted").count() == 1
    without_key = api.post(url, {"version": 2}, format="json")
    assert without_key.status_code == 409


def test_a_transition_is_audited_and_published_to_both_inboxes(
    api, world, published, django_capture_on_commit_callbacks
):
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert move(api, referral, "accept").status_code == 200
    deltas = {group: message for group, message in published if group.startswith("stream.referrals.inbox.")}
    for organisation in (world.hub.organisation, world.partner_a.organisation):
        delta = deltas[f"stream.referrals.inbox.{organisation.pk}"]
        assert (delta["data"]["id"], delta["data"]["status"], delta["data"]["version"]) == (referral.pk, S.ACCEPTED, 3)
        assert delta["data"]["person_name"] == "María José García López"
    assert f"stream.referrals.inbox.{world.partner_b.organisation.pk}" not in deltas
    assert referral.events.get(kind="accepted").organisation == world.partner_a.organisation
    entry = AuditEntry.objects.get(action="referrals.referral.accept", object_id=str(referral.pk))
    assert (entry.actor, entry.organisation) == (world.agent_a, world.partner_a.organisation)


def test_a_refused_transition_publishes_nothing(api, world, published, django_capture_on_commit_callbacks):
    api.force_authenticate(world.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert move(api, world.referral_a, "start").status_code == 409
    assert published == []


# --- Assignment -------------------------------------------------------------------------------------


def test_the_partner_assigns_its_own_case_worker(api, world, published, django_capture_on_commit_callbacks):
    referral = world.referral_a
    colleague = world.partner_a[Role.COORDINATOR]
    api.force_authenticate(world.agent_a)
    url = reverse("referral-assign", args=[referral.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, {"version": 2, "assignee": colleague.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == colleague.pk
    assert any(message["data"].get("assignee") for _group, message in published)
    api.force_authenticate(colleague)
    assert [row["id"] for row in api.get(reverse("referral-list"), {"assignee": "me"}).json()["results"]] == [
        referral.pk
    ]
    api.force_authenticate(world.agent_a)
    assert api.post(url, {"version": 3, "assignee": None}, format="json").json()["assignee"] is None
    stale = api.post(url, {"version": 3, "assignee": colleague.pk}, format="json")
    assert (stale.status_code, stale.json()["current_version"]) == (409, 4)


@pytest.mark.parametrize("who", ["hub_worker", "agent_b", "partner_liaison"])
def test_only_the_partners_case_workers_assign(api, world, who):
    user = world.partner_a[Role.LIAISON] if who == "partner_liaison" else getattr(world, who)
    api.force_authenticate(user)
    response = api.post(
        reverse("referral-assign", args=[world.referral_a.pk]),
        {"version": 2, "assignee": world.agent_a.pk},
        format="json",
    )
    assert response.status_code == 404
    world.referral_a.refresh_from_db()
    assert world.referral_a.assignee is None


@pytest.mark.parametrize("assignee", ["hub_worker", "agent_b", "partner_liaison"])
def test_the_assignee_must_work_the_partners_cases(api, world, assignee):
    user = world.partner_a[Role.LIAISON] if assignee == "partner_liaison" else getattr(world, assignee)
    api.force_authenticate(world.agent_a)
    response = api.post(
        reverse("referral-assign", args=[world.referral_a.pk]), {"version": 2, "assignee": user.pk}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (422, "foreign_assignee")


def test_assigning_says_nothing_about_who_has_an_account(api, world):
    """An id of nobody, of someone of another organisation, of an inactive account: one answer."""
    inactive = factories.member(world.partner_a.organisation, Role.WORKER)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    api.force_authenticate(world.agent_a)
    url = reverse("referral-assign", args=[world.referral_a.pk])
    answers = [
        api.post(url, {"version": 2, "assignee": assignee}, format="json")
        for assignee in (999_999, world.hub_worker.pk, world.agent_b.pk, inactive.pk)
    ]
    assert {(answer.status_code, json.dumps(answer.json(), sort_keys=True)) for answer in answers} == {
        (422, json.dumps(answers[0].json(), sort_keys=True))
    }
    assert answers[0].json()["code"] == "foreign_assignee"


# --- The thread -----------------------------------------------------------------------------------------


def test_messages_go_both_ways_and_reading_the_thread_is_audited(api, world):
    referral = world.referral_a
    url = reverse("referral-messages", args=[referral.pk])
    api.force_authenticate(world.hub_worker)
    assert api.post(url, {"body": "Disponible le matin"}, format="json").status_code == 201
    api.force_authenticate(world.agent_a)
    assert api.post(url, {"body": "  "}, format="json").status_code == 400
    posted = api.post(url, {"body": "Merci", "organisation": world.partner_b.organisation.pk}, format="json")
    assert posted.json()["organisation"]["id"] == world.partner_a.organisation.pk
    thread = api.get(url).json()
    assert [m["body"] for m in thread] == ["Disponible le matin", "Merci"]
    assert AuditEntry.objects.filter(action="referrals.referral.detail.read", actor=world.agent_a).count() == 1


def test_no_message_on_a_draft(api, world):
    draft = factories.referral(world.hub.organisation, world.partner_a.organisation, actor=world.hub_worker, send=False)
    api.force_authenticate(world.hub_worker)
    response = api.post(reverse("referral-messages", args=[draft.pk]), {"body": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")
    assert not ReferralMessage.objects.filter(referral=draft).exists()


def test_posting_a_message_twice_with_one_key_posts_once(api, world):
    api.force_authenticate(world.agent_a)
    url = reverse("referral-messages", args=[world.referral_a.pk])
    for _ in range(2):
        assert api.post(url, {"body": "Une fois"}, format="json", HTTP_IDEMPOTENCY_KEY="m-1").status_code == 201
    assert ReferralMessage.objects.filter(referral=world.referral_a, body="Une fois").count() == 1


# --- Re-referral --------------------------------------------------------------------------------------------


def test_a_declined_referral_goes_to_another_partner_in_one_action(api, world):
    referral = world.referral_a
    api.force_authenticate(world.agent_a)
    move(api, referral, "decline", reason=DeclineReason.NO_CAPACITY)
    other_consent = factories.consent(world.person_a, world.partner_b.organisation, actor=world.hub_worker)
    api.force_authenticate(world.hub_worker)
    url = reverse("referral-re-refer", args=[referral.pk])
    response = api.post(url, {"recipient": world.partner_b.organisation.pk, "consent": other_consent.pk}, format="json")
    assert response.status_code == 201, response.json()
    new = Referral.objects.get(pk=response.json()["id"])
    assert (new.re_referral_of, new.recipient, new.status) == (referral, world.partner_b.organisation, S.SENT)
    assert response.json()["re_referral_of"] == referral.pk
    assert referral.events.filter(kind="re_referred").exists()
    api.force_authenticate(world.agent_b)
    assert api.get(reverse("referral-detail", args=[new.pk])).status_code == 200
    assert api.get(reverse("referral-detail", args=[referral.pk])).status_code == 404


def test_only_a_declined_or_expired_referral_is_re_referred(api, world):
    other_consent = factories.consent(world.person_a, world.partner_b.organisation, actor=world.hub_worker)
    api.force_authenticate(world.hub_worker)
    before = Referral.objects.count()
    response = api.post(
        reverse("referral-re-refer", args=[world.referral_a.pk]),
        {"recipient": world.partner_b.organisation.pk, "consent": other_consent.pk},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (409, "illegal_transition")
    assert Referral.objects.count() == before


def test_the_partner_cannot_re_refer(api, world):
    api.force_authenticate(world.agent_a)
    move(api, world.referral_a, "decline", reason=DeclineReason.OTHER, note="Plus de places ce mois-ci")
    response = api.post(
        reverse("referral-re-refer", args=[world.referral_a.pk]),
        {"recipient": world.partner_b.organisation.pk, "consent": world.consent_b.pk},
        format="json",
    )
    assert response.status_code == 404
