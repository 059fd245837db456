"""A household's composition is computed from its members' files (people/composition.py)."""

from datetime import date

import pytest
import time_machine
from django.utils import translation

from people.choices import GenderIdentity, HouseholdRelationship
from people.composition import composition_of
from people.models import Household
from tests import factories

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-07 12:00 -05:00", tick=False)
def test_a_family_of_four_is_counted_from_its_members():
    hub = factories.organisation()
    household = Household.objects.create(owner=hub, name="Rojas", pets=1)
    members = [
        (date(1990, 3, 1), GenderIdentity.WOMAN, HouseholdRelationship.HEAD, True),
        (date(1988, 5, 2), GenderIdentity.MAN, HouseholdRelationship.SPOUSE_PARTNER, False),
        (date(2015, 1, 1), GenderIdentity.MAN, HouseholdRelationship.CHILD, False),  # 11: under 14
        (None, GenderIdentity.NOT_ASKED, HouseholdRelationship.CHILD, False),  # no birth date, a child
    ]
    for born, gender, relationship, wheelchair in members:
        factories.person(
            hub,
            date_of_birth=born,
            gender_identity=gender,
            household=household,
            household_relationship=relationship,
            needs_wheelchair_access=wheelchair,
        )

    composition = composition_of(household=household)

    assert (composition.adults, composition.children, composition.size) == (2, 2, 4)
    assert composition.children_under_consent_age == 1
    assert (composition.women, composition.men, composition.other_genders) == (1, 2, 1)
    assert composition.needs_wheelchair_access == 1 and composition.pets == 1
    assert composition.is_family and composition.has_minors and not composition.only_women
    with translation.override("es-419"):
        assert composition.describe() == "2 adultos, 2 niños"


def test_a_person_alone():
    hub = factories.organisation()
    woman = factories.person(hub, date_of_birth=date(1990, 3, 1), gender_identity=GenderIdentity.WOMAN)

    composition = composition_of(person=woman)

    assert composition.size == 1 and composition.only_women and not composition.is_family
    with translation.override("fr-ca"):
        assert composition.describe() == "1 adulte"
