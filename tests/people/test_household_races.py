"""Households under contention (PostgreSQL): workers adding the same person to several households
at once, or adding someone while the last member leaves. The row locks of the services decide:
nobody ends up in two households, no household is left empty, nothing is half written."""

import threading

import pytest
from django.db import connection

from organisations.choices import OrganisationKind, Role
from organisations.errors import ApplicationError
from people import services as people_services
from people.models import Household, Person
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(functions) -> tuple[list, list]:
    """Run each function in its own thread and connection, released together; returns what
    they returned and the application errors they raised."""
    barrier = threading.Barrier(len(functions))
    results, refusals, failures = [], [], []

    def attempt(function):
        try:
            barrier.wait(timeout=30)
            results.append(function())
        except ApplicationError as error:
            refusals.append(error.code)
        except Exception as error:  # collected, then failed on: nothing else may happen
            failures.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread for thread in threads if thread.is_alive()], "a write hangs"
    assert failures == []
    return results, refusals


def test_eight_workers_add_the_same_person_to_eight_households_one_wins():
    hub = factories.organisation(kind=OrganisationKind.HUB)
    worker = factories.member(hub, Role.WORKER)
    households = [
        people_services.household_create(
            actor=worker, owner=hub, name=f"Famille {index}", members=[(factories.person(hub, actor=worker), "head")]
        )
        for index in range(8)
    ]
    person = factories.person(hub, actor=worker)

    def add_to(household):
        return lambda: people_services.household_add_member(
            actor=worker, household=household, person=person, relationship="child"
        )

    results, refusals = run_at_once([add_to(household) for household in households])
    assert len(results) == 1
    assert refusals == ["in_another_household"] * 7
    person.refresh_from_db()
    assert person.household_id == results[0].household_id
    assert Person.objects.filter(pk=person.pk, household__isnull=False).count() == 1


def test_the_last_member_leaving_while_someone_joins_never_leaves_an_empty_household():
    hub = factories.organisation(kind=OrganisationKind.HUB)
    worker = factories.member(hub, Role.WORKER)
    for _round in range(5):
        last = factories.person(hub, actor=worker)
        joining = factories.person(hub, actor=worker)
        household = people_services.household_create(actor=worker, owner=hub, name="Sola", members=[(last, "head")])
        run_at_once(
            [
                lambda household=household, last=last: people_services.household_remove_member(
                    actor=worker, household=household, person=last
                ),
                lambda household=household, joining=joining: people_services.household_add_member(
                    actor=worker, household=household, person=joining, relationship="head"
                ),
            ]
        )
        household.refresh_from_db()
        members = Person.objects.filter(household=household).count()
        # Either the newcomer joined first (one member, still a household) or the household was
        # dissolved first (nobody, and the newcomer was refused).
        assert (household.dissolved_at is None and members == 1) or (household.dissolved_at and members == 0)
    assert not Household.objects.filter(dissolved_at__isnull=True, members__isnull=True).exists()
