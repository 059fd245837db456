"""Writes of person files. Each service runs in one transaction, checks the access policy,
validates, writes, and appends an audit entry whose details hold field names, never values."""

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations import permissions
from organisations.audit import audit_record
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import Organisation, User, language_code_validator
from organisations.permissions import Action
from organisations.validators import recent_date_validator
from people import selectors
from people.choices import (
    SENSITIVE_DATA_GROUPS,
    ConsentGivenBy,
    ConsentMethod,
    HouseholdRelationship,
    NeedStatus,
    NeedUrgency,
)
from people.composition import CHILD_CONSENT_AGE
from people.models import Consent, Household, Intervention, Milestone, Need, Person
from people.notifications import consent_remind_expiring  # noqa: F401 - registers the reminder job

# Apps that depend on people (referrals) register here to react when a consent stops applying,
# without people importing them.
consent_change_listeners: list[Callable[[Consent], None]] = []


def _require_case_worker(actor: User, organisation: Organisation) -> None:
    if not permissions.has_organisation_permission(actor, "work_cases", organisation):
        raise NotFoundError()


# --- People -----------------------------------------------------------------------------------


def person_build(
    *, actor: User, owner: Organisation, given_names: str, family_names: str, validate: bool = True, **fields
) -> Person:
    """A new file, not saved, checked by the rules every way of opening one shares (the page,
    the API, the spreadsheet import): names trimmed, search keys computed, every field's
    validators. Reads nothing: the rules against stored rows (one reference per file in the
    organisation) are the caller's, ``person_create``'s or the import's (one query per file).
    ``validate=False`` only for values this function already checked (an import's commit of the
    very bytes its preview checked: ``people.imports``)."""
    person = Person(
        owner=owner, given_names=given_names.strip(), family_names=family_names.strip(), created_by=actor, **fields
    )
    person.set_search_keys()
    if validate:
        person.full_clean(
            exclude=["household", "owner", "created_by"], validate_unique=False, validate_constraints=False
        )
    return person


@transaction.atomic
def person_create(*, actor: User, owner: Organisation, given_names: str, family_names: str, **fields) -> Person:
    """Open a person file in ``owner`` (the actor's hub). Call ``person_possible_duplicates``
    first to offer an existing file instead."""
    _require_case_worker(actor, owner)
    person = person_build(actor=actor, owner=owner, given_names=given_names, family_names=family_names, **fields)
    person.validate_constraints(exclude=["household"])
    person.save()
    permissions.require(actor, Action.ADD, person)
    audit_record(actor=actor, organisation=owner, action="people.person.created", obj=person)
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, **fields) -> Person:
    """Change a person file; the audit entry names the fields changed, never their values."""
    permissions.require(actor, Action.CHANGE, person)
    for name, value in fields.items():
        setattr(person, name, value)
    person.set_search_keys()
    person.full_clean()
    # Only what was changed: a profile edit never undoes a household change saved meanwhile.
    person.save(update_fields=sorted({*fields, *Person.SEARCH_KEYS, "updated_at"}))
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.person.updated",
        obj=person,
        details={"fields": sorted(fields)},
    )
    return person


# --- Households ---------------------------------------------------------------------------------
#
# A person is in one household at most, and a household is never empty: it is created with its
# first members and dissolved when its last member leaves. Each write locks the household's row,
# then the person's, always in that order, so two workers adding the same person to two
# households, or the last member's removal racing an addition, cannot both win.


def _locked_household(household: Household) -> Household:
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.dissolved_at is not None:
        raise ApplicationError(
            _("This household was dissolved: it has nobody in it any more. Create a new one."),
            code="household_dissolved",
        )
    return locked


def _locked_member(actor: User, household: Household, person: Person) -> Person:
    """The person's row, locked, when they are a member of ``household``; otherwise 404."""
    permissions.require(actor, Action.CHANGE, person)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.household_id != household.pk:
        raise NotFoundError()
    return locked


