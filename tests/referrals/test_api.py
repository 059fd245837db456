"""The referrals API beyond the permission matrix: the inbox and its filters, keyset pagination and
its query count, creating a referral (and what is refused), idempotency, the audited detail read,
redaction when consent stops, and that one partner never reaches another's referral."""

import base64
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken
from organisations import services as organisation_services
from organisations.choices import NeedCategory, PartnershipScope, Role
from organisations.models import AuditEntry, IdempotencyRecord, Partnership
from people import services as people_services
from people.choices import DataGroup, NeedUrgency
from people.models import Consent
from plumbing import events
from referrals import services
from referrals.api.filters import ReferralFilter
from referrals.api.serializers import ReferralListSerializer
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage
from tests import factories
from tests.referrals.api_world import build_api_world

S = ReferralStatus


@pytest.fixture
def world(network):
    return build_api_world(network)


def listed(api, **params):
    response = api.get(reverse("referral-list"), params)
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def cursor_at(position: int) -> str:
    """A hand-made cursor, as a client could forge one."""
    return base64.b64encode(f"p={position}".encode()).decode()


# --- Lists: boxes, reading side, filters, pagination ----------------------------------------------


def test_the_boxes(api, world):
    api.force_authenticate(world.hub_worker)
    both = {world.referral_a.pk, world.referral_b.pk}
    assert set(listed(api, box="sent")) == both
    assert listed(api, box="received") == []
    assert set(listed(api)) == both
    api.force_authenticate(world.agent_a)
    assert listed(api, box="received") == [world.referral_a.pk]
    assert listed(api, box="sent") == []
    assert listed(api) == [world.referral_a.pk]
    assert api.get(reverse("referral-list"), {"box": "everything"}).status_code == 400


def test_each_row_is_shown_as_the_organisation_reads_it(api, world):
    people_services.consent_withdraw(actor=world.hub_worker, consent=world.consent_a)
    api.force_authenticate(world.agent_a)
    [row] = api.get(reverse("referral-list"), {"box": "received"}).json()["results"]
    assert row["person_name"] is None
    api.force_authenticate(world.hub_worker)
    rows = {row["id"]: row for row in api.get(reverse("referral-list")).json()["results"]}
    assert rows[world.referral_a.pk]["person_name"] == "María José García López"
    assert rows[world.referral_b.pk]["person_name"] == "Pedro Ramírez Soto"


def test_a_member_of_both_sides_reads_the_mixed_list_as_the_sender(api, world):
    """The rule of selectors.reading_organisation_id, applied to the whole page at once."""
    agent = world.agent_a
    organisation_services.membership_grant(actor=None, organisation=world.hub.organisation, user=agent, role="worker")
    people_services.consent_withdraw(actor=world.hub_worker, consent=world.consent_a)
    api.force_authenticate(agent)
    rows = {row["id"]: row for row in api.get(reverse("referral-list")).json()["results"]}
    assert rows[world.referral_a.pk]["person_name"] == "María José García López"
    [received] = api.get(reverse("referral-list"), {"box": "received"}).json()["results"]
    assert received["person_name"] is None


