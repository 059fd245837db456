"""Impossible dates: a birth or a claim milestone after today is refused with a message that says
so, in the reader's language; a birth date after a day never gives a negative age."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from people import services
from people.choices import MilestoneKind
from people.models import Person
from tests.casework import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en-ca", "This date is in the future"),
        ("fr-ca", "Cette date est dans le futur"),
        ("es-419", "Esta fecha está en el futuro"),
    ],
)
def test_a_birth_date_in_the_future_is_refused(world, language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=world.hub_worker,
            owner=world.hub,
            given_names="Nadie",
            family_names="Futuro",
            date_of_birth=date(timezone.localdate().year + 5, 1, 1),
        )
    assert message in refused.value.message_dict["date_of_birth"][0]
    assert not Person.objects.filter(family_names="Futuro").exists()


def test_a_claim_milestone_in_the_future_is_refused(world):
    with pytest.raises(ValidationError, match="dans le futur"):  # French, the default language
        services.milestone_record(
            actor=world.hub_worker,
            person=world.person,
            kind=MilestoneKind.CLAIM_MADE,
            occurred_on=timezone.localdate() + timedelta(days=1),
        )
    assert not world.person.milestones.exists()


def test_a_day_before_the_birth_has_no_age():
    person = Person(date_of_birth=date(2031, 3, 2))
    assert person.age_on(date(2026, 12, 7)) is None
    assert person.age_on(date(2036, 3, 2)) == 5