def _hand_over_contact(household: Household, new_contact: Person) -> list[int]:
    """One main contact per household: the former one stays a member, as "other" until the
    worker says more. Returns the ids of the members whose relationship changed."""
    former = list(
        Person.objects.select_for_update()
        .filter(household=household, household_relationship=HouseholdRelationship.HEAD)
        .exclude(pk=new_contact.pk)
    )
    for person in former:
        person.household_relationship = HouseholdRelationship.OTHER
        person.save(update_fields=["household_relationship", "updated_at"])
    return [person.pk for person in former]


@transaction.atomic
def household_create(
    *, actor: User, owner: Organisation, name: str, members: list[tuple[Person, str]], pets: int = 0
) -> Household:
    """Group people into a household; each member comes with their relationship. A household
    has at least one member, and none of them may already be in another household."""
    _require_case_worker(actor, owner)
    if not members:
        raise ApplicationError(_("A household needs at least one member."), code="empty_household")
    household = Household(owner=owner, name=name.strip(), pets=pets)
    household.full_clean()
    household.save()
    audit_record(actor=actor, organisation=owner, action="people.household.created", obj=household)
    for person, relationship in members:
        household_add_member(actor=actor, household=household, person=person, relationship=relationship)
    return household


@transaction.atomic
def household_update(*, actor: User, household: Household, **fields) -> Household:
    """Change a household's name or its pets; the audit entry names the fields changed."""
    permissions.require(actor, Action.CHANGE, household)
    household = _locked_household(household)
    for name, value in fields.items():
        if name not in {"name", "pets"}:
            raise TypeError(f"household_update does not change {name}")
        setattr(household, name, value.strip() if name == "name" else value)
    household.full_clean()
    household.save(update_fields=sorted(fields))
    audit_record(
        actor=actor,
        organisation=household.owner,
        action="people.household.updated",
        obj=household,
        details={"fields": sorted(fields)},
    )
    return household


@transaction.atomic
def household_add_member(*, actor: User, household: Household, person: Person, relationship: str) -> Person:
    """Add a person to a household. Someone already in another household is refused: they are
    removed from it first, so that nobody is counted in two places."""
    permissions.require(actor, Action.CHANGE, household)
    permissions.require(actor, Action.CHANGE, person)
    if person.owner_id != household.owner_id:
        raise NotFoundError()
    household = _locked_household(household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.household_id == household.pk:
        raise ConflictError(_("%(name)s is already in this household.") % {"name": person}, code="already_member")
    if person.household_id is not None:
        raise ApplicationError(
            _("%(name)s is already in another household. Remove them from it first.") % {"name": person},
            code="in_another_household",
        )
    person.household = household
    person.household_relationship = relationship
    person.full_clean()
    if relationship == HouseholdRelationship.HEAD:
        _hand_over_contact(household, person)
    person.save(update_fields=["household", "household_relationship", "updated_at"])
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.household.member_added",
        obj=person,
        details={"household": household.pk, "relationship": relationship},
    )
    return person


@transaction.atomic
def household_add_new_member(
    *, actor: User, household: Household, relationship: str, given_names: str, family_names: str, **fields
) -> Person:
    """Open a file for someone who arrived with the household and add them, both or neither.
    Call ``person_possible_duplicates`` first to offer an existing file instead."""
    permissions.require(actor, Action.CHANGE, household)
    person = person_create(
        actor=actor, owner=household.owner, given_names=given_names, family_names=family_names, **fields
    )
    return household_add_member(actor=actor, household=household, person=person, relationship=relationship)


@transaction.atomic
def household_set_relationship(*, actor: User, household: Household, person: Person, relationship: str) -> Person:
    """Change how a member is related to the household. Naming a new main contact makes the
    former one "other"."""
    permissions.require(actor, Action.CHANGE, household)
    household = _locked_household(household)
    person = _locked_member(actor, household, person)
    person.household_relationship = relationship
    person.full_clean()
    changed = _hand_over_contact(household, person) if relationship == HouseholdRelationship.HEAD else []
    person.save(update_fields=["household_relationship", "updated_at"])
    audit_record(
        actor=actor,
        organisation=household.owner,
        action="people.household.relationship_changed",
        obj=person,
        details={"household": household.pk, "relationship": relationship, "former_contacts": changed},
    )
    return person