def test_list_rows_are_the_documented_list_serializer_rows(api, world):
    """The list builds its rows by hand from plain values for speed; they must stay exactly what
    the schema's serializer gives, for each reading side and the mixed list, with and without an
    assignee, a consent withdrawn, expired, not yet in force or in force, a household referral,
    an overdue one, and in French."""
    hub, partner_a = world.hub.organisation, world.partner_a.organisation
    referral = world.referral_a
    services.referral_assign(
        actor=world.agent_a, referral=referral, assignee_id=world.agent_a.pk, expected_version=referral.version
    )
    people_services.consent_withdraw(actor=world.hub_worker, consent=world.consent_a)
    today = timezone.localdate()
    expired = factories.referral(hub, partner_a, actor=world.hub_worker, urgency=NeedUrgency.IMMEDIATE)
    Consent.objects.filter(pk=expired.consent_id).update(
        valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1)
    )
    Referral.objects.filter(pk=expired.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    not_yet = factories.referral(hub, partner_a, actor=world.hub_worker)
    Consent.objects.filter(pk=not_yet.consent_id).update(valid_from=today + timedelta(days=1))
    factories.referral(hub, partner_a, actor=world.hub_worker, for_household=True)
    for user, box, reader in (
        (world.agent_a, "received", "recipient_id"),
        (world.agent_b, "received", "recipient_id"),
        (world.hub_worker, "sent", "sender_id"),
        (world.hub_worker, "all", "sender_id"),
        (world.agent_a, "all", "recipient_id"),
    ):
        api.force_authenticate(user)
        for language in ("en", "fr"):
            rows = api.get(reverse("referral-list"), {"box": box}, HTTP_ACCEPT_LANGUAGE=language).json()["results"]
            assert rows
            with translation.override(language):
                for row in rows:
                    referral = Referral.objects.get(pk=row["id"])
                    expected = ReferralListSerializer(referral, context={"organisation_id": getattr(referral, reader)})
                    assert row == json.loads(json.dumps(expected.data, cls=DjangoJSONEncoder)), (box, language)
    # Every branch above was met: names shown and redacted on the recipient's side, a household
    # referral, an overdue one, with and without an assignee.
    api.force_authenticate(world.agent_a)
    received = api.get(reverse("referral-list"), {"box": "received"}).json()["results"]
    by_id = {row["id"]: row for row in received}
    assert by_id[referral.pk]["person_name"] is None
    assert by_id[expired.pk]["person_name"] is None and by_id[expired.pk]["is_overdue"]
    assert by_id[not_yet.pk]["person_name"] is None
    assert any(row["person_name"] and row["for_household"] for row in received)
    assert {row["assignee"] is None for row in received} == {True, False}


def test_filters(api, world):
    hub = world.hub.organisation
    late = factories.referral(hub, world.partner_a.organisation, actor=world.hub_worker, urgency=NeedUrgency.IMMEDIATE)
    Referral.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    draft = factories.referral(hub, world.partner_a.organisation, actor=world.hub_worker, send=False)
    agent = world.agent_a
    a = world.referral_a
    services.referral_assign(actor=agent, referral=a, assignee_id=agent.pk, expected_version=a.version)

    api.force_authenticate(world.hub_worker)
    assert set(listed(api, status=["sent", "draft"])) == {world.referral_a.pk, world.referral_b.pk, late.pk, draft.pk}
    assert listed(api, status="draft") == [draft.pk]
    assert listed(api, need_category=NeedCategory.EMPLOYMENT) == [a.pk]
    assert listed(api, urgency=NeedUrgency.IMMEDIATE) == [late.pk]
    assert listed(api, overdue="true") == [late.pk]
    assert late.pk not in listed(api, overdue="false")
    assert listed(api, recipient=world.partner_b.organisation.pk) == [world.referral_b.pk]
    assert set(listed(api, sender=hub.pk)) == {a.pk, world.referral_b.pk, late.pk, draft.pk}
    assert listed(api, person=world.person_b.pk) == [world.referral_b.pk]
    assert listed(api, assignee=agent.pk) == [a.pk]
    assert a.pk not in listed(api, assignee="none")
    assert listed(api, created_after=(timezone.now() + timedelta(minutes=1)).isoformat()) == []
    assert len(listed(api, created_before=(timezone.now() + timedelta(minutes=1)).isoformat())) == 4
    assert len(listed(api, created_after=timezone.localdate().isoformat())) == 4

    api.force_authenticate(agent)
    assert listed(api, box="received", assignee="me") == [a.pk]
    assert listed(api, box="received", status="draft") == []


def test_the_filter_form_kept_for_each_language_is_the_one_django_filter_builds_in_it():
    """ReferralFilter keeps its form class from one request to the next, one per language: the
    same fields and labels as the class django-filter would build afresh in that language."""
    # Forget the classes kept by earlier tests of this process, built in another state of
    # django-filter's shared filters (drf-spectacular's schema leaves their labels empty).
    ReferralFilter._form_classes.clear()
    kept = {}
    for language in ("en", "fr", "en"):
        with translation.override(language):
            filterset = ReferralFilter(QueryDict("status=sent"), Referral.objects.none())
            form_class = kept.setdefault(language, filterset.get_form_class())
            assert filterset.get_form_class() is form_class
            fresh = super(ReferralFilter, filterset).get_form_class()
            assert {name: field.label for name, field in form_class.base_fields.items()} == {
                name: field.label for name, field in fresh.base_fields.items()
            }
            assert filterset.is_valid()
    assert kept["en"] is not kept["fr"]


def test_the_overdue_filter_is_named_in_each_language():
    """A filter on no model field has no name django-filter can derive ("[invalid name]")."""
    for language, name in (("fr-ca", "En retard"), ("en", "Overdue"), ("es-419", "Fuera de plazo")):
        with translation.override(language):
            form = ReferralFilter(QueryDict(""), Referral.objects.none()).form
            assert str(form.fields["overdue"].label) == name


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"assignee": "somebody"},
        {"sender": "abc"},
        {"created_after": "yesterday"},
    ],
)
def test_bad_filters_are_400_not_500(api, world, params):
    api.force_authenticate(world.hub_worker)
    assert api.get(reverse("referral-list"), params).status_code == 400


