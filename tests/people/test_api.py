"""The people API beyond the permission matrix: the duplicate warning, search, the audited read of a
file, what a PATCH may not change, consents, needs, milestones, quick intervention logging and
households."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services as organisation_services
from organisations.choices import NeedCategory, Role
from organisations.models import AuditEntry
from people import services
from people.choices import (
    ClaimPathway,
    ConsentMethod,
    DataGroup,
    InterventionType,
    MilestoneKind,
    NeedStatus,
    NeedUrgency,
)
from people.models import DeadlineRule, Household, Intervention, Milestone, Need, Person
from tests import factories
from tests.auth import login


@pytest.fixture
def hub(network):
    return network.a


@pytest.fixture
def worker(api, hub):
    api.force_authenticate(hub[Role.WORKER])
    return hub[Role.WORKER]


def person_payload(hub, **fields):
    return {"owner": hub.organisation.pk, "given_names": "María José", "family_names": "García López", **fields}


# --- Creating a file and the duplicate warning -----------------------------------------------------


def test_a_new_file_is_created_with_its_owner_and_author(api, hub, worker):
    response = api.post(reverse("person-list"), person_payload(hub, date_of_birth="1990-04-02"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"]["id"] == hub.organisation.pk
    assert body["created_by"]["id"] == worker.pk
    person = Person.objects.get(pk=body["id"])
    assert person.name_key == "garcia jose lopez maria"
    assert AuditEntry.objects.filter(action="people.person.created", object_id=str(person.pk)).count() == 1


@pytest.mark.parametrize(
    ("given_names", "family_names"),
    [
        ("Maria Jose", "GARCIA LOPEZ"),  # accents and case
        ("María", "García"),  # one given name, one surname
        ("García López", "María José"),  # swapped
        ("Mar\u200día Jos\u200ce", "Garc\u200día"),  # joiners, which names may hold, do not split a word
    ],
)
def test_the_same_person_typed_differently_is_offered_before_a_new_file(api, hub, worker, given_names, family_names):
    existing = factories.person(hub.organisation, given_names="María José", family_names="García López", notes="x")
    response = api.post(
        reverse("person-list"),
        person_payload(hub, given_names=given_names, family_names=family_names),
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicates"
    assert body["detail"]
    assert [candidate["id"] for candidate in body["candidates"]] == [existing.pk]
    assert "notes" not in body["candidates"][0] and "phone" not in body["candidates"][0]
    assert Person.objects.count() == 1

    confirmed = api.post(
        reverse("person-list"),
        person_payload(hub, given_names=given_names, family_names=family_names, confirm_new=True),
        format="json",
    )
    assert confirmed.status_code == 201
    assert Person.objects.count() == 2


def test_a_different_birth_date_is_not_a_duplicate(api, hub, worker):
    factories.person(
        hub.organisation, given_names="María José", family_names="García López", date_of_birth=date(1990, 4, 2)
    )
    response = api.post(reverse("person-list"), person_payload(hub, date_of_birth="1985-01-01"), format="json")
    assert response.status_code == 201


def test_duplicates_are_looked_for_only_among_files_the_user_may_see(api, network):
    factories.person(network.b.organisation, given_names="María José", family_names="García López")
    api.force_authenticate(network.a[Role.WORKER])
    assert api.post(reverse("person-list"), person_payload(network.a), format="json").status_code == 201
    response = api.get(
        reverse("person-duplicates"), {"given_names": "maria jose", "family_names": "garcia lopez"}
    ).json()
    assert [row["id"] for row in response] == [Person.objects.get(owner=network.a.organisation).pk]


def test_the_duplicates_endpoint(api, hub, worker):
    same = factories.person(
        hub.organisation, given_names="José Luis", family_names="Pérez", date_of_birth=date(1980, 5, 6)
    )
    factories.person(hub.organisation, given_names="Ana", family_names="Pérez")
    url = reverse("person-duplicates")
    rows = api.get(url, {"given_names": "Jose Luis", "family_names": "Perez Soto", "date_of_birth": "1980-05-06"})
    assert [row["id"] for row in rows.json()] == [same.pk]
    assert api.get(url, {"given_names": "Jose"}).status_code == 400


def test_a_file_cannot_be_opened_for_another_organisation(api, network):
    api.force_authenticate(network.a[Role.WORKER])
    response = api.post(reverse("person-list"), person_payload(network.b), format="json")
    assert response.status_code == 404
    assert not Person.objects.exists()


def test_bad_input_gets_field_errors(api, hub, worker):
    response = api.post(
        reverse("person-list"),
        person_payload(hub, gender_identity="alien", other_languages=["Spanish!"], email="nope"),
        format="json",
    )
    assert response.status_code == 400
    assert {"gender_identity", "other_languages", "email"} <= set(response.json()["fields"])
    assert api.post(reverse("person-list"), {"given_names": "X"}, format="json").status_code == 400


def test_creating_a_file_twice_with_one_idempotency_key_creates_one(api, hub, worker):
    payload = person_payload(hub, confirm_new=True)
    first = api.post(reverse("person-list"), payload, format="json", HTTP_IDEMPOTENCY_KEY="intake-42")
    again = api.post(reverse("person-list"), payload, format="json", HTTP_IDEMPOTENCY_KEY="intake-42")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replay"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert Person.objects.count() == 1


# --- Search, the list and the audited read -------------------------------------------------------------


def test_search_ignores_accents_case_and_order(api, hub, worker):
    maria = factories.person(hub.organisation, given_names="María José", family_names="García López")
    factories.person(hub.organisation, given_names="Pedro", family_names="Ramírez")

    def found(q):
        return [row["id"] for row in api.get(reverse("person-list"), {"q": q}).json()["results"]]

    assert found("garcia") == [maria.pk]
    assert found("LOPEZ maría") == [maria.pk]
    assert len(found("")) == 2


def test_the_list_shows_brief_rows_and_writes_one_audit_entry(api, hub, worker, django_assert_max_num_queries):
    people = [factories.person(hub.organisation, notes="antécédents", phone="418 555-0100") for _ in range(5)]
    before = AuditEntry.objects.count()
    with django_assert_max_num_queries(5):  # the page's 4 and one INSERT for the audit entry
        rows = api.get(reverse("person-list")).json()["results"]
    assert len(rows) == 5
    assert not {"notes", "phone", "gender_identity", "trans_experience"} & set(rows[0])
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor, entry.organisation) == ("people.person.read", worker, hub.organisation)
    assert entry.details == {"ids": sorted(person.pk for person in people)}
    assert "antécédents" not in str(entry.details) + entry.people


def test_every_read_of_a_file_leaves_one_audit_entry_without_personal_values(api, hub, worker):
    person = factories.person(
        hub.organisation, given_names="Yolanda", family_names="Quispe", notes="violence conjugale", phone="418"
    )
    url = reverse("person-detail", args=[person.pk])
    for reads in (1, 2):
        body = api.get(url).json()
        assert body["notes"] == "violence conjugale"
        entries = AuditEntry.objects.filter(action="people.person.file.read", object_id=str(person.pk))
        assert entries.count() == reads
    entry = entries.latest("id")
    assert entry.actor == worker
    assert entry.organisation == hub.organisation
    assert entry.object_type == "people.person"
    recorded = str(entry.details)
    assert "Yolanda" not in recorded and "Quispe" not in recorded and "violence" not in recorded


def test_a_refused_read_is_not_a_read(api, network):
    person = factories.person(network.a.organisation)
    api.force_authenticate(network.b[Role.WORKER])
    assert api.get(reverse("person-detail", args=[person.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="people.person.file.read").exists()
    assert api.get("/api/v1/people/not-a-number/").status_code == 404


# --- Changing a file ------------------------------------------------------------------------------


def test_patch_changes_the_file_and_audits_the_field_names_only(api, hub, worker):
    person = factories.person(hub.organisation)
    response = api.patch(
        reverse("person-detail", args=[person.pk]),
        {"phone": "418 555-0177", "claim_pathway": ClaimPathway.PORT_OF_ENTRY_AIR},
        format="json",
    )
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.phone == "418 555-0177"
    entry = AuditEntry.objects.get(action="people.person.updated", object_id=str(person.pk))
    assert entry.details == {"fields": ["claim_pathway", "phone"]}


def test_patch_never_moves_a_file_or_rewrites_its_history(api, network):
    """Mass assignment: owner, author, name key and household are not writable here."""
    person = factories.person(network.a.organisation, given_names="Ana", family_names="Soto")
    household = Household.objects.create(owner=network.b.organisation, name="Autre")
    original_author = person.created_by
    api.force_authenticate(network.a[Role.WORKER])
    response = api.patch(
        reverse("person-detail", args=[person.pk]),
        {
            "owner": network.b.organisation.pk,
            "created_by": network.b[Role.ADMIN].pk,
            "name_key": "forged",
            "household": household.pk,
            "household_relationship": "child",
            "id": 999999,
            "notes": "changed",
        },
        format="json",
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.owner == network.a.organisation
    assert person.created_by == original_author
    assert person.name_key == "ana soto"
    assert person.household is None and person.household_relationship == ""
    assert person.notes == "changed"
    assert Person.objects.filter(pk=999999).exists() is False


def test_another_organisation_cannot_change_or_delete_a_file(api, network):
    person = factories.person(network.a.organisation, phone="1")
    before = Person.objects.filter(pk=person.pk).values().get()
    url = reverse("person-detail", args=[person.pk])
    for intruder in (network.b[Role.ADMIN], network.a[Role.LIAISON], network.a[Role.PRIVACY_OFFICER]):
        api.force_authenticate(intruder)
        assert api.patch(url, {"phone": "2"}, format="json").status_code == 404
        assert api.delete(url).status_code in (404, 405)
        assert api.put(url, {"phone": "2"}, format="json").status_code in (404, 405)
    assert Person.objects.filter(pk=person.pk).values().get() == before


# --- Consents -----------------------------------------------------------------------------------


def consent_payload(recipient, **fields):
    return {
        "recipient": recipient.pk,
        "purposes": [NeedCategory.EMPLOYMENT],
        "data_groups": [DataGroup.IDENTITY, DataGroup.CONTACT],
        "method": ConsentMethod.SIGNED,
        "language": "es",
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **fields,
    }


def test_a_consent_is_recorded_listed_and_withdrawn(api, network, worker):
    person = factories.person(network.a.organisation)
    url = reverse("person-consents", args=[person.pk])
    response = api.post(url, consent_payload(network.b.organisation, interpreter_assisted=True), format="json")
    assert response.status_code == 201, response.json()
    consent = response.json()
    assert consent["recipient"]["id"] == network.b.organisation.pk
    assert consent["is_active"] is True
    assert consent["recorded_by"]["id"] == worker.pk
    assert [row["id"] for row in api.get(url).json()] == [consent["id"]]
    assert [row["id"] for row in api.get(reverse("consent-list"), {"person": person.pk}).json()["results"]] == [
        consent["id"]
    ]

    withdraw = reverse("consent-withdraw", args=[consent["id"]])
    assert api.post(withdraw, {}, format="json").status_code == 400
    how = {"method": "oral_recorded", "language": "es"}
    withdrawn = api.post(withdraw, how, format="json")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["is_active"] is False and withdrawn.json()["withdrawn_at"]
    assert (withdrawn.json()["withdrawal_method"], withdrawn.json()["withdrawal_language"]) == ("oral_recorded", "es")
    again = api.post(withdraw, how, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_withdrawn"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"data_groups": [DataGroup.HEALTH]}, "express_consent_required"),
        ({"data_groups": [DataGroup.SOGI, DataGroup.IDENTITY]}, "express_consent_required"),
        ({"valid_from": "2030-01-02", "valid_until": "2030-01-01"}, "invalid_period"),
    ],
)
def test_consent_rules_are_enforced(api, network, worker, fields, code):
    person = factories.person(network.a.organisation)
    response = api.post(
        reverse("person-consents", args=[person.pk]), consent_payload(network.b.organisation, **fields), format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert not person.consents.exists()


def test_sensitive_groups_with_express_consent_and_a_child_through_a_parent(api, network, worker):
    child = factories.person(network.a.organisation, date_of_birth=timezone.localdate() - timedelta(days=365 * 8))
    url = reverse("person-consents", args=[child.pk])
    payload = consent_payload(network.b.organisation, data_groups=[DataGroup.HEALTH], express=True)
    refused = api.post(url, payload, format="json")
    assert refused.json()["code"] == "parent_consent_required"
    payload.update(given_by="parent_guardian", given_by_name="Rosa Mamani")
    assert api.post(url, payload, format="json").status_code == 201


def test_a_consent_cannot_be_empty(api, network, worker):
    person = factories.person(network.a.organisation)
    response = api.post(
        reverse("person-consents", args=[person.pk]),
        consent_payload(network.b.organisation, purposes=[], data_groups=["not_a_group"]),
        format="json",
    )
    assert response.status_code == 400
    assert {"purposes", "data_groups"} <= set(response.json()["fields"])


# --- Needs and milestones ---------------------------------------------------------------------------


def test_needs_are_recorded_filtered_and_closed(api, hub, worker):
    person, other = factories.person(hub.organisation), factories.person(hub.organisation)
    created = api.post(
        reverse("need-list"),
        {"person": person.pk, "category": NeedCategory.HOUSING_EMERGENCY, "urgency": NeedUrgency.IMMEDIATE},
        format="json",
    )
    assert created.status_code == 201, created.json()
    need_id = created.json()["id"]
    api.post(reverse("need-list"), {"person": other.pk, "category": "food", "urgency": "days"}, format="json")

    def ids(**params):
        return [row["id"] for row in api.get(reverse("need-list"), params).json()["results"]]

    assert ids(person=person.pk) == [need_id]
    assert ids(category="housing_emergency") == [need_id]
    assert len(ids(status="identified")) == 2

    closed = api.patch(
        reverse("need-detail", args=[need_id]),
        {"status": NeedStatus.UNMET_NO_RESOURCE, "person": other.pk, "category": "food"},
        format="json",
    )
    assert closed.status_code == 200
    need = Need.objects.get(pk=need_id)
    assert need.status == NeedStatus.UNMET_NO_RESOURCE and need.closed_on == timezone.localdate()
    assert need.person == person and need.category == NeedCategory.HOUSING_EMERGENCY
    assert ids(status="unmet_no_resource") == [need_id]
    assert api.get(reverse("need-list"), {"status": "nope"}).status_code == 400


def test_a_milestone_sets_the_deadlines_that_follow_it(api, hub, worker):
    DeadlineRule.objects.get_or_create(
        trigger=MilestoneKind.CLAIM_MADE,
        due=MilestoneKind.BOC_SENT,
        defaults={"pathways": [ClaimPathway.PORT_OF_ENTRY_AIR], "days": 15},
    )
    person = factories.person(hub.organisation, claim_pathway=ClaimPathway.PORT_OF_ENTRY_AIR)
    response = api.post(
        reverse("milestone-list"),
        {"person": person.pk, "kind": MilestoneKind.CLAIM_MADE, "occurred_on": "2026-03-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    rows = api.get(reverse("milestone-list"), {"person": person.pk}).json()["results"]
    due = {row["kind"]: row["due_on"] for row in rows}
    assert due[MilestoneKind.BOC_SENT] == "2026-03-16"
    assert Milestone.objects.filter(person=person).count() >= 2


def test_a_milestone_needs_its_date(api, hub, worker):
    person = factories.person(hub.organisation)
    response = api.post(reverse("milestone-list"), {"person": person.pk, "kind": "claim_made"}, format="json")
    assert response.status_code == 400
    assert "occurred_on" in response.json()["fields"]


# --- Interventions -------------------------------------------------------------------------------------


def test_an_intervention_is_logged_with_two_fields(api, hub, worker):
    person = factories.person(hub.organisation, preferred_language="pt")
    response = api.post(
        reverse("intervention-list"), {"type": InterventionType.FOLLOW_UP, "people": [person.pk]}, format="json"
    )
    assert response.status_code == 201, response.json()
    intervention = Intervention.objects.get(pk=response.json()["id"])
    assert intervention.organisation == hub.organisation
    assert intervention.language_used == "pt"
    assert intervention.occurred_on == timezone.localdate()
    assert intervention.duration_minutes == 15
    assert intervention.recorded_by == worker
    assert list(intervention.people.all()) == [person]


def test_an_intervention_for_a_household_counts_its_members(api, hub, worker):
    members = [factories.person(hub.organisation), factories.person(hub.organisation)]
    household = services.household_create(
        actor=worker, owner=hub.organisation, name="Quispe", members=[(members[0], "head"), (members[1], "child")]
    )
    response = api.post(
        reverse("intervention-list"),
        {"type": InterventionType.ACCOMPANIMENT, "household": household.pk, "mode": "phone", "duration_minutes": 40},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert sorted(response.json()["people"]) == sorted(m.pk for m in members)


def test_an_intervention_needs_someone_and_an_unambiguous_organisation(api, network):
    worker = network.a[Role.WORKER]
    api.force_authenticate(worker)
    nobody = api.post(reverse("intervention-list"), {"type": "follow_up"}, format="json")
    assert nobody.status_code == 422 and "people" in nobody.json()["fields"]
    organisation_services.membership_grant(actor=None, organisation=network.b.organisation, user=worker, role="worker")
    person = factories.person(network.a.organisation)
    ambiguous = api.post(reverse("intervention-list"), {"type": "follow_up", "people": [person.pk]}, format="json")
    assert ambiguous.status_code == 422 and "organisation" in ambiguous.json()["fields"]


def test_interventions_are_filtered_by_person_and_dates(api, hub, worker):
    person, other = factories.person(hub.organisation), factories.person(hub.organisation)
    url = reverse("intervention-list")
    old = api.post(url, {"type": "follow_up", "people": [person.pk], "occurred_on": "2026-01-10"}, format="json")
    api.post(url, {"type": "follow_up", "people": [other.pk], "occurred_on": "2026-02-10"}, format="json")

    def ids(**params):
        return [row["id"] for row in api.get(url, params).json()["results"]]

    assert ids(person=person.pk) == [old.json()["id"]]
    assert ids(occurred_before="2026-01-31") == [old.json()["id"]]
    assert len(ids(occurred_after="2026-01-01")) == 2


# --- Households ---------------------------------------------------------------------------------------


def test_a_household_is_created_with_its_members(api, hub, worker):
    head, child = factories.person(hub.organisation), factories.person(hub.organisation)
    response = api.post(
        reverse("household-list"),
        {
            "owner": hub.organisation.pk,
            "name": "Quispe Mamani",
            "members": [{"person": head.pk, "relationship": "head"}, {"person": child.pk, "relationship": "child"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    members = {row["id"]: row["relationship"] for row in response.json()["members"]}
    assert members == {head.pk: "head", child.pk: "child"}
    listed = api.get(reverse("household-list")).json()["results"]
    assert [row["id"] for row in listed] == [response.json()["id"]]


def test_a_household_cannot_take_another_organisations_person(api, network):
    foreign = factories.person(network.b.organisation)
    api.force_authenticate(network.a[Role.WORKER])
    response = api.post(
        reverse("household-list"),
        {"owner": network.a.organisation.pk, "name": "X", "members": [{"person": foreign.pk, "relationship": "head"}]},
        format="json",
    )
    assert response.status_code == 404
    assert not Household.objects.exists()
    foreign.refresh_from_db()
    assert foreign.household is None


@pytest.mark.parametrize(
    "name", ["person-list", "consent-list", "need-list", "milestone-list", "intervention-list", "household-list"]
)
def test_the_browsable_api_renders(client, hub, name):
    factories.person(hub.organisation)
    login(client, hub[Role.WORKER])
    assert client.get(reverse(name), HTTP_ACCEPT="text/html").status_code == 200