def household_set_contact(*, actor: User, household: Household, person: Person) -> Person:
    """Make ``person`` the household's main contact (the one the hub and the provider call)."""
    return household_set_relationship(
        actor=actor, household=household, person=person, relationship=HouseholdRelationship.HEAD
    )


@transaction.atomic
def household_remove_member(*, actor: User, household: Household, person: Person) -> Household:
    """Take a person out of a household; they keep their own file. When nobody is left, the
    household is dissolved: it keeps its history and takes no member again."""
    permissions.require(actor, Action.CHANGE, household)
    household = _locked_household(household)
    person = _locked_member(actor, household, person)
    person.household = None
    person.household_relationship = ""
    person.save(update_fields=["household", "household_relationship", "updated_at"])
    audit_record(
        actor=actor,
        organisation=household.owner,
        action="people.household.member_removed",
        obj=person,
        details={"household": household.pk},
    )
    if not Person.objects.filter(household=household).exists():
        household.dissolved_at = timezone.now()
        household.save(update_fields=["dissolved_at"])
        audit_record(actor=actor, organisation=household.owner, action="people.household.dissolved", obj=household)
    return household


# --- Consent ----------------------------------------------------------------------------------


def consent_needs_guardian(*, person: Person, on: date) -> bool:
    """Whether a consent ``person`` gives on ``on`` comes from a parent or guardian: under
    ``CHILD_CONSENT_AGE`` that day. A file without a birth date is not taken for a child's."""
    age = person.age_on(on)
    return age is not None and age < CHILD_CONSENT_AGE