def test_keyset_pagination_without_count(api, world):
    for _ in range(3):
        factories.referral(world.hub.organisation, world.partner_a.organisation, actor=world.hub_worker)
    api.force_authenticate(world.hub_worker)
    first = api.get(reverse("referral-list"), {"page_size": 2}).json()
    assert set(first) == {"next", "previous", "results"}
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    ids = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert ids == sorted(Referral.objects.values_list("id", flat=True), reverse=True)
    assert third["next"] is None
    assert len(api.get(reverse("referral-list"), {"page_size": 100}).json()["results"]) == 5
    assert api.get(reverse("referral-list"), {"page_size": 1000}).status_code == 400


def test_the_list_costs_the_same_few_queries_for_any_page_size(api, world, django_assert_max_num_queries):
    sender, recipient = world.hub.organisation, world.partner_a.organisation
    person = factories.person(sender, actor=world.hub_worker)
    consent = factories.consent(person, recipient, actor=world.hub_worker)
    for number in range(101):
        referral = factories.referral(sender, recipient, person=person, consent=consent, actor=world.hub_worker)
        if number % 3 == 0:
            services.referral_assign(
                actor=world.agent_a, referral=referral, assignee_id=world.agent_a.pk, expected_version=referral.version
            )
    _token, token = ApiToken.objects.create(user=world.agent_a, name="bench")
    for user, box in ((world.agent_a, "received"), (world.hub_worker, "sent"), (world.hub_worker, "all")):
        api.force_authenticate(user)
        counts = set()
        for page_size in (10, 50, 100):
            with django_assert_max_num_queries(5) as captured:
                response = api.get(reverse("referral-list"), {"box": box, "page_size": page_size, "status": "sent"})
            counts.add(len(captured))
            rows = response.json()["results"]
            assert len(rows) == page_size, (box, page_size)
            assert all(row["person_name"] for row in rows)
            assert sum(row["assignee"] is not None for row in rows) >= page_size // 3
        assert len(counts) == 1, (box, counts)
    # The benchmark's request, with its token: one more query (the token), still at most six.
    # (Once a minute a token's request also writes when it was last used: the first one here.)
    api.force_authenticate(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    path = reverse("referral-list")
    api.get(path)
    with django_assert_max_num_queries(6):
        first = api.get(path, {"box": "received", "page_size": 50, "status": "sent"}).json()
    with django_assert_max_num_queries(6):
        assert len(api.get(first["next"]).json()["results"]) == 50


# --- Creating a referral --------------------------------------------------------------------------------


def create_payload(world, **fields):
    return {
        "sender": world.hub.organisation.pk,
        "recipient": world.partner_a.organisation.pk,
        "person": world.person_a.pk,
        "consent": world.consent_a.pk,
        "need_category": NeedCategory.FOOD,
        "urgency": NeedUrgency.WEEKS,
        "reason": "Aide alimentaire",
        "shared_groups": [DataGroup.IDENTITY],
        **fields,
    }


def test_a_referral_is_created_and_sent(api, world, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(events, "send_to_group", lambda group, event: sent.append(group))
    api.force_authenticate(world.hub_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(reverse("referral-list"), create_payload(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == S.SENT and body["version"] == 2
    assert body["person"]["identity"]["given_names"] == "María José"
    assert [event["kind"] for event in body["events"]] == ["created", "sent"]
    referral = Referral.objects.get(pk=body["id"])
    assert referral.created_by == world.hub_worker
    assert f"stream.referrals.inbox.{world.partner_a.organisation.pk}" in sent
    api.force_authenticate(world.agent_a)
    assert referral.pk in listed(api, box="received")


def test_a_draft_stays_with_the_sender(api, world):
    api.force_authenticate(world.hub_worker)
    response = api.post(reverse("referral-list"), create_payload(world, send=False), format="json")
    assert response.json()["status"] == S.DRAFT
    api.force_authenticate(world.agent_a)
    assert api.get(reverse("referral-detail", args=[response.json()["id"]])).status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"person": "person_b"}, 422, "consent_mismatch"),  # the consent is for someone else
        ({"consent": "consent_b"}, 422, "consent_mismatch"),
        ({"shared_groups": [DataGroup.IDENTITY, DataGroup.NOTES]}, 422, "beyond_consent"),
        ({"need_category": NeedCategory.LEGAL_IMMIGRATION}, 422, "consent_purpose"),
        ({"recipient": "partner_b"}, 422, "consent_mismatch"),
        ({"recipient": "city"}, 422, "no_partnership"),
        ({"sender": "partner_a"}, 404, "not_found"),  # an organisation the user does not work for
        ({"respond_by": "2025-01-01T00:00:00Z"}, 422, "deadline_past"),
    ],
)
def test_a_referral_beyond_what_the_user_may_do_is_refused_and_leaves_no_row(api, world, change, status, code):
    resolved = {}
    for field, value in change.items():
        if value in ("person_b", "consent_b"):
            value = getattr(world, value).pk
        elif value in ("partner_a", "partner_b", "city"):
            value = getattr(world, value).organisation.pk
        resolved[field] = value
    before = Referral.objects.count()
    api.force_authenticate(world.hub_worker)
    response = api.post(reverse("referral-list"), create_payload(world, **resolved), format="json")
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Referral.objects.count() == before


def test_a_referral_for_someone_elses_person_is_404_and_leaves_no_row(api, world):
    """A partner (or the hub's liaison) cannot refer a person of the hub, even with real ids."""
    factories.partnership(world.partner_b.organisation, world.partner_a.organisation)
    before = Referral.objects.count()
    for user, sender in (
        (world.agent_b, world.partner_b.organisation),
        (world.hub[Role.LIAISON], world.hub.organisation),
        (world.city[Role.LIAISON], world.hub.organisation),
    ):
        api.force_authenticate(user)
        payload = create_payload(world, sender=sender.pk)
        assert api.post(reverse("referral-list"), payload, format="json").status_code == 404
        unknown = create_payload(world, sender=sender.pk, person=999999)
        assert api.post(reverse("referral-list"), unknown, format="json").status_code == 404
    assert Referral.objects.count() == before


def test_an_ended_partnership_stops_new_referrals(api, world):
    partnership = Partnership.objects.get(
        organisation=world.hub.organisation, partner=world.partner_a.organisation, scope=PartnershipScope.REFERRALS
    )
    organisation_services.partnership_end(actor=world.partner_a[Role.COORDINATOR], partnership=partnership)
    api.force_authenticate(world.hub_worker)
    response = api.post(reverse("referral-list"), create_payload(world), format="json")
    assert response.json()["code"] == "no_partnership"


def test_bad_create_input_gets_field_errors(api, world):
    api.force_authenticate(world.hub_worker)
    response = api.post(
        reverse("referral-list"),
        create_payload(world, need_category="joy", shared_groups=[], urgency=None),
        format="json",
    )
    assert response.status_code == 400
    assert {"need_category", "shared_groups", "urgency"} <= set(response.json()["fields"])


def test_sending_twice_with_one_idempotency_key_creates_one_referral(api, world):
    api.force_authenticate(world.hub_worker)
    before = Referral.objects.count()
    first = api.post(reverse("referral-list"), create_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(reverse("referral-list"), create_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Referral.objects.count() == before + 1

    other_body = create_payload(world, reason="Autre chose")
    reused = api.post(reverse("referral-list"), other_body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Referral.objects.count() == before + 1

    fresh = api.post(reverse("referral-list"), other_body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert fresh.status_code == 201
    assert Referral.objects.count() == before + 2


def test_a_refused_request_does_not_burn_its_idempotency_key(api, world):
    api.force_authenticate(world.hub_worker)
    bad = create_payload(world, shared_groups=[DataGroup.NOTES])
    assert api.post(reverse("referral-list"), bad, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 422
    assert not IdempotencyRecord.objects.filter(key="k").exists()
    good = create_payload(world)
    assert api.post(reverse("referral-list"), good, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


# --- The detail read: audit and what each side sees ------------------------------------------------------------


def test_every_read_of_a_referral_leaves_one_audit_entry_without_sensitive_values(api, world):
    referral = world.referral_a
    url = reverse("referral-detail", args=[referral.pk])
    for reader, organisation in ((world.agent_a, world.partner_a), (world.hub_worker, world.hub)):
        api.force_authenticate(reader)
        before = AuditEntry.objects.filter(action="referrals.referral.detail.read").count()
        assert api.get(url).status_code == 200
        entries = AuditEntry.objects.filter(action="referrals.referral.detail.read")
        assert entries.count() == before + 1
        entry = entries.latest("id")
        assert (entry.actor, entry.organisation, entry.object_id) == (
            reader,
            organisation.organisation,
            str(referral.pk),
        )
        recorded = str(entry.details)
        for secret in ("María", "García", "violence", "cuisine", "418"):
            assert secret not in recorded


def test_lists_and_refused_reads_write_no_read_entry(api, world):
    api.force_authenticate(world.agent_b)
    api.get(reverse("referral-list"))
    assert api.get(reverse("referral-detail", args=[world.referral_a.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="referrals.referral.detail.read").exists()


def test_the_partner_sees_only_the_shared_groups(api, world):
    api.force_authenticate(world.agent_a)
    body = api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()
    person = body["person"]
    assert person["redacted"] is False
    assert set(person["groups"]) == {DataGroup.IDENTITY, DataGroup.CONTACT}
    assert person["contact"]["phone"] == "418 555-0199"
    assert "notes" not in person and "violence" not in str(body)
    assert "id" not in person  # the person file's id does not leave the hub


def test_consent_withdrawn_redacts_the_partners_view_at_once(api, world):
    people_services.consent_withdraw(actor=world.hub_worker, consent=world.consent_a)
    api.force_authenticate(world.agent_a)
    body = api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()
    assert body["person"] == {"groups": [], "redacted": True}
    assert body["person_name"] is None
    assert "María" not in str(body)
    api.force_authenticate(world.hub_worker)
    assert api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()["person"]["redacted"] is False


def test_an_expired_consent_redacts_too(api, world):
    type(world.consent_a).objects.filter(pk=world.consent_a.pk).update(
        valid_from=timezone.localdate() - timedelta(days=10), valid_until=timezone.localdate() - timedelta(days=1)
    )
    api.force_authenticate(world.agent_a)
    assert api.get(reverse("referral-detail", args=[world.referral_a.pk])).json()["person"]["redacted"] is True


# --- One partner never reaches another's referral ----------------------------------------------------------


def referral_state(referral):
    return (
        Referral.objects.filter(pk=referral.pk).values().get(),
        ReferralEvent.objects.filter(referral=referral).count(),
        ReferralMessage.objects.filter(referral=referral).count(),
    )


def test_partner_b_cannot_reach_partner_as_referral_by_id(api, world):
    a = world.referral_a
    before = referral_state(a)
    api.force_authenticate(world.agent_b)
    assert api.get(reverse("referral-detail", args=[a.pk])).status_code == 404
    assert api.get(reverse("referral-messages", args=[a.pk])).status_code == 404
    body = {"version": a.version, "reason": "no_capacity", "note": "x", "assignee": None}
    for name in ("accept", "decline", "request-info", "start", "complete", "cancel", "send", "answer-info", "assign"):
        assert api.post(reverse(f"referral-{name}", args=[a.pk]), body, format="json").status_code == 404, name
    assert api.post(reverse("referral-messages", args=[a.pk]), {"body": "x"}, format="json").status_code == 404
    rerefer = {"recipient": world.partner_b.organisation.pk, "consent": world.consent_b.pk}
    assert api.post(reverse("referral-re-refer", args=[a.pk]), rerefer, format="json").status_code == 404
    assert api.patch(reverse("referral-detail", args=[a.pk]), {"status": "declined"}, format="json").status_code in (
        404,
        405,
    )
    assert api.put(reverse("referral-detail", args=[a.pk]), {"status": "declined"}, format="json").status_code in (
        404,
        405,
    )
    assert api.delete(reverse("referral-detail", args=[a.pk])).status_code in (404, 405)
    assert referral_state(a) == before


def test_partner_b_cannot_reach_partner_as_referral_by_filter_search_or_cursor(api, world):
    a = world.referral_a
    api.force_authenticate(world.agent_b)
    own = [world.referral_b.pk]
    for box in ("all", "received", "sent"):
        for params in (
            {},
            {"recipient": world.partner_a.organisation.pk},
            {"person": world.person_a.pk},
            {"sender": world.hub.organisation.pk},
            {"status": ["sent", "draft", "accepted"]},
            {"need_category": NeedCategory.EMPLOYMENT},
            {"q": "María"},
            {"search": "García"},
            {"ordering": "id"},
            {"page_size": 100},
            {"cursor": cursor_at(a.pk + 1)},
            {"cursor": cursor_at(a.pk + 1), "ordering": "-id"},
        ):
            response = api.get(f"{reverse('referral-list')}?{urlencode({'box': box, **params}, doseq=True)}")
            assert response.status_code in (200, 404), (box, params)
            if response.status_code == 200:
                ids = [row["id"] for row in response.json()["results"]]
                assert a.pk not in ids, (box, params)
                assert set(ids) <= set(own)
                assert "María" not in response.content.decode()


def test_partner_b_cannot_reach_the_person_through_the_people_endpoints(api, world):
    person = world.person_a
    api.force_authenticate(world.agent_b)
    assert api.get(reverse("person-detail", args=[person.pk])).status_code == 404
    assert api.get(reverse("person-consents", args=[person.pk])).status_code == 404
    assert api.get(reverse("person-list"), {"q": "García"}).json()["count"] == 0
    assert api.get(reverse("person-list")).json()["count"] == 0
    assert api.get(reverse("person-duplicates"), {"given_names": "María José", "family_names": "García"}).json() == []
    for name in ("consent-list", "need-list", "milestone-list", "intervention-list", "household-list"):
        assert api.get(reverse(name), {"person": person.pk}).json()["count"] == 0, name
    assert api.get(reverse("consent-detail", args=[world.consent_a.pk])).status_code == 404
    assert api.post(reverse("consent-withdraw", args=[world.consent_a.pk])).status_code == 404
    world.consent_a.refresh_from_db()
    assert world.consent_a.withdrawn_at is None
    assert api.patch(reverse("person-detail", args=[person.pk]), {"notes": "x"}, format="json").status_code == 404
    person.refresh_from_db()
    assert person.notes == "violence conjugale"


def test_the_partner_never_reaches_the_person_file_it_was_referred(api, world):
    """The partner sees what the referral shares, never the file it comes from."""
    api.force_authenticate(world.agent_a)
    assert api.get(reverse("referral-detail", args=[world.referral_a.pk])).status_code == 200
    assert api.get(reverse("person-detail", args=[world.person_a.pk])).status_code == 404
    assert api.get(reverse("person-consents", args=[world.person_a.pk])).status_code == 404
    assert api.get(reverse("need-list"), {"person": world.person_a.pk}).json()["count"] == 0


@pytest.mark.parametrize("liaison_of", ["city", "hub", "partner_a"])
def test_a_liaison_gets_404_on_all_personal_data(api, world, liaison_of):
    api.force_authenticate(getattr(world, liaison_of)[Role.LIAISON])
    for url in (
        reverse("referral-detail", args=[world.referral_a.pk]),
        reverse("referral-messages", args=[world.referral_a.pk]),
        reverse("person-detail", args=[world.person_a.pk]),
        reverse("person-consents", args=[world.person_a.pk]),
        reverse("consent-detail", args=[world.consent_a.pk]),
    ):
        assert api.get(url).status_code == 404, url
    assert api.get(reverse("referral-list")).json()["results"] == []
    for name in ("person-list", "consent-list", "need-list", "milestone-list", "intervention-list", "household-list"):
        assert api.get(reverse(name)).json()["count"] == 0, name
    assert not AuditEntry.objects.filter(action__endswith=".read").exists()


def test_the_openapi_schema_describes_the_people_and_referrals_endpoints(api, world):
    api.force_authenticate(world.hub_worker)
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/consents/",
        "/api/v1/people/duplicates/",
        "/api/v1/consents/{id}/withdraw/",
        "/api/v1/needs/{id}/",
        "/api/v1/milestones/",
        "/api/v1/interventions/",
        "/api/v1/households/",
        "/api/v1/referrals/",
        "/api/v1/referrals/{id}/",
        "/api/v1/referrals/{id}/messages/",
        "/api/v1/referrals/{id}/assign/",
        "/api/v1/referrals/{id}/re-refer/",
        *(f"/api/v1/referrals/{{id}}/{name}/" for name in ("send", "request-info", "answer-info", "accept")),
        *(f"/api/v1/referrals/{{id}}/{name}/" for name in ("decline", "start", "complete", "cancel")),
    ):
        assert path in schema["paths"], path
    listing = schema["paths"]["/api/v1/referrals/"]["get"]
    assert {"box", "status", "overdue", "assignee", "cursor", "page_size"} <= {p["name"] for p in listing["parameters"]}
    assert "count" not in schema["components"]["schemas"]["PaginatedReferralRowList"]["properties"]
    accept = schema["paths"]["/api/v1/referrals/{id}/accept/"]["post"]
    assert {"200", "409"} <= set(accept["responses"])
    assert "Idempotency-Key" in {p["name"] for p in accept["parameters"]}
    assert "409" in schema["paths"]["/api/v1/people/"]["post"]["responses"]
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
