"""Households: the services' rules (never empty, nobody in two at once, one main contact, all or
nothing), the household page and the person file's household part, the consent of a child under
14 given by one of the household's adults, and 404 for anyone outside the owning hub."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.choices import NeedCategory
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import AuditEntry
from people import selectors
from people import services as people_services
from people.choices import ConsentGivenBy, ConsentMethod, DataGroup, GenderIdentity, HouseholdRelationship
from people.models import Consent, Household, Person
from tests.auth import login
from tests.people.world import World

HEAD = HouseholdRelationship.HEAD
CHILD = HouseholdRelationship.CHILD
SPOUSE = HouseholdRelationship.SPOUSE_PARTNER


def make_person(world: World, given_names: str, family_names: str = "Quispe Mamani", **fields) -> Person:
    return people_services.person_create(
        actor=world.worker, owner=world.hub, given_names=given_names, family_names=family_names, **fields
    )


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def family(world: World) -> tuple[Household, list[Person]]:
    """Rosa (the main contact), Jorge, and their children Ana (9) and Luis (15)."""
    rosa = make_person(world, "Rosa", date_of_birth=years_ago(34), gender_identity=GenderIdentity.WOMAN)
    jorge = make_person(world, "Jorge", date_of_birth=years_ago(36), gender_identity=GenderIdentity.MAN)
    ana = make_person(world, "Ana", date_of_birth=years_ago(9), gender_identity=GenderIdentity.WOMAN)
    luis = make_person(world, "Luis", date_of_birth=years_ago(15), gender_identity=GenderIdentity.MAN)
    household = people_services.household_create(
        actor=world.worker,
        owner=world.hub,
        name="Quispe Mamani",
        members=[(rosa, HEAD), (jorge, SPOUSE), (ana, CHILD), (luis, CHILD)],
        pets=1,
    )
    return household, [rosa, jorge, ana, luis]


def refreshed(*people: Person) -> list[Person]:
    for person in people:
        person.refresh_from_db()
    return list(people)


# --- Services ---------------------------------------------------------------------------------------


def test_a_household_is_created_with_its_members_and_audited(world):
    household, members = family(world)
    assert {person.pk for person in household.members.all()} == {person.pk for person in members}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"people.household.created", "people.household.member_added"} <= actions
    added = AuditEntry.objects.filter(action="people.household.member_added")
    assert added.count() == 4
    assert all(
        entry.details == {"household": household.pk, "relationship": entry.details["relationship"]} for entry in added
    )


def test_a_household_with_nobody_is_refused(world):
    with pytest.raises(ApplicationError) as refused:
        people_services.household_create(actor=world.worker, owner=world.hub, name="Vacía", members=[])
    assert refused.value.code == "empty_household"
    assert not Household.objects.exists()


def test_nobody_is_in_two_households_at_once(world):
    household, (rosa, *_rest) = family(world)
    other = people_services.household_create(
        actor=world.worker, owner=world.hub, name="Otra", members=[(make_person(world, "Carmen", "Díaz"), HEAD)]
    )
    with pytest.raises(ApplicationError) as refused:
        people_services.household_add_member(actor=world.worker, household=other, person=rosa, relationship=SPOUSE)
    assert refused.value.code == "in_another_household"
    rosa.refresh_from_db()
    assert rosa.household == household and rosa.household_relationship == HEAD

    # Creating a household with someone already in one writes nothing at all.
    with pytest.raises(ApplicationError):
        people_services.household_create(
            actor=world.worker,
            owner=world.hub,
            name="Tercera",
            members=[(make_person(world, "Eva", "Ruiz"), HEAD), (rosa, CHILD)],
        )
    assert not Household.objects.filter(name="Tercera").exists()
    assert not Person.objects.filter(given_names="Eva", household__isnull=False).exists()


def test_adding_someone_twice_is_a_conflict(world):
    household, (rosa, *_rest) = family(world)
    with pytest.raises(ConflictError):
        people_services.household_add_member(actor=world.worker, household=household, person=rosa, relationship=CHILD)


def test_a_person_of_another_organisation_cannot_join(world):
    household, _members = family(world)
    foreign = people_services.person_create(
        actor=world.other_worker, owner=world.other_hub, given_names="Pia", family_names="Sol"
    )
    with pytest.raises(NotFoundError):
        people_services.household_add_member(
            actor=world.worker, household=household, person=foreign, relationship=CHILD
        )
    with pytest.raises(NotFoundError):
        people_services.household_add_member(
            actor=world.other_worker, household=household, person=foreign, relationship=CHILD
        )


def test_one_main_contact_per_household(world):
    household, (rosa, jorge, _ana, _luis) = family(world)
    people_services.household_set_contact(actor=world.worker, household=household, person=jorge)
    rosa, jorge = refreshed(rosa, jorge)
    assert jorge.household_relationship == HEAD
    assert rosa.household_relationship == HouseholdRelationship.OTHER
    entry = AuditEntry.objects.filter(action="people.household.relationship_changed").get()
    assert entry.details["former_contacts"] == [rosa.pk]

    # Setting a relationship to "main contact" or adding a new main contact hands it over too.
    people_services.household_set_relationship(actor=world.worker, household=household, person=rosa, relationship=HEAD)
    rosa, jorge = refreshed(rosa, jorge)
    assert (rosa.household_relationship, jorge.household_relationship) == (HEAD, HouseholdRelationship.OTHER)
    abuela = make_person(world, "Carmen")
    people_services.household_add_member(actor=world.worker, household=household, person=abuela, relationship=HEAD)
    assert Person.objects.filter(household=household, household_relationship=HEAD).get() == abuela


def test_a_member_removed_keeps_their_file_and_the_last_one_dissolves_the_household(world):
    household, members = family(world)
    rosa = members[0]
    people_services.household_remove_member(actor=world.worker, household=household, person=rosa)
    rosa.refresh_from_db()
    assert rosa.household is None and rosa.household_relationship == ""
    assert Person.objects.filter(pk=rosa.pk).exists()
    household.refresh_from_db()
    assert household.dissolved_at is None

    for person in members[1:]:
        household = people_services.household_remove_member(actor=world.worker, household=household, person=person)
    assert household.dissolved_at is not None
    assert AuditEntry.objects.filter(action="people.household.dissolved", object_id=str(household.pk)).exists()
    assert household not in selectors.household_list(user=world.worker)
    with pytest.raises(ApplicationError) as refused:
        people_services.household_add_member(actor=world.worker, household=household, person=rosa, relationship=HEAD)
    assert refused.value.code == "household_dissolved"


def test_removing_someone_from_another_household_is_a_404(world):
    household, _members = family(world)
    stranger = make_person(world, "Nora", "Vega")
    with pytest.raises(NotFoundError):
        people_services.household_remove_member(actor=world.worker, household=household, person=stranger)


def test_a_new_member_is_added_with_their_new_file_or_not_at_all(world):
    household, _members = family(world)
    person = people_services.household_add_new_member(
        actor=world.worker,
        household=household,
        relationship=CHILD,
        given_names="Teo",
        family_names="Quispe",
        date_of_birth=years_ago(2),
        needs_wheelchair_access=True,
    )
    assert person.household == household and person.needs_wheelchair_access
    with pytest.raises(Exception):  # noqa: B017 - an invalid relationship: the model refuses it
        people_services.household_add_new_member(
            actor=world.worker, household=household, relationship="cousin", given_names="Zoe", family_names="Quispe"
        )
    assert not Person.objects.filter(given_names="Zoe").exists()


def test_household_update_changes_name_and_pets(world):
    household, _members = family(world)
    people_services.household_update(actor=world.worker, household=household, name="Familia Quispe", pets=2)
    household.refresh_from_db()
    assert (household.name, household.pets) == ("Familia Quispe", 2)
    entry = AuditEntry.objects.filter(action="people.household.updated").get()
    assert entry.details == {"fields": ["name", "pets"]}
    with pytest.raises(NotFoundError):
        people_services.household_update(actor=world.other_worker, household=household, pets=3)


def test_a_child_under_14_needs_a_named_parent_or_guardian(world):
    _household, (rosa, _jorge, ana, _luis) = family(world)
    consent = {
        "recipient": world.partner,
        "purposes": [NeedCategory.EDUCATION_CHILDREN],
        "data_groups": [DataGroup.IDENTITY],
        "method": ConsentMethod.SIGNED,
        "language": "es",
        "valid_until": timezone.localdate() + timedelta(days=30),
    }
    with pytest.raises(ApplicationError) as refused:
        people_services.consent_record(actor=world.worker, person=ana, **consent)
    assert refused.value.code == "parent_consent_required"
    recorded = people_services.consent_record(
        actor=world.worker, person=ana, given_by=ConsentGivenBy.PARENT_GUARDIAN, given_by_name=rosa.full_name, **consent
    )
    assert recorded.given_by_name == "Rosa Quispe Mamani"


# --- Pages ------------------------------------------------------------------------------------------


def test_a_household_is_created_from_a_person_file(client, world):
    rosa = make_person(world, "Rosa")
    login(client, world.worker)
    html = client.get(reverse("people:file", args=[rosa.pk])).content.decode()
    assert "Create a household with this person" in html
    response = client.post(
        reverse("people:household-create", args=[rosa.pk]), {"name": "Quispe Mamani", "relationship": HEAD, "pets": 1}
    )
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:household", args=[household.pk]) + "#add-member"
    rosa.refresh_from_db()
    assert rosa.household == household and rosa.household_relationship == HEAD and household.pets == 1


def test_creating_a_household_for_someone_already_in_one_shows_why(client, world):
    _household, (rosa, *_rest) = family(world)
    login(client, world.worker)
    response = client.post(
        reverse("people:household-create", args=[rosa.pk]),
        {"name": "Otra", "relationship": HEAD, "pets": 0},
        follow=True,
    )
    assert "Rosa Quispe Mamani is already in another household." in response.content.decode()
    assert Household.objects.count() == 1


def test_each_members_file_shows_the_household_and_links_to_the_others(client, world):
    household, (rosa, jorge, ana, luis) = family(world)
    people_services.household_update(actor=world.worker, household=household, pets=2)
    people_services.person_update(actor=world.worker, person=jorge, needs_wheelchair_access=True)
    login(client, world.worker)
    html = client.get(reverse("people:file", args=[ana.pk])).content.decode()
    assert reverse("people:household", args=[household.pk]) in html
    assert "4 people: 2 adults, 2 children" in html
    assert "1 needs wheelchair access" in html
    assert "2 pets" in html
    for other in (rosa, jorge, luis):
        assert reverse("people:file", args=[other.pk]) in html


def test_the_household_page_lists_members_and_adds_a_new_one(client, world):
    household, _members = family(world)
    login(client, world.worker)
    html = client.get(reverse("people:household", args=[household.pk])).content.decode()
    assert "Main contact" in html and "Rosa Quispe Mamani" in html
    assert AuditEntry.objects.filter(action="people.household.file.read", object_id=str(household.pk)).exists()

    response = client.post(
        reverse("people:household-member-create", args=[household.pk]),
        {
            "given_names": "Teo",
            "family_names": "Quispe",
            "relationship": CHILD,
            "age": 3,
            "gender_identity": GenderIdentity.MAN,
            "needs_wheelchair_access": "on",
        },
    )
    assert response.status_code == 302
    teo = Person.objects.get(given_names="Teo")
    assert teo.household == household and teo.date_of_birth_is_approximate and teo.age_on(timezone.localdate()) == 3
    assert teo.needs_wheelchair_access and teo.owner == world.hub


def test_a_new_member_who_may_have_a_file_is_offered_it_first(client, world):
    household, _members = family(world)
    carmen = make_person(world, "Carmen Rosa", "Díaz")
    login(client, world.worker)
    form = {"given_names": "Carmen", "family_names": "Diaz", "relationship": "parent", "gender_identity": "woman"}
    response = client.post(reverse("people:household-member-create", args=[household.pk]), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="duplicate-warning"' in html and f'data-candidate-id="{carmen.pk}"' in html
    assert Person.objects.filter(given_names__startswith="Carmen").count() == 1

    # The worker adds the existing file with its own button...
    response = client.post(
        reverse("people:household-member-add", args=[household.pk]), {"person": carmen.pk, "relationship": "parent"}
    )
    assert response.status_code == 302
    carmen.refresh_from_db()
    assert carmen.household == household and carmen.household_relationship == "parent"


def test_a_new_file_is_opened_when_the_worker_confirms(client, world):
    household, _members = family(world)
    make_person(world, "Carmen Rosa", "Díaz")
    login(client, world.worker)
    form = {"given_names": "Carmen", "family_names": "Diaz", "relationship": "parent", "gender_identity": "woman"}
    response = client.post(reverse("people:household-member-create", args=[household.pk]), {**form, "confirm_new": "1"})
    assert response.status_code == 302
    assert Person.objects.filter(given_names="Carmen", household=household).exists()


def test_an_existing_file_is_found_by_name_and_added(client, world):
    household, _members = family(world)
    pedro = make_person(world, "Pedro", "Ramírez")
    in_another = make_person(world, "Pedro Luis", "Ramírez")
    people_services.household_create(actor=world.worker, owner=world.hub, name="Ramírez", members=[(in_another, HEAD)])
    login(client, world.worker)
    html = client.get(reverse("people:household", args=[household.pk]), {"q": "ramirez"}).content.decode()
    assert f'data-candidate-id="{pedro.pk}"' in html
    assert "In the household Ramírez: remove them from it first." in html
    client.post(
        reverse("people:household-member-add", args=[household.pk]),
        {"person": pedro.pk, "relationship": "other_relative"},
    )
    pedro.refresh_from_db()
    assert pedro.household == household

    # The page's refusal for someone already elsewhere (a form sent from a stale page).
    response = client.post(
        reverse("people:household-member-add", args=[household.pk]),
        {"person": in_another.pk, "relationship": CHILD},
        follow=True,
    )
    assert "already in another household" in response.content.decode()
    in_another.refresh_from_db()
    assert in_another.household.name == "Ramírez"


def test_relationship_contact_and_removal_from_the_page(client, world):
    household, (rosa, jorge, ana, _luis) = family(world)
    login(client, world.worker)
    client.post(reverse("people:household-contact", args=[jorge.pk]))
    client.post(
        reverse("people:household-member-update", args=[rosa.pk]),
        {f"member{rosa.pk}-relationship": SPOUSE},
    )
    response = client.post(reverse("people:household-member-remove", args=[ana.pk]))
    assert response.status_code == 302
    rosa, jorge, ana = refreshed(rosa, jorge, ana)
    assert (jorge.household_relationship, rosa.household_relationship) == (HEAD, SPOUSE)
    assert ana.household is None
    assert client.get(reverse("people:file", args=[ana.pk])).status_code == 200


def test_the_last_member_out_dissolves_the_household_and_lands_on_their_file(client, world):
    solo = make_person(world, "Sola")
    household = people_services.household_create(
        actor=world.worker, owner=world.hub, name="Sola", members=[(solo, HEAD)]
    )
    login(client, world.worker)
    response = client.post(reverse("people:household-member-remove", args=[solo.pk]))
    assert response["Location"] == reverse("people:file", args=[solo.pk])
    assert client.get(reverse("people:household", args=[household.pk])).status_code == 404


@pytest.mark.parametrize("who", ["other_worker", "liaison"])
def test_household_pages_are_a_404_outside_the_owning_hubs_case_workers(client, world, who):
    household, (rosa, jorge, *_rest) = family(world)
    login(client, getattr(world, who))
    assert client.get(reverse("people:household", args=[household.pk])).status_code == 404
    posts = [
        (reverse("people:household-create", args=[rosa.pk]), {"name": "X", "relationship": HEAD, "pets": 0}),
        (reverse("people:household-update", args=[household.pk]), {"name": "X", "pets": 0}),
        (reverse("people:household-member-add", args=[household.pk]), {"person": rosa.pk, "relationship": HEAD}),
        (reverse("people:household-member-create", args=[household.pk]), {"given_names": "X", "family_names": "Y"}),
        (
            reverse("people:household-member-update", args=[rosa.pk]),
            {f"member{rosa.pk}-relationship": CHILD},
        ),
        (reverse("people:household-contact", args=[jorge.pk]), {}),
        (reverse("people:household-member-remove", args=[rosa.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    household.refresh_from_db()
    assert household.name == "Quispe Mamani"
    assert Person.objects.filter(household=household).count() == 4
    assert Person.objects.get(pk=jorge.pk).household_relationship == SPOUSE


def test_the_consent_form_of_a_child_offers_the_households_adults(client, world):
    _household, (rosa, jorge, ana, luis) = family(world)
    login(client, world.worker)
    html = client.get(reverse("people:file", args=[ana.pk])).content.decode()
    assert 'id="guardian-notice"' in html
    assert f'<option value="{rosa.pk}">Rosa Quispe Mamani</option>' in html
    assert f'<option value="{jorge.pk}">Jorge Quispe Mamani</option>' in html
    assert f'<option value="{luis.pk}">' not in html  # 15: a child, not a guardian

    form = {
        "recipient": world.partner.pk,
        "purposes": [NeedCategory.EDUCATION_CHILDREN],
        "data_groups": [DataGroup.IDENTITY],
        "method": ConsentMethod.SIGNED,
        "language": "es",
        "given_by": ConsentGivenBy.PARENT_GUARDIAN,
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    refused = client.post(reverse("people:consent-create", args=[ana.pk]), form)
    assert refused.status_code == 200
    assert "Under 14, a parent or guardian gives consent: choose one of the household" in refused.content.decode()
    assert not Consent.objects.exists()

    response = client.post(reverse("people:consent-create", args=[ana.pk]), {**form, "guardian": rosa.pk})
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, consent.given_by_name) == (ConsentGivenBy.PARENT_GUARDIAN, "Rosa Quispe Mamani")

    # Someone over 14 consents for themself: no guardian asked.
    assert 'id="guardian-notice"' not in client.get(reverse("people:file", args=[luis.pk])).content.decode()


# --- API ----------------------------------------------------------------------------------------------


def test_the_api_adds_sets_the_contact_and_removes_members(api, world):
    household, (rosa, jorge, ana, _luis) = family(world)
    api.force_authenticate(world.worker)
    detail = api.get(reverse("household-detail", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="en-ca").json()
    assert detail["composition"]["size"] == 4 and detail["composition"]["description"] == "2 adults, 2 children"
    assert detail["pets"] == 1 and detail["dissolved_at"] is None

    carmen = make_person(world, "Carmen", "Díaz")
    added = api.post(
        reverse("household-add-member", args=[household.pk]),
        {"person": carmen.pk, "relationship": "parent"},
        format="json",
    )
    assert added.status_code == 200, added.json()
    assert added.json()["composition"]["adults"] == 3

    contact = api.post(reverse("household-set-contact", args=[household.pk]), {"person": jorge.pk}, format="json")
    members = {row["id"]: row["relationship"] for row in contact.json()["members"]}
    assert (members[jorge.pk], members[rosa.pk]) == (HEAD, HouseholdRelationship.OTHER)

    relationship = api.post(
        reverse("household-set-relationship", args=[household.pk]),
        {"person": rosa.pk, "relationship": SPOUSE},
        format="json",
    )
    assert relationship.status_code == 200

    removed = api.post(reverse("household-remove-member", args=[household.pk]), {"person": ana.pk}, format="json")
    assert removed.status_code == 200
    assert ana.pk not in {row["id"] for row in removed.json()["members"]}

    patched = api.patch(reverse("household-detail", args=[household.pk]), {"pets": 0}, format="json")
    assert patched.status_code == 200 and patched.json()["pets"] == 0


def test_the_api_refuses_what_the_rules_refuse(api, world):
    household, (rosa, *_rest) = family(world)
    api.force_authenticate(world.worker)
    carmen = make_person(world, "Carmen", "Díaz")
    empty = api.post(reverse("household-list"), {"owner": world.hub.pk, "name": "Vacía", "members": []}, format="json")
    assert empty.status_code == 400
    twice = api.post(
        reverse("household-list"),
        {
            "owner": world.hub.pk,
            "name": "Otra",
            "members": [{"person": carmen.pk, "relationship": HEAD}, {"person": rosa.pk, "relationship": CHILD}],
        },
        format="json",
    )
    assert twice.status_code == 422 and twice.json()["code"] == "in_another_household"
    assert Household.objects.count() == 1
    carmen.refresh_from_db()
    assert carmen.household is None
    again = api.post(
        reverse("household-add-member", args=[household.pk]), {"person": rosa.pk, "relationship": CHILD}, format="json"
    )
    assert again.status_code == 409
    stranger = api.post(reverse("household-set-contact", args=[household.pk]), {"person": carmen.pk}, format="json")
    assert stranger.status_code == 404

    api.force_authenticate(world.other_worker)
    assert api.get(reverse("household-detail", args=[household.pk])).status_code == 404
    outside = api.post(reverse("household-remove-member", args=[household.pk]), {"person": rosa.pk}, format="json")
    assert outside.status_code == 404
    rosa.refresh_from_db()
    assert rosa.household == household


def test_the_last_member_removed_through_the_api_dissolves_the_household(api, world):
    solo = make_person(world, "Sola")
    household = people_services.household_create(
        actor=world.worker, owner=world.hub, name="Sola", members=[(solo, HEAD)]
    )
    api.force_authenticate(world.worker)
    removed = api.post(reverse("household-remove-member", args=[household.pk]), {"person": solo.pk}, format="json")
    assert removed.status_code == 200 and removed.json()["dissolved_at"] is not None
    refused = api.patch(reverse("household-detail", args=[household.pk]), {"pets": 1}, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "household_dissolved"