@transaction.atomic
def consent_record(
    *,
    actor: User,
    person: Person,
    recipient: Organisation,
    purposes: list[str],
    data_groups: list[str],
    method: str,
    language: str,
    valid_until: date,
    valid_from: date | None = None,
    express: bool = False,
    interpreter_assisted: bool = False,
    given_by: str = ConsentGivenBy.PERSON,
    given_by_name: str = "",
    notice_version: int | None = None,
) -> Consent:
    """Record a consent to share ``data_groups`` with ``recipient`` for ``purposes``.

    Sensitive groups need express consent; under 14, a parent or guardian consents. The consent
    keeps the privacy notice in force at the person's organisation (``Consent.notice``);
    ``notice_version`` is the version the form showed: if a newer one came into force since, the
    person has not been told it and the consent is refused (``notice_changed``).
    """
    permissions.require(actor, Action.CHANGE, person)
    notice = selectors.privacy_notice_in_force(person.owner)
    if notice_version is not None and (notice is None or notice.version != notice_version):
        raise ApplicationError(
            _("The privacy notice changed while the form was open: explain the new one to the person."),
            code="notice_changed",
        )
    valid_from = valid_from or timezone.localdate()
    if not purposes or not data_groups:
        raise ApplicationError(_("Choose at least one purpose and one group of information."), code="empty_consent")
    if set(data_groups) & SENSITIVE_DATA_GROUPS and not express:
        raise ApplicationError(
            _("Sensitive information can only be shared with express consent."), code="express_consent_required"
        )
    if consent_needs_guardian(person=person, on=valid_from) and given_by != ConsentGivenBy.PARENT_GUARDIAN:
        raise ApplicationError(_("Under 14, a parent or guardian gives consent."), code="parent_consent_required")
    if given_by == ConsentGivenBy.PARENT_GUARDIAN and not given_by_name.strip():
        raise ApplicationError(_("Give the name of the parent or guardian."), code="guardian_name_required")
    if valid_until < valid_from:
        raise ApplicationError(_("A consent cannot end before it starts."), code="invalid_period")
    consent = Consent(
        person=person,
        recipient=recipient,
        purposes=sorted(set(purposes)),
        data_groups=sorted(set(data_groups)),
        express=express,
        method=method,
        language=language,
        interpreter_assisted=interpreter_assisted,
        given_by=given_by,
        given_by_name=given_by_name.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        notice=notice,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.consent.recorded",
        obj=consent,
        details={
            "person": person.pk,
            "recipient": recipient.pk,
            "data_groups": consent.data_groups,
            "purposes": consent.purposes,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, actor: User, consent: Consent, method: str = "", language: str = "", children: bool = False
) -> Consent:
    """The person withdraws consent: sharing stops at once, and the partner no longer reads what
    it could under it (what was disclosed stays disclosed). ``method`` is how the person
    expressed it (a ``ConsentMethod``; oral by default) and ``language`` the language they used
    (their preferred language by default). With ``children``, the consents this person gave as
    parent or guardian for the children of their household to the same recipient are withdrawn
    too, as expressed by the parent (``people.selectors.consents_given_for_children``). The
    listeners (referrals) tell the partners concerned."""
    permissions.require(actor, Action.CHANGE, consent.person)
    consent = Consent.objects.select_for_update().select_related("person").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ConflictError(_("This consent was already withdrawn."), code="already_withdrawn")
    method = method or ConsentMethod.ORAL_RECORDED
    language = language or consent.person.preferred_language
    if method not in ConsentMethod.values:
        raise ApplicationError(_("Say how the person withdrew their consent."), code="withdrawal_method")
    language_code_validator(language)
    withdrawn = [consent]
    if children:
        from people.selectors import consents_given_for_children

        withdrawn += list(consents_given_for_children(consent=consent).select_for_update(of=("self",)))
    now = timezone.now()
    for each in withdrawn:
        permissions.require(actor, Action.CHANGE, each.person)
        each.withdrawn_at = now
        each.withdrawn_by = actor
        each.withdrawal_method = method
        each.withdrawal_language = language
        each.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_method", "withdrawal_language"])
        audit_record(
            actor=actor,
            organisation=each.person.owner,
            action="people.consent.withdrawn",
            obj=each,
            details={
                "person": each.person_id,
                "recipient": each.recipient_id,
                "method": method,
                "language": language,
                **({"with_parent_consent": consent.pk} if each is not consent else {}),
            },
        )
        for listener in consent_change_listeners:
            listener(each)
    return consent


# --- Needs and milestones -------------------------------------------------------------------------


@transaction.atomic
def need_record(*, actor: User, person: Person, category: str, urgency: str = NeedUrgency.DAYS, note: str = "") -> Need:
    permissions.require(actor, Action.CHANGE, person)
    need = Need(person=person, category=category, urgency=urgency, note=note, recorded_by=actor)
    need.full_clean()
    need.save()
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.need.recorded",
        obj=need,
        details={"person": person.pk, "category": category},
    )
    return need


@transaction.atomic
def need_update(*, actor: User, need: Need, **fields) -> Need:
    """Change a need's status, urgency or note; closing it (met, unmet, withdrawn) dates it."""
    permissions.require(actor, Action.CHANGE, need.person)
    for name, value in fields.items():
        setattr(need, name, value)
    closed = need.status in {NeedStatus.MET, NeedStatus.UNMET_NO_RESOURCE, NeedStatus.WITHDRAWN}
    need.closed_on = (need.closed_on or timezone.localdate()) if closed else None
    need.full_clean()
    need.save()
    audit_record(
        actor=actor,
        organisation=need.person.owner,
        action="people.need.updated",
        obj=need,
        details={"fields": sorted(fields), "status": need.status},
    )
    return need


