"""Reads of person files: restricted querysets, the duplicate warning, and the audited read of
one file."""

import re
from datetime import date

from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from organisations.audit import PersonalRead, audit_read, audit_rows, audited, owner_of_person, prefetched_ids, value
from organisations.errors import NotFoundError
from organisations.permissions import Action
from people.choices import HouseholdRelationship
from people.models import Consent, DeadlineRule, Household, Intervention, Milestone, Need, Person, PrivacyNotice
from people.names import name_key, names_match, phone_digits, sound_key, sound_of

# The personal data of this app and how its reads are audited (``organisations.audit``):
# registered by ``PeopleConfig.ready``.
PERSONAL_READS = {
    "people.person": PersonalRead(
        "people.person", lambda row, reader: value(row, "owner_id"), lambda row: [value(row, "pk")], "person_id"
    ),
    "people.household": PersonalRead(
        "people.household",
        lambda row, reader: value(row, "owner_id"),
        lambda row: prefetched_ids(row, "members"),
        "household_id",
    ),
    "people.consent": PersonalRead(
        "people.consent", owner_of_person, lambda row: [value(row, "person_id")], "consent_id", "person__owner_id"
    ),
    "people.need": PersonalRead(
        "people.need", owner_of_person, lambda row: [value(row, "person_id")], "need_id", "person__owner_id"
    ),
    "people.milestone": PersonalRead(
        "people.milestone", owner_of_person, lambda row: [value(row, "person_id")], holder="person__owner_id"
    ),
    "people.intervention": PersonalRead(
        "people.intervention",
        lambda row, reader: value(row, "organisation_id"),
        lambda row: prefetched_ids(row, "people"),
        holder="organisation_id",
    ),
}


def narrow_to_visible_occupant(queryset: QuerySet, *, user, field: str, occupant_id: int) -> QuerySet:
    """Narrow ``queryset`` (referrals, holds, stays) to the rows of one person (``field``
    ``person``) or household (``household``), only when ``user`` may see that file: otherwise
    nothing, exactly as for an id nobody has. A filter must never tell a partner or a provider
    which rows are about the same person (docs/privacy.md, "Consent that really closes")."""
    model = Person if field == "person" else Household
    visible = model.objects.restrict(user, Action.VIEW).filter(pk=occupant_id)
    return queryset.filter(**{f"{field}__in": visible})


def _visible_people(*, user) -> QuerySet[Person]:
    return Person.objects.restrict(user, Action.VIEW).select_related("owner", "household")


# A birth date as people type it: 1990-03-25, 25/03/1990, 25-03-1990 or 25.03.1990 (day first,
# as in Québec and Latin America).
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Searches of only digits and phone punctuation, with enough digits to be part of a number.
_PHONE = re.compile(r"^[\d\s()+.-]+$")


def _searched_date(search: str) -> date | None:
    if match := _ISO_DATE.match(search):
        year, month, day = match.groups()
    elif match := _DAY_FIRST_DATE.match(search):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _search_filter(search: str) -> Q:
    """What a search box means: a birth date, part of a phone number (digits only compared), or
    words of the names, compared as they sound (``people.names.sound_of``)."""
    search = search.strip()
    if born := _searched_date(search):
        return Q(date_of_birth=born)
    digits = phone_digits(search)
    if _PHONE.match(search) and len(digits) >= 3:
        found = Q(phone_digits__contains=digits)
        if len(digits) == 11 and digits.startswith("1"):
            # "+1 418 555-0111": the North American country code, rarely typed in the file.
            found |= Q(phone_digits__contains=digits[1:])
        return found
    tokens = name_key(search, "").split()
    if not tokens:
        # Only signs ("%", "_", an emoji): no name is asked for, so nobody is found.
        return Q(pk__in=[])
    found = Q()
    for token in tokens:
        found &= Q(name_key__contains=token) | Q(sound_key__contains=sound_of(token))
    return found


def person_list(*, user, search: str = "") -> QuerySet[Person]:
    """The people ``user`` may see, optionally searched by any part of their names (spelling
    variants included), by phone number or by birth date; the rows a page or the API shows are
    audited (never the search words: they are personal data)."""
    people = _visible_people(user=user)
    if search.strip():
        people = people.filter(_search_filter(search))
    return audited(people, user=user, what="people.person.search" if search.strip() else None)


def person_file(*, user, person_id: int) -> Person:
    """One person file, read by ``user``: 404 unless allowed, and the read is audited."""
    person = _visible_people(user=user).filter(pk=person_id).first()
    if person is None:
        raise NotFoundError()
    audit_read(actor=user, organisation=person.owner, obj=person, what="people.person.file")
    return person


