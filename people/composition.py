"""Who a household (or a person alone) is, computed from the members' files and never typed twice:
the counts a housing site's rules and a provider's welcome need."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import ngettext

from people.choices import GenderIdentity, HouseholdRelationship
from people.models import Household, Person

ADULT_AGE = 18
CHILD_CONSENT_AGE = 14  # under this age a parent or guardian consents (art. 4.1 of Law 25)


@dataclass(frozen=True)
class Composition:
    """The counts of one household or person. A member without a birth date counts as an adult
    unless the household says they are a child."""

    adults: int
    children: int
    children_under_consent_age: int
    women: int
    men: int
    other_genders: int
    needs_wheelchair_access: int
    pets: int

    @property
    def size(self) -> int:
        return self.adults + self.children

    @property
    def only_women(self) -> bool:
        return self.size > 0 and self.women == self.size

    @property
    def only_men(self) -> bool:
        return self.size > 0 and self.men == self.size

    @property
    def is_family(self) -> bool:
        return self.size > 1

    @property
    def has_minors(self) -> bool:
        return self.children > 0

    def describe(self) -> str:
        """ "2 adults, 2 children", in the active language; what a provider reads on a hold code."""
        parts = [ngettext("%(count)d adult", "%(count)d adults", self.adults) % {"count": self.adults}]
        if self.children:
            parts.append(ngettext("%(count)d child", "%(count)d children", self.children) % {"count": self.children})
        return ", ".join(parts)


def _is_child(person: Person, today: date) -> bool:
    age = person.age_on(today)
    if age is None:
        return person.household_relationship == HouseholdRelationship.CHILD
    return age < ADULT_AGE


def is_adult(person: Person, today: date | None = None) -> bool:
    """Whether ``person`` counts as an adult of their household (the parents and guardians a
    child's consent page offers)."""
    return not _is_child(person, today or timezone.localdate())


def composition_of(*, household: Household | None = None, person: Person | None = None) -> Composition:
    """The composition of ``household`` (its current members) or of ``person`` alone."""
    members = list(household.members.all()) if household is not None else [person]
    today = timezone.localdate()
    children = [member for member in members if _is_child(member, today)]
    genders = [member.gender_identity for member in members]
    return Composition(
        adults=len(members) - len(children),
        children=len(children),
        children_under_consent_age=sum(
            1 for child in children if child.age_on(today) is not None and child.age_on(today) < CHILD_CONSENT_AGE
        ),
        women=genders.count(GenderIdentity.WOMAN),
        men=genders.count(GenderIdentity.MAN),
        other_genders=len(genders) - genders.count(GenderIdentity.WOMAN) - genders.count(GenderIdentity.MAN),
        needs_wheelchair_access=sum(1 for member in members if member.needs_wheelchair_access),
        pets=household.pets if household is not None else 0,
    )
