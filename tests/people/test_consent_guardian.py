"""Who gives a person's consent (``services.consent_needs_guardian``): a parent or guardian under
``CHILD_CONSENT_AGE`` on the day the consent starts; the consent form of the file asks for one by
the same rule on the day it is drawn."""

from datetime import date

import pytest

from people import services
from people.composition import CHILD_CONSENT_AGE
from people.models import Person

BORN = date(2012, 6, 15)


@pytest.mark.parametrize(
    ("on", "needs_guardian"),
    [
        (date(2012 + CHILD_CONSENT_AGE, 6, 14), True),  # the day before the birthday
        (date(2012 + CHILD_CONSENT_AGE, 6, 15), False),  # the birthday itself
        (date(2012 + CHILD_CONSENT_AGE + 5, 1, 1), False),
        (date(2013, 1, 1), True),
    ],
)
def test_under_the_consent_age_a_parent_or_guardian_consents(on, needs_guardian):
    assert services.consent_needs_guardian(person=Person(date_of_birth=BORN), on=on) is needs_guardian


def test_a_file_without_a_birth_date_is_not_taken_for_a_childs():
    assert services.consent_needs_guardian(person=Person(date_of_birth=None), on=date(2026, 1, 1)) is False


def test_a_day_before_the_birth_date_is_not_taken_for_a_childs():
    """A date typed wrong (before the birth) gives no age: the rule does not guess one."""
    assert services.consent_needs_guardian(person=Person(date_of_birth=BORN), on=date(2011, 1, 1)) is False
