"""Who an intervention is with when a household is named (``services.intervention_people``): the
people named win; otherwise everyone in the household as it is when the intervention is logged;
nobody named is refused on the API's ``people`` field."""

import pytest
from django.urls import reverse

from organisations.choices import Role
from people import services
from people.choices import InterventionType
from people.models import Intervention
from tests import factories


@pytest.fixture
def hub(network):
    return network.a


@pytest.fixture
def worker(api, hub):
    api.force_authenticate(hub[Role.WORKER])
    return hub[Role.WORKER]


@pytest.fixture
def household(hub, worker):
    head = factories.person(hub.organisation, preferred_language="es")
    child = factories.person(hub.organisation, preferred_language="es")
    return services.household_create(
        actor=worker, owner=hub.organisation, name="Quispe", members=[(head, "head"), (child, "child")]
    )


def members_of(household) -> set[int]:
    return set(household.members.values_list("pk", flat=True))


def test_the_people_named_win_over_the_household(hub, household):
    someone_else = factories.person(hub.organisation)
    assert services.intervention_people(people=[someone_else], household=household) == [someone_else]


def test_without_people_the_household_is_everyone_in_it(household):
    people = services.intervention_people(people=[], household=household)
    assert {person.pk for person in people} == members_of(household)
    assert len(people) == 2


def test_without_people_or_household_nobody(db):
    assert services.intervention_people(people=[], household=None) == []


def test_a_member_who_left_is_not_counted(worker, household):
    leaving = household.members.get(household_relationship="child")
    services.household_remove_member(actor=worker, household=household, person=leaving)
    people = services.intervention_people(people=[], household=household)
    assert [person.pk for person in people] == list(members_of(household))
    assert leaving not in people


def test_the_api_logs_the_household_members_with_the_first_ones_language(api, worker, household):
    response = api.post(
        reverse("intervention-list"), {"type": InterventionType.FOLLOW_UP, "household": household.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    intervention = Intervention.objects.get(pk=response.json()["id"])
    assert set(intervention.people.values_list("pk", flat=True)) == members_of(household)
    assert intervention.household == household
    assert intervention.language_used == "es"


def test_the_api_logs_only_the_people_named_beside_a_household(api, hub, worker, household):
    someone_else = factories.person(hub.organisation)
    response = api.post(
        reverse("intervention-list"),
        {"type": InterventionType.FOLLOW_UP, "household": household.pk, "people": [someone_else.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["people"] == [someone_else.pk]


def test_the_api_refuses_a_household_with_nobody_left_on_people(api, worker, household):
    for member in list(household.members.order_by("household_relationship")):
        household = services.household_remove_member(actor=worker, household=household, person=member)
    assert household.dissolved_at is not None
    response = api.post(
        reverse("intervention-list"), {"type": InterventionType.FOLLOW_UP, "household": household.pk}, format="json"
    )
    assert response.status_code == 422, response.json()
    assert "people" in response.json()["fields"]