@transaction.atomic
def milestone_record(
    *,
    actor: User,
    person: Person,
    kind: str,
    occurred_on: date,
    note: str = "",
    place: str = "",
    valid_until: date | None = None,
) -> Milestone:
    """Record that a milestone happened, and set the deadlines that follow it from the rules."""
    permissions.require(actor, Action.CHANGE, person)
    # The deadlines are computed from the date: it must be one that can be true.
    recent_date_validator(occurred_on)
    if valid_until is not None and valid_until < occurred_on:
        raise ValidationError({"valid_until": _("A document cannot expire before it was issued.")})
    milestone, _created = Milestone.objects.update_or_create(
        person=person,
        kind=kind,
        defaults={
            "occurred_on": occurred_on,
            "note": note,
            "place": place,
            "valid_until": valid_until,
            "recorded_by": actor,
        },
    )
    for rule in selectors.deadline_rules_for(person.owner_id):
        if rule.trigger != kind or not rule.applies_to(person):
            continue
        due, created = Milestone.objects.get_or_create(
            person=person, kind=rule.due, defaults={"due_on": occurred_on + timedelta(days=rule.days)}
        )
        if not created and due.occurred_on is None:
            due.due_on = occurred_on + timedelta(days=rule.days)
            due.save(update_fields=["due_on"])
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.milestone.recorded",
        obj=milestone,
        details={"person": person.pk, "kind": kind},
    )
    return milestone


# How far ahead an appointment of the claim may be set.
SCHEDULE_HORIZON_DAYS = 3 * 365


@transaction.atomic
def milestone_schedule(
    *, actor: User, person: Person, kind: str, due_on: date, place: str = "", note: str = ""
) -> Milestone:
    """Set the date a milestone is expected (a hearing, an eligibility interview, a letter's
    deadline) and where; a milestone already recorded as happened is left alone."""
    permissions.require(actor, Action.CHANGE, person)
    today = timezone.localdate()
    if not today - timedelta(days=SCHEDULE_HORIZON_DAYS) <= due_on <= today + timedelta(days=SCHEDULE_HORIZON_DAYS):
        raise ValidationError({"due_on": _("Give a date within three years of today.")})
    milestone = Milestone.objects.select_for_update().filter(person=person, kind=kind).first()
    if milestone is not None and milestone.occurred_on is not None:
        raise ApplicationError(_("This milestone is already recorded as done."), code="milestone_done")
    milestone, _created = Milestone.objects.update_or_create(
        person=person, kind=kind, defaults={"due_on": due_on, "place": place, "note": note, "recorded_by": actor}
    )
    audit_record(
        actor=actor,
        organisation=person.owner,
        action="people.milestone.scheduled",
        obj=milestone,
        details={"person": person.pk, "kind": kind},
    )
    return milestone


# --- Interventions ----------------------------------------------------------------------------------


def intervention_build(
    *, actor: User, organisation: Organisation, type: str, language_used: str, validate: bool = True, **fields
) -> Intervention:
    """A new intervention, not saved, checked by the rules the quick log, the API and the
    spreadsheet import share (every field's validators: a date in the last ten years, codes of
    the enumerations). Reads nothing; who it names is the caller's. ``validate=False`` as for
    ``person_build``."""
    intervention = Intervention(
        organisation=organisation, type=type, language_used=language_used, recorded_by=actor, **fields
    )
    if validate:
        intervention.full_clean(exclude=["recorded_by", "organisation"])
    return intervention


def intervention_people(*, people: list[Person], household: Household | None) -> list[Person]:
    """Who an intervention is with: the people named or, when nobody is, everyone in the household
    named, as the household is when the intervention is logged (someone who joins it later was not
    there). An empty list when neither names anyone: the caller refuses that."""
    if people:
        return list(people)
    return list(household.members.all()) if household is not None else []


@transaction.atomic
def intervention_log(
    *, actor: User, organisation: Organisation, people: list[Person], type: str, language_used: str, **fields
) -> Intervention:
    """Log an intervention with one or more people (a household's members, a group session)."""
    _require_case_worker(actor, organisation)
    if not people:
        raise ApplicationError(_("Choose at least one person."), code="no_people")
    for person in people:
        permissions.require(actor, Action.CHANGE, person)
    intervention = intervention_build(
        actor=actor, organisation=organisation, type=type, language_used=language_used, **fields
    )
    intervention.save()
    intervention.people.set(people)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="people.intervention.logged",
        obj=intervention,
        details={"people": [person.pk for person in people], "type": type},
    )
    return intervention