def person_possible_duplicates(*, user, given_names: str, family_names: str, date_of_birth=None) -> list[Person]:
    """Files ``user`` may see that could be this person typed differently: accents, spelling
    variants of the same sounds ("Garsia Lopes"), one or two surnames, names swapped; with the
    same birth date when both have one."""
    key = sound_key(given_names, family_names)
    tokens = key.split()
    if not tokens:
        return []
    candidates = Person.objects.restrict(user, Action.VIEW)
    any_token = Q()
    for token in tokens:
        any_token |= Q(sound_key__contains=token)
    candidates = candidates.filter(any_token)
    if date_of_birth is not None:
        candidates = candidates.filter(Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True))
    found = [person for person in candidates[:200] if names_match(key, person.sound_key)][:10]
    audit_rows(actor=user, rows=found, what="people.person.duplicates")
    return found


def consent_list(*, user, person: Person) -> QuerySet[Consent]:
    """The person's consents ``user`` may see; audited when read."""
    consents = Consent.objects.restrict(user, Action.VIEW).filter(person=person).select_related("person", "recipient")
    return audited(consents, user=user)


def consents_given_for_children(*, consent: Consent) -> QuerySet[Consent]:
    """The consents in force that the person of ``consent`` gave, as parent or guardian, for
    the children of their household to the same recipient (recorded in the same step, as a
    hold's consent is): withdrawing the parent's consent offers to withdraw these too. Read for
    a consent the caller may already see, of people of the same file owner."""
    person = consent.person
    if not person.household_id:
        return Consent.objects.none()
    from people.choices import ConsentGivenBy

    return (
        Consent.objects.filter(
            person__household_id=person.household_id,
            person__owner_id=person.owner_id,
            recipient_id=consent.recipient_id,
            given_by=ConsentGivenBy.PARENT_GUARDIAN,
            given_by_name=person.full_name,
            withdrawn_at__isnull=True,
        )
        .exclude(person=person)
        .select_related("person")
        .order_by("person__given_names", "pk")
    )


def privacy_notice_in_force(organisation, on=None) -> PrivacyNotice | None:
    """The privacy notice ``organisation`` shows at collection on ``on`` (today): its highest
    version already published, or None when it has none."""
    on = on or timezone.localdate()
    return PrivacyNotice.objects.filter(organisation=organisation, published_on__lte=on).order_by("-version").first()


def need_list(*, user) -> QuerySet[Need]:
    """Needs (health notes among them) ``user`` may see; audited when read."""
    return audited(Need.objects.restrict(user, Action.VIEW).select_related("person"), user=user)


def milestone_list(*, user) -> QuerySet[Milestone]:
    """Claim milestones ``user`` may see; audited when read."""
    return audited(Milestone.objects.restrict(user, Action.VIEW).select_related("person"), user=user)


def intervention_list(*, user) -> QuerySet[Intervention]:
    """Interventions ``user`` may see, with the people they name; audited when read."""
    return audited(Intervention.objects.restrict(user, Action.VIEW).prefetch_related("people"), user=user)


def household_list(*, user) -> QuerySet[Household]:
    """The households ``user`` may see that still have members (a dissolved one is history);
    audited when read."""
    households = (
        Household.objects.restrict(user, Action.VIEW).filter(dissolved_at__isnull=True).prefetch_related("members")
    )
    return audited(households, user=user)


def household_file(*, user, household_id: int) -> Household:
    """One household as its page shows it, members included: 404 unless allowed or dissolved
    (its members' files keep its history), and the read is audited."""
    household = (
        Household.objects.restrict(user, Action.VIEW)
        .filter(pk=household_id, dissolved_at__isnull=True)
        .select_related("owner")
        .first()
    )
    if household is None:
        raise NotFoundError()
    audit_read(
        actor=user,
        organisation=household.owner,
        obj=household,
        what="people.household.file",
        people=household.members.values_list("pk", flat=True),
    )
    return household


def household_members(*, user, household: Household) -> QuerySet[Person]:
    """The household's members ``user`` may see, the main contact first, then the adults' way of
    listing (oldest first)."""
    return (
        person_list(user=user)
        .filter(household=household)
        .order_by(
            Case(When(household_relationship=HouseholdRelationship.HEAD, then=0), default=1),
            F("date_of_birth").asc(nulls_first=True),
            "given_names",
        )
    )


def household_candidates(*, user, household: Household, search: str) -> QuerySet[Person]:
    """Files of the household's organisation found by name, to add one as a member; people
    already in a household are listed too, so the page can say where they are."""
    if not name_key(search, "").split():
        return Person.objects.none()
    return person_list(user=user, search=search).filter(owner=household.owner).exclude(household=household)


def deadline_rules_for(organisation_id: int | None) -> list[DeadlineRule]:
    """The deadline rules a hub's files follow: its own, and Passerelle's where it has none for
    the same milestones."""
    rules = list(
        DeadlineRule.objects.filter(Q(organisation__isnull=True) | Q(organisation_id=organisation_id)).order_by(
            "trigger", "due", F("organisation_id").asc(nulls_first=True)
        )
    )
    effective = {}
    for rule in rules:  # a hub's own rule comes after Passerelle's, and replaces it
        effective[(rule.trigger, rule.due)] = rule
    return list(effective.values())
