"""Writes of short-term housing: holds, stays, out-of-service periods, unmet requests.

A hold keeps beds from the moment it is made until the expected arrival plus the site's grace
period (``Site.hold_grace``), for an arrival no further ahead than ``Site.hold_horizon``; an
arrival outside the site's check-in hours needs the caller's confirmation. Every hold, check-in
and extension is checked against the site's rules (``housing.eligibility``); a hub coordinator
may override them with a written reason, kept on the hold and in the audit entry.

Guarantee: no bed is ever given twice. Each service locks the beds it takes (in id order, so two
requests never deadlock), checks that no active allocation overlaps, then writes; on PostgreSQL an
exclusion constraint backs the check, and a violation becomes the same 409 a failed check gives.
After commit the site's availability is published to every open board.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from housing import early_refusal, eligibility
from housing.availability import AVAILABILITY_STREAM, bed_statuses, overlapping, site_availability
from housing.choices import AllocationKind, BedStatus, HoldStatus, RoomKind, SiteKind, StayStatus
from housing.models import Bed, BedAllocation, BedMove, Hold, Room, Site, Stay, UnmetHousingRequest
from housing.notifications import notify_hold_expired
from organisations import permissions
from organisations.audit import audit_record
from organisations.choices import NeedCategory, PartnershipScope
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import Organisation, User
from organisations.permissions import Action
from organisations.selectors import agreement_in_force
from people import services as people_services
from people.choices import ConsentGivenBy, ConsentMethod, DataGroup, HouseholdRelationship
from people.composition import ADULT_AGE, CHILD_CONSENT_AGE, composition_of
from people.models import Household, Person
from plumbing.events import current_version, normalise_key, publish_on_commit
from plumbing.jobs import periodic_job
from plumbing.models import StreamVersion


def _beds_taken_message(taken: int) -> str:
    return ngettext(
        "This bed was just taken. The board shows what is free now.",
        "%(count)s of these beds were just taken. The board shows what is free now.",
        taken,
    ) % {"count": taken}


class BedsTakenError(ConflictError):
    """A bed asked for is no longer free; the answer carries the taken beds and the site's
    availability version so that the board can resynchronise. Its default message counts the
    taken beds (a family's hold may lose several at once)."""

    default_code = "beds_taken"

    def __init__(self, message=None, **kwargs):
        if message is None:
            taken = len((kwargs.get("extra") or {}).get("beds") or []) or 1
            # Lazy, like the other messages: it is put in the language of the answer.
            message = lazy(_beds_taken_message, str)(taken)
        super().__init__(message, **kwargs)


class NotEligibleError(ConflictError):
    """The household breaks one or more of the site's rules. ``code`` is the first rule's
    (``women_only``, ``unit_too_small``…); ``extra["refusals"]`` lists them all."""

    default_code = "not_eligible"

    def __init__(self, refusals: list[eligibility.Refusal]):
        super().__init__(
            " ".join(refusal.message for refusal in refusals),
            code=refusals[0].code,
            extra={"refusals": [{"code": refusal.code, "message": refusal.message} for refusal in refusals]},
        )
        self.refusals = refusals


class OutsideCheckInError(ConflictError):
    """The arrival falls outside the site's check-in hours: the caller may confirm it
    (``confirm_outside_check_in``) once the provider agreed."""

    default_code = "outside_check_in"


# The purpose a consent recorded with a hold names; any housing purpose lets the provider see the
# names (``housing.selectors.HOUSING_PURPOSES``).
PURPOSE_OF_SITE_KIND = {
    SiteKind.EMERGENCY: NeedCategory.HOUSING_EMERGENCY,
    SiteKind.SHORT_TERM: NeedCategory.HOUSING_SHORT_TERM,
    SiteKind.TRANSITIONAL: NeedCategory.HOUSING_LONG_TERM,
}
# A little slack for the minute a form took to fill: "21:00" typed at 21:02 is not refused.
ARRIVAL_SLACK = timedelta(minutes=5)


@dataclass(frozen=True)
class IdentityConsent:
    """The people agree, at the door or on the phone, that the site's provider sees their names
    and their household's composition for their housing (recorded with the hold)."""

    method: str = ConsentMethod.ORAL_RECORDED
    interpreter_assisted: bool = False


def publish_availability(site: Site) -> int:
    """Bump the site's availability version now and send the site's state to the boards after
    the commit.

    The state is read after the commit (``publish_on_commit`` with a function): the version's row
    stays locked from the bump to the commit, so the state sent as version n holds every change
    committed as an earlier version. Read inside the transaction, it needed the site's row locked
    first, and fifty holds on one site then waited in turn for each other's read (7 ms each,
    docs/benchmarks.md, "Hold contention")."""
    return publish_on_commit(AVAILABILITY_STREAM, site.pk, partial(site_availability, site))


def _lock_beds(site: Site, bed_ids) -> list[Bed]:
    beds = list(Bed.objects.select_for_update().filter(pk__in=bed_ids, site=site, is_active=True).order_by("pk"))
    if not bed_ids or len(beds) != len(set(bed_ids)):
        raise ApplicationError(_("Choose beds of this site."), code="invalid_beds")
    return beds


def _refuse_taken(beds, starts_at, ends_at) -> None:
    """Raise ``BedsTakenError`` if any of ``beds`` is allocated in [starts_at, ends_at)."""
    taken = set(
        BedAllocation.objects.filter(overlapping(starts_at, ends_at), bed__in=beds).values_list("bed_id", flat=True)
    )
    if taken:
        raise BedsTakenError(extra={"beds": sorted(taken), "version": _version(beds[0].site_id)})


def _allocate(beds, *, kind, starts_at, ends_at, hold=None, stay=None, reason="", checked=False) -> None:
    """Take ``beds`` for [starts_at, ends_at), all or none (the caller holds their row locks).
    ``checked``: the caller has already checked them under those locks (``_check_beds_free``)."""
    if not checked:
        _refuse_taken(beds, starts_at, ends_at)
    try:
        with transaction.atomic():
            BedAllocation.objects.bulk_create(
                [
                    BedAllocation(
                        bed=bed, kind=kind, starts_at=starts_at, ends_at=ends_at, hold=hold, stay=stay, reason=reason
                    )
                    for bed in beds
                ]
            )
    except IntegrityError:
        # The exclusion constraint saw what the check could not (another transaction's rows; it
        # waited for that transaction to end, so they are visible to this new query).
        taken = BedAllocation.objects.filter(overlapping(starts_at, ends_at), bed__in=beds).values_list(
            "bed_id", flat=True
        )
        raise BedsTakenError(
            extra={"beds": sorted(set(taken)) or [bed.pk for bed in beds], "version": _version(beds[0].site_id)}
        ) from None


def _version(site_id: int) -> int:
    return current_version(AVAILABILITY_STREAM, site_id)


def _same_people(household: Household | None, person: Person | None) -> Q:
    """Holds or stays that already place these people: the household itself, any of its members
    on their own, or (for a person) their household."""
    if household is not None:
        return Q(household=household) | Q(person__household=household)
    same = Q(person=person)
    if person.household_id:
        same |= Q(household_id=person.household_id)
    return same


def _require_hold_rights(actor, organisation, site, household, person) -> None:
    """The user works ``organisation``'s cases, may hold beds of ``site`` and may work on the
    occupant's file, which ``organisation`` owns: else 404. One query for the three rights, the
    grants of the user's groups on organisations read once before it (a hold changes no
    membership or role, so what is read at the start of the request stays true for all of it)."""
    occupant = household or person
    valid_occupant = (household is None) != (person is None)
    with permissions.rights_read_once():
        checks = [
            permissions.organisation_with_permission(actor, "work_cases", organisation),
            permissions.allowed(actor, "hold", site),
        ]
        if valid_occupant:
            checks.append(permissions.allowed(actor, Action.CHANGE, occupant))
        permissions.require_all(*checks)
    if not valid_occupant:
        raise ApplicationError(_("Choose a household or a person."), code="occupant_required")
    if occupant.owner_id != organisation.pk:
        raise NotFoundError()


def _check_agreement(organisation: Organisation, site: Site, *, identity_shared: bool) -> None:
    """A hold of another organisation's beds tells that provider about the household (its size
    and composition, which its rules read) for the site's housing purpose, and with the people's
    consent their names: the two organisations' data-sharing agreement must cover it
    (``organisations.selectors.agreement_in_force``). A provider placing its own files shares
    nothing."""
    if organisation.pk == site.provider_id:
        return
    data_groups = [DataGroup.HOUSEHOLD, DataGroup.IDENTITY] if identity_shared else [DataGroup.HOUSEHOLD]
    agreement_in_force(
        organisation=organisation,
        partner=site.provider,
        scope=PartnershipScope.HOUSING,
        purposes=[PURPOSE_OF_SITE_KIND[site.kind]],
        data_groups=data_groups,
    )


def _already_held_message(for_household: bool):
    """Said of a household, or of a person alone (who has none)."""
    if for_household:
        return _("This household already holds beds.")
    return _("This person already holds beds.")


def _check_beds_free(site: Site, bed_ids, household, person, now: datetime, expires_at: datetime) -> None:
    """Refuse, in one query, what a hold of ``bed_ids`` from ``now`` to ``expires_at`` may not
    take, in this order: a bed that is not an active bed of ``site`` (400 ``invalid_beds``), these
    people already holding beds (409 ``already_held``) or staying in a site (409
    ``already_staying``), a bed already allocated in that period
    (409 ``beds_taken`` with the taken beds and the site's availability version).

    Called twice by ``hold_create``: before any lock, a shortcut that answers most requests under
    contention at once; then under the beds' locks, where it decides. From ``now`` rather than the
    hold's own start (a moment later), so nothing overlapping is missed."""
    if not bed_ids:
        raise ApplicationError(_("Choose beds of this site."), code="invalid_beds")
    same = _same_people(household, person)
    held = Hold.objects.filter(same, status=HoldStatus.ACTIVE, expires_at__gt=now)
    staying = Stay.objects.filter(same, status=StayStatus.ACTIVE, planned_end_at__gt=now)
    taken = BedAllocation.objects.filter(overlapping(now, expires_at), bed=OuterRef("pk"))
    version = StreamVersion.objects.filter(stream=AVAILABILITY_STREAM, key=normalise_key(site.pk)).values("version")
    rows = list(
        Bed.objects.filter(pk__in=bed_ids, site=site, is_active=True)
        .annotate(taken=Exists(taken), held=Exists(held), staying=Exists(staying), version=Subquery(version[:1]))
        .order_by("pk")
        .values_list("pk", "taken", "held", "staying", "version")
    )
    if len(rows) != len(set(bed_ids)):
        raise ApplicationError(_("Choose beds of this site."), code="invalid_beds")
    _refuse_unavailable(
        early_refusal.Unavailable(
            held=rows[0][2], staying=rows[0][3], taken_beds=[row[0] for row in rows if row[1]], version=rows[0][4] or 0
        ),
        for_household=household is not None,
    )


def _refuse_unavailable(unavailable: early_refusal.Unavailable, *, for_household: bool) -> None:
    """Raise the 409 for beds that cannot be held: these people already hold beds or stay in a
    site, or beds are taken in the period."""
    if unavailable.held:
        raise ConflictError(_already_held_message(for_household), code="already_held")
    if unavailable.staying:
        raise ConflictError(_("These people already stay in a site."), code="already_staying")
    if unavailable.taken_beds:
        raise BedsTakenError(extra={"beds": unavailable.taken_beds, "version": unavailable.version})


def _check_arrival(site: Site, arrival: datetime | None, now: datetime, confirmed: bool) -> datetime:
    """The end of a hold for an arrival at ``arrival``: refused when missing, past, further ahead
    than the site's horizon, or outside its check-in hours unless ``confirmed``."""
    if arrival is None:
        raise ApplicationError(_("Give the expected arrival time."), code="arrival_required")
    if arrival < now - ARRIVAL_SLACK:
        raise ApplicationError(_("The expected arrival is in the past."), code="arrival_in_past")
    if arrival > now + site.hold_horizon:
        hours = int(site.hold_horizon.total_seconds() // 3600)
        raise ApplicationError(
            _("%(site)s takes holds up to %(hours)s hours ahead: an arrival until %(time)s.")
            % {
                "site": site.name,
                "hours": hours,
                "time": date_format(timezone.localtime(now + site.hold_horizon), "DATETIME_FORMAT"),
            },
            code="arrival_beyond_horizon",
        )
    if not confirmed and not eligibility.can_receive_at(site, arrival):
        raise OutsideCheckInError(
            _("%(site)s receives arrivals %(hours)s: confirm the arrival at %(time)s with the provider first.")
            % {
                "site": site.name,
                "hours": eligibility.check_in_hours_text(site),
                "time": date_format(timezone.localtime(arrival), "TIME_FORMAT"),
            },
            extra={"check_in_from": site.check_in_from, "check_in_until": site.check_in_until},
        )
    return max(arrival, now) + site.hold_grace


def _check_rules(
    *, actor, organisation, site: Site, composition, beds, override_reason: str
) -> list[eligibility.Refusal]:
    """The site's rules the household breaks, if a hub coordinator overrides them with a reason;
    else they refuse. Returns what was overridden (for the hold and its audit entry)."""
    refusals = eligibility.site_refusals(site, composition, beds)
    if not refusals:
        return []
    if not override_reason.strip():
        raise NotEligibleError(refusals)
    if not permissions.can_override_housing_rules(actor, organisation):
        raise ApplicationError(
            _("Only a hub coordinator may hold beds against a site's rules."), code="override_not_allowed"
        )
    return refusals


def _new_code(site: Site) -> str:
    """ "H-4821": four random digits, none an active hold of this site already shows."""
    in_use = set(Hold.objects.filter(site=site, status=HoldStatus.ACTIVE).values_list("code", flat=True))
    while True:
        code = f"H-{secrets.randbelow(9000) + 1000}"
        if code not in in_use:
            return code


def _members(household: Household | None, person: Person | None) -> list[Person]:
    return list(household.members.all()) if household is not None else [person]


def _record_identity_consent(*, actor, site: Site, members: list[Person], consent: IdentityConsent) -> None:
    """Each member consents to the provider seeing their identity and household for housing; a
    child under 14 through the household's first adult, named as parent or guardian."""
    today = timezone.localdate()
    adults = [
        member
        for member in members
        if (member.age_on(today) or 0) >= ADULT_AGE
        or (member.age_on(today) is None and member.household_relationship != HouseholdRelationship.CHILD)
    ]
    for member in members:
        age = member.age_on(today)
        under_age = age is not None and age < CHILD_CONSENT_AGE
        if under_age and not adults:
            raise ApplicationError(
                _("A child under 14 needs a parent or guardian in the household to consent."),
                code="parent_consent_required",
            )
        people_services.consent_record(
            actor=actor,
            person=member,
            recipient=site.provider,
            purposes=[PURPOSE_OF_SITE_KIND[site.kind]],
            data_groups=[DataGroup.IDENTITY, DataGroup.HOUSEHOLD],
            method=consent.method,
            language=member.preferred_language,
            valid_until=today + timedelta(days=site.max_stay_days + 30),
            interpreter_assisted=consent.interpreter_assisted,
            given_by=ConsentGivenBy.PARENT_GUARDIAN if under_age else ConsentGivenBy.PERSON,
            given_by_name=adults[0].full_name if under_age else "",
        )


def hold_create(
    *,
    actor: User,
    organisation: Organisation,
    site: Site,
    bed_ids: list[int],
    household: Household | None = None,
    person: Person | None = None,
    referral=None,
    expected_arrival_at: datetime | None = None,
    in_transit: bool = False,
    confirm_outside_check_in: bool = False,
    override_reason: str = "",
    identity_consent: IdentityConsent | None = None,
) -> Hold:
    """Hold beds (a family's all at once, or none) until the expected arrival plus the site's
    grace period, within the site's rules (or a coordinator's written override); with
    ``identity_consent``, the people's consent to share their names with the provider is
    recorded in the same transaction.

    Under contention most requests are refused: they are answered before any transaction or lock
    (rights, then the beds read once), and write nothing. The locked check decides the others."""
    _require_hold_rights(actor, organisation, site, household, person)
    _check_agreement(organisation, site, identity_shared=identity_consent is not None)
    now = timezone.now()
    expires_at = _check_arrival(site, expected_arrival_at, now, confirm_outside_check_in)
    _check_beds_free(site, bed_ids, household, person, now, expires_at)
    beds = list(Bed.objects.filter(pk__in=bed_ids).select_related("room"))
    composition = composition_of(household=household, person=person)
    if composition.size == 0:
        raise ApplicationError(_("This household has nobody in it: add its members first."), code="empty_household")
    overridden = _check_rules(
        actor=actor,
        organisation=organisation,
        site=site,
        composition=composition,
        beds=beds,
        override_reason=override_reason,
    )
    with transaction.atomic():
        beds = _lock_beds(site, bed_ids)
        # The shortcut read the beds before their locks: check again now that they are held.
        _check_beds_free(site, bed_ids, household, person, now, expires_at)
        try:
            # No savepoint: a violation (the same people held elsewhere meanwhile) ends the
            # transaction with this exception, and nothing runs in it after.
            hold = Hold.objects.create(
                site=site,
                organisation=organisation,
                household=household,
                person=person,
                referral=referral,
                held_by=actor,
                expires_at=expires_at,
                in_transit=in_transit,
                expected_arrival_at=expected_arrival_at,
                code=_new_code(site),
                override_reason=override_reason.strip() if overridden else "",
            )
        except IntegrityError:
            raise ConflictError(_already_held_message(household is not None), code="already_held") from None
        _allocate(
            beds, kind=AllocationKind.HOLD, starts_at=hold.created_at, ends_at=expires_at, hold=hold, checked=True
        )
        if identity_consent is not None:
            _record_identity_consent(
                actor=actor, site=site, members=_members(household, person), consent=identity_consent
            )
        details = {
            "site": site.pk,
            "beds": [bed.pk for bed in beds],
            "expected_arrival_at": expected_arrival_at.isoformat(),
        }
        if overridden:
            details["overridden"] = [refusal.code for refusal in overridden]
            details["override_reason"] = hold.override_reason
        audit_record(actor=actor, organisation=organisation, action="housing.hold.created", obj=hold, details=details)
        publish_availability(site)
    return hold


def hold_request(
    *,
    actor: User,
    site_id: int,
    household_id: int | None,
    person_id: int | None,
    bed_ids: list[int] | None,
    room_id: int | None,
    split_in_shared_rooms: bool,
    expected_arrival_at: datetime,
    confirm_outside_check_in: bool = False,
    **options,
) -> Hold:
    """A hold asked for by ids (the API): the beds listed, a whole family unit (``room_id``) or a
    bed per person in shared rooms, for the organisation that owns the occupant's file; the other
    ``options`` are ``hold_create``'s.

    A hold certain to be refused for its beds or its people (most requests of a burst) is
    refused first, in two statements and before any model is read (``early_refusal``); the rest
    is ``hold_create``, which decides everything else, the same refusals included."""
    unavailable = early_refusal.unavailable(
        actor=actor,
        site_id=site_id,
        household_id=household_id,
        person_id=person_id,
        bed_ids=bed_ids,
        room_id=room_id,
        expected_arrival_at=expected_arrival_at,
        confirm_outside_check_in=confirm_outside_check_in,
        now=timezone.now(),
        arrival_slack=ARRIVAL_SLACK,
    )
    if unavailable is not None:
        _refuse_unavailable(unavailable, for_household=household_id is not None)
    site = Site.objects.select_related("provider").filter(pk=site_id).first()
    if household_id is not None:
        household = Household.objects.select_related("owner").filter(pk=household_id).first()
        occupant, person = household, None
    else:
        person = Person.objects.select_related("owner").filter(pk=person_id).first()
        occupant, household = person, None
    if site is None or occupant is None:
        raise NotFoundError()
    if not bed_ids:
        bed_ids = beds_for_household(
            site, household=household, person=person, room_id=room_id, shared=split_in_shared_rooms
        )
    return hold_create(
        actor=actor,
        organisation=occupant.owner,
        site=site,
        bed_ids=bed_ids,
        household=household,
        person=person,
        expected_arrival_at=expected_arrival_at,
        confirm_outside_check_in=confirm_outside_check_in,
        **options,
    )


def beds_for_household(
    site: Site,
    *,
    household: Household | None = None,
    person: Person | None = None,
    room_id: int | None = None,
    shared: bool = False,
    moment=None,
) -> list[int]:
    """The beds one action holds for a household (or a person): every bed of the family unit
    ``room_id`` (a unit is held whole), or one free bed per person in the site's shared rooms
    (``shared``: the family may be split between rooms), the room with most free beds first so
    it stays as together as it can. Read without locks: ``hold_create`` checks them under their
    locks and takes all or none."""
    size = composition_of(household=household, person=person).size

    beds = Bed.objects.filter(site=site, is_active=True).select_related("room").order_by("room__name", "label")
    if room_id is not None:
        chosen = [bed.pk for bed in beds.filter(room_id=room_id, room__kind=RoomKind.FAMILY_UNIT)]
        if not chosen:
            raise ApplicationError(_("Choose a family unit of this site."), code="invalid_room")
        return chosen
    if not shared:
        raise ApplicationError(_("Choose a family unit or beds in shared rooms."), code="invalid_room")
    shared_beds = list(beds.filter(room__kind=RoomKind.SHARED_ROOM))
    statuses = bed_statuses(shared_beds, moment)
    free_by_room: dict[int, list[int]] = {}
    for bed in shared_beds:
        if statuses[bed.pk] == BedStatus.AVAILABLE:
            free_by_room.setdefault(bed.room_id, []).append(bed.pk)
    chosen = []
    for room_beds in sorted(free_by_room.values(), key=len, reverse=True):
        chosen.extend(room_beds[: size - len(chosen)])
    if len(chosen) < size:
        raise BedsTakenError(
            _("Not enough free beds in shared rooms for %(size)s people.") % {"size": size},
            extra={"beds": [], "version": _version(site.pk)},
        )
    return chosen


def _move_end(
    record: Hold | Stay, beds: list[Bed], previous_end: datetime, new_end: datetime, *, fields, taken_message
):
    """Save ``record``'s changed ``fields`` and move its active bed allocations to ``new_end``;
    when the end moves later, refuse (409) if one of ``beds`` is taken in between. The exclusion
    constraint decides a race the check did not see."""
    if new_end > previous_end:
        taken = BedAllocation.objects.filter(overlapping(previous_end, new_end), bed__in=beds).exclude(
            **{record._meta.model_name: record}
        )
        if taken.exists():
            raise BedsTakenError(
                taken_message,
                extra={"beds": sorted(taken.values_list("bed_id", flat=True)), "version": _version(record.site_id)},
            )
    try:
        with transaction.atomic():
            record.save(update_fields=fields)
            record.allocations.filter(is_active=True).update(ends_at=new_end)
    except IntegrityError:
        raise BedsTakenError(extra={"beds": [bed.pk for bed in beds], "version": _version(record.site_id)}) from None


@transaction.atomic
def hold_extend(
    *, actor: User, hold: Hold, expected_arrival_at: datetime, confirm_outside_check_in: bool = False
) -> Hold:
    """The household will arrive at another time: the hold lasts until that arrival plus the
    site's grace, within the site's horizon and check-in hours, if its beds stay free."""
    permissions.require(actor, Action.CHANGE, hold)
    hold = Hold.objects.select_for_update().select_related("site", "organisation").get(pk=hold.pk)
    if not permissions.has_organisation_permission(actor, "work_cases", hold.organisation):
        raise NotFoundError()
    if hold.status != HoldStatus.ACTIVE:
        raise ConflictError(_("This hold has already ended."), code="hold_ended")
    now = timezone.now()
    if hold.expires_at <= now:
        raise ConflictError(_("This hold has already ended."), code="hold_ended")
    expires_at = _check_arrival(hold.site, expected_arrival_at, now, confirm_outside_check_in)
    beds = list(Bed.objects.select_for_update().filter(pk__in=_current_bed_ids(hold)).order_by("pk"))
    previous_end, previous = hold.expires_at, hold.expected_arrival_at
    hold.expected_arrival_at = expected_arrival_at
    hold.expires_at = expires_at
    _move_end(
        hold,
        beds,
        previous_end,
        expires_at,
        fields=["expected_arrival_at", "expires_at"],
        taken_message=_("A bed of this hold is taken after the current end: hold other beds."),
    )
    audit_record(
        actor=actor,
        organisation=hold.organisation,
        action="housing.hold.extended",
        obj=hold,
        details={
            "previous_arrival": previous.isoformat() if previous else None,
            "expected_arrival_at": expected_arrival_at.isoformat(),
        },
    )
    publish_availability(hold.site)
    return hold


def _end_hold(hold: Hold, status: str, at: datetime) -> None:
    hold.status = status
    hold.ended_at = at
    hold.save(update_fields=["status", "ended_at"])
    hold.allocations.filter(is_active=True).update(is_active=False)


@transaction.atomic
def hold_release(*, actor: User | None, hold: Hold, no_show: bool = False) -> Hold:
    """Free a hold's beds: the family will not come (a no-show when they never arrived)."""
    if actor is not None:
        permissions.require(actor, Action.CHANGE, hold)
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status != HoldStatus.ACTIVE:
        raise ConflictError(_("This hold has already ended."), code="hold_ended")
    _end_hold(hold, HoldStatus.NO_SHOW if no_show else HoldStatus.RELEASED, timezone.now())
    audit_record(
        actor=actor,
        organisation=hold.organisation,
        action="housing.hold.released",
        obj=hold,
        details={"no_show": no_show},
    )
    publish_availability(hold.site)
    return hold


@periodic_job("housing.expire_holds", every=timedelta(minutes=1))
def hold_expire_stale(batch_size: int = 100) -> int:
    """Free the beds of holds whose time is up. Rows are claimed with SKIP LOCKED; each site's
    board gets one update per pass."""
    expired = 0
    while True:
        with transaction.atomic():
            due = list(
                Hold.objects.select_for_update(skip_locked=True)
                .select_related("site")
                .filter(status=HoldStatus.ACTIVE, expires_at__lte=timezone.now())
                .order_by("pk")[:batch_size]
            )
            now = timezone.now()
            for hold in due:
                _end_hold(hold, HoldStatus.EXPIRED, now)
                audit_record(actor=None, organisation=hold.organisation, action="housing.hold.expired", obj=hold)
                notify_hold_expired(hold)
            # In id order: two workers publishing the same sites lock them in the same order.
            for site in sorted({hold.site for hold in due}, key=lambda site: site.pk):
                publish_availability(site)
        expired += len(due)
        if len(due) < batch_size:
            return expired


def _check_rules_still_met(site: Site, household, person, beds, overridden: str) -> None:
    """At check-in and extension the household is checked again (a baby was born, a member
    joined); a hold a coordinator placed against the rules keeps its override."""
    if overridden:
        return
    refusals = eligibility.site_refusals(site, composition_of(household=household, person=person), beds)
    if refusals:
        raise NotEligibleError(refusals)


@transaction.atomic
def stay_check_in(*, actor: User, hold: Hold, planned_end_at: datetime | None = None) -> Stay:
    """The household arrived: its hold becomes a stay on the same beds, until the planned end
    (at most the site's maximum stay), if it still meets the site's rules."""
    permissions.require(actor, Action.CHANGE, hold)
    hold = Hold.objects.select_for_update().select_related("site").get(pk=hold.pk)
    if hold.status != HoldStatus.ACTIVE:
        raise ConflictError(_("This hold has already ended."), code="hold_ended")
    now = timezone.now()
    planned_end_at = planned_end_at or now + timedelta(days=hold.site.max_stay_days)
    _check_within_max_stay(hold.site, now, planned_end_at)
    beds = list(
        Bed.objects.select_for_update().filter(pk__in=_current_bed_ids(hold)).select_related("room").order_by("pk")
    )
    _check_rules_still_met(hold.site, hold.household, hold.person, beds, _override_of(hold))
    elsewhere = Stay.objects.filter(
        _same_people(hold.household, hold.person),
        status=StayStatus.ACTIVE,
        checked_in_at__lt=planned_end_at,
        planned_end_at__gt=now,
    )
    if elsewhere.exists():
        raise ConflictError(_already_staying_message(hold.household), code="already_staying")
    _end_hold(hold, HoldStatus.CHECKED_IN, now)
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                site=hold.site,
                organisation=hold.organisation,
                household=hold.household,
                person=hold.person,
                hold=hold,
                checked_in_at=now,
                planned_end_at=planned_end_at,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ConflictError(_already_staying_message(hold.household), code="already_staying") from None
    _allocate(beds, kind=AllocationKind.STAY, starts_at=now, ends_at=planned_end_at, stay=stay)
    audit_record(
        actor=actor,
        organisation=hold.organisation,
        action="housing.stay.checked_in",
        obj=stay,
        details={"site": hold.site_id, "hold": hold.pk},
    )
    publish_availability(hold.site)
    return stay


def _current_bed_ids(record: Hold | Stay):
    """The beds ``record`` takes now: its allocations less those it left when it moved."""
    return record.allocations.filter(moved_out_by__isnull=True).values("bed_id")


def _override_of(record: Hold | Stay) -> str:
    """The coordinator's reason that lets ``record``'s beds break their site's rules: the last
    move's, once it moved; else the hold's (a stay's, through the hold it came from)."""
    last_move = record.moves.order_by("-moved_at", "-pk").first()
    if last_move is not None:
        return last_move.override_reason
    if isinstance(record, Hold):
        return record.override_reason
    return record.hold.override_reason if record.hold_id else ""


def _beds_text(beds) -> str:
    return ", ".join(
        f"{bed.room.name} · {bed.label}" for bed in sorted(beds, key=lambda bed: (bed.room.name, bed.label))
    )


@transaction.atomic
def move(
    *,
    actor: User,
    record: Hold | Stay,
    site: Site,
    bed_ids: list[int],
    override_reason: str = "",
    confirm_outside_check_in: bool = False,
) -> BedMove:
    """Move the people of a current hold or stay to ``bed_ids`` of ``site``: beds of the same
    site, or of another site (of the same or another provider) the hub may hold beds at.

    Who may: the placing hub, anywhere it may hold beds; the hosting provider, within the
    record's own site (else 404). The new beds are checked as a hold's are: the site's rules
    (a hub coordinator may override them with a written reason, kept on the move and in the audit
    entry; a move within the site keeps an earlier override for the rules it overrode), a stay's
    maximum stay and a hold's arrival window at a new site, and no bed given twice (409 ``beds_taken``, the exclusion
    constraint deciding a race). The old beds are free from now; their allocations stay, inactive,
    as the history, and the move is recorded (``BedMove``) for the person file."""
    permissions.require(actor, Action.CHANGE, record)
    model = type(record)
    record = model.objects.select_for_update().select_related("site", "organisation").get(pk=record.pk)
    from_site = record.site
    if site.pk != from_site.pk and not permissions.has_organisation_permission(
        actor, "work_cases", record.organisation
    ):
        raise NotFoundError()
    if not permissions.can(actor, "hold", site):
        raise NotFoundError()
    if site.provider_id != from_site.provider_id:
        # Moving to another provider's site tells that provider about the household, as a hold does.
        _check_agreement(record.organisation, site, identity_shared=False)
    now = timezone.now()
    if isinstance(record, Hold):
        if record.status != HoldStatus.ACTIVE or record.expires_at <= now:
            raise ConflictError(_("This hold has already ended."), code="hold_ended")
        ends_at = record.expires_at
        if site.pk != from_site.pk:
            arrival = max(record.expected_arrival_at or now, now)
            ends_at = _check_arrival(site, arrival, now, confirm_outside_check_in)
    else:
        if record.status != StayStatus.ACTIVE or record.planned_end_at <= now:
            raise ConflictError(_("This stay has ended."), code="stay_ended")
        ends_at = record.planned_end_at
        _check_within_max_stay(site, record.checked_in_at, ends_at)
    old = list(record.allocations.filter(is_active=True, moved_out_by__isnull=True).select_related("bed__room"))
    if site.pk == from_site.pk and {allocation.bed_id for allocation in old} == set(bed_ids):
        raise ApplicationError(_("Choose other beds than the ones taken now."), code="same_beds")
    beds = _lock_beds(site, bed_ids)
    beds = list(Bed.objects.filter(pk__in=[bed.pk for bed in beds]).select_related("room").order_by("pk"))
    composition = composition_of(household=record.household, person=record.person)
    kept = ""
    if site.pk == from_site.pk and not override_reason.strip():
        # An earlier override covers the rules it was given for: the new beds may break no rule
        # the current ones did not (a move into a family unit is a new decision).
        now_broken = {refusal.code for refusal in eligibility.site_refusals(site, composition, beds)}
        before = eligibility.site_refusals(site, composition, [allocation.bed for allocation in old])
        if now_broken <= {refusal.code for refusal in before}:
            kept = _override_of(record)
    overridden = []
    if not kept:
        overridden = _check_rules(
            actor=actor,
            organisation=record.organisation,
            site=site,
            composition=composition,
            beds=beds,
            override_reason=override_reason,
        )
    reason = override_reason.strip() if overridden else kept
    bed_move = BedMove.objects.create(
        hold=record if isinstance(record, Hold) else None,
        stay=record if isinstance(record, Stay) else None,
        from_site=from_site,
        to_site=site,
        from_beds=_beds_text(allocation.bed for allocation in old),
        to_beds=_beds_text(beds),
        moved_at=now,
        moved_by=actor,
        override_reason=reason,
    )
    # The old beds are free from now (history kept), before the new ones are taken: a move to a
    # set of beds that shares some with the old one does not collide with itself.
    left = BedAllocation.objects.filter(pk__in=[allocation.pk for allocation in old])
    left.filter(starts_at__lt=now).update(ends_at=now)
    left.update(is_active=False, moved_out_by=bed_move)
    fields = []
    if site.pk != from_site.pk:
        record.site = site
        fields.append("site")
        if isinstance(record, Hold):
            record.expires_at = ends_at
            fields.append("expires_at")
            if Hold.objects.filter(site=site, status=HoldStatus.ACTIVE, code=record.code).exists():
                record.code = _new_code(site)
                fields.append("code")
    if isinstance(record, Hold):
        record.override_reason = reason
        fields.append("override_reason")
    if fields:
        record.save(update_fields=fields)
    kind = AllocationKind.HOLD if isinstance(record, Hold) else AllocationKind.STAY
    _allocate(
        beds,
        kind=kind,
        starts_at=now,
        ends_at=ends_at,
        hold=record if kind == AllocationKind.HOLD else None,
        stay=record if kind == AllocationKind.STAY else None,
    )
    details = {
        "from_site": from_site.pk,
        "to_site": site.pk,
        "from_beds": sorted(allocation.bed_id for allocation in old),
        "to_beds": [bed.pk for bed in beds],
    }
    if overridden:
        details["overridden"] = [refusal.code for refusal in overridden]
        details["override_reason"] = reason
    audit_record(
        actor=actor,
        organisation=record.organisation,
        action=f"housing.{model._meta.model_name}.moved",
        obj=record,
        details=details,
    )
    # In id order: two moves between the same two sites lock their versions in the same order.
    for changed in sorted({from_site, site}, key=lambda changed: changed.pk):
        publish_availability(changed)
    return bed_move


def _already_staying_message(household: Household | None):
    if household is not None:
        return _("This household already stays somewhere at that time.")
    return _("This person already stays somewhere at that time.")


def _check_within_max_stay(site: Site, starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ApplicationError(_("A stay must end after it starts."), code="invalid_period")
    if ends_at - starts_at > timedelta(days=site.max_stay_days):
        raise ApplicationError(
            _("This site allows stays of %(days)s days at most.") % {"days": site.max_stay_days},
            code="beyond_max_stay",
        )


@transaction.atomic
def stay_extend(*, actor: User, stay: Stay, planned_end_at: datetime) -> Stay:
    """Move the planned end later, within the site's maximum stay, only if the beds are free and
    the household still meets the site's rules."""
    permissions.require(actor, Action.CHANGE, stay)
    stay = Stay.objects.select_for_update().select_related("site").get(pk=stay.pk)
    if stay.status != StayStatus.ACTIVE:
        raise ConflictError(_("This stay has ended."), code="stay_ended")
    if planned_end_at <= stay.planned_end_at:
        raise ApplicationError(_("An extension ends later than the current planned end."), code="not_later")
    _check_within_max_stay(stay.site, stay.checked_in_at, planned_end_at)
    beds = list(
        Bed.objects.select_for_update().filter(pk__in=_current_bed_ids(stay)).select_related("room").order_by("pk")
    )
    _check_rules_still_met(stay.site, stay.household, stay.person, beds, _override_of(stay))
    previous_end = stay.planned_end_at
    stay.planned_end_at = planned_end_at
    stay.extended_times += 1
    _move_end(
        stay,
        beds,
        previous_end,
        planned_end_at,
        fields=["planned_end_at", "extended_times"],
        taken_message=_("A bed of this stay is taken after the current planned end."),
    )
    audit_record(
        actor=actor,
        organisation=stay.organisation,
        action="housing.stay.extended",
        obj=stay,
        details={"extended_times": stay.extended_times},
    )
    publish_availability(stay.site)
    return stay


@transaction.atomic
def stay_check_out(*, actor: User, stay: Stay, exit_destination: str) -> Stay:
    """The household left: the beds are free from now; where they went is recorded."""
    permissions.require(actor, Action.CHANGE, stay)
    stay = Stay.objects.select_for_update().select_related("site").get(pk=stay.pk)
    if stay.status != StayStatus.ACTIVE:
        raise ConflictError(_("This stay has ended."), code="stay_ended")
    now = timezone.now()
    stay.status = StayStatus.CHECKED_OUT
    stay.checked_out_at = now
    stay.exit_destination = exit_destination
    stay.full_clean(exclude=["hold", "household", "person"])
    stay.save(update_fields=["status", "checked_out_at", "exit_destination"])
    stay.allocations.filter(is_active=True, starts_at__gte=now).update(is_active=False)
    stay.allocations.filter(is_active=True).update(ends_at=now)
    audit_record(
        actor=actor,
        organisation=stay.organisation,
        action="housing.stay.checked_out",
        obj=stay,
        details={"exit_destination": exit_destination},
    )
    publish_availability(stay.site)
    return stay


@transaction.atomic
def bed_set_out_of_service(
    *, actor: User, bed: Bed, starts_at: datetime | None = None, ends_at: datetime | None = None, reason: str = ""
) -> BedAllocation:
    """The provider takes a bed out of service (repairs, bedbugs) from now or later, until a date
    or until further notice; refused while someone holds or occupies it then."""
    permissions.require(actor, Action.CHANGE, bed.site)
    starts_at = starts_at or timezone.now()
    [bed] = _lock_beds(bed.site, [bed.pk])
    _allocate([bed], kind=AllocationKind.OUT_OF_SERVICE, starts_at=starts_at, ends_at=ends_at, reason=reason)
    allocation = BedAllocation.objects.filter(bed=bed, kind=AllocationKind.OUT_OF_SERVICE, is_active=True).latest(
        "starts_at"
    )
    audit_record(
        actor=actor,
        organisation=bed.site.provider,
        action="housing.bed.out_of_service",
        obj=bed,
        details={"reason": reason},
    )
    publish_availability(bed.site)
    return allocation


@transaction.atomic
def bed_return_to_service(*, actor: User, bed: Bed) -> Bed:
    """End the bed's current out-of-service period now."""
    permissions.require(actor, Action.CHANGE, bed.site)
    now = timezone.now()
    periods = BedAllocation.objects.select_for_update().filter(
        bed=bed, kind=AllocationKind.OUT_OF_SERVICE, is_active=True
    )
    periods.filter(starts_at__gte=now).update(is_active=False)
    # Only a period going on now ends now: one that already ended keeps its end, which moving
    # to now would stretch over the beds' later holds and stays.
    periods.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lt=now).update(ends_at=now)
    audit_record(actor=actor, organisation=bed.site.provider, action="housing.bed.in_service", obj=bed)
    publish_availability(bed.site)
    return bed


@transaction.atomic
def site_confirm(*, actor: User, site: Site) -> Site:
    """The provider confirms the board is true now (shown as "last confirmed")."""
    permissions.require(actor, Action.CHANGE, site)
    site.last_confirmed_at = timezone.now()
    site.save(update_fields=["last_confirmed_at"])
    audit_record(actor=actor, organisation=site.provider, action="housing.site.confirmed", obj=site)
    publish_availability(site)
    return site


@transaction.atomic
def unmet_request_record(
    *,
    actor: User,
    organisation: Organisation,
    household_size: int,
    reason: str,
    need_categories=(),
    household: Household | None = None,
    person: Person | None = None,
    languages=(),
) -> UnmetHousingRequest:
    """Record in one click that no bed fitted this household (the city's reports count these)."""
    if not permissions.has_organisation_permission(actor, "work_cases", organisation):
        raise NotFoundError()
    if household_size < 1:
        raise ApplicationError(_("A household has at least one person."), code="invalid_household_size")
    request = UnmetHousingRequest(
        organisation=organisation,
        household_size=household_size,
        reason=reason,
        need_categories=list(need_categories),
        household=household,
        person=person,
        languages=list(languages),
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="housing.unmet_request.recorded",
        obj=request,
        details={"household_size": household_size, "reason": reason},
    )
    return request


# --- Sites, rooms and beds (the provider keeps them true) -----------------------------------


@transaction.atomic
def site_create(*, actor: User | None, provider: Organisation, name: str, address: str, kind: str, **fields) -> Site:
    """A provider adds a site (its staff, or the platform for demo data)."""
    if actor is not None and not permissions.has_organisation_permission(actor, "work_cases", provider):
        raise NotFoundError()
    site = Site(provider=provider, name=name, address=address, kind=kind, **fields)
    site.full_clean()
    site.save()
    audit_record(actor=actor, organisation=provider, action="housing.site.created", obj=site)
    publish_availability(site)
    return site


@transaction.atomic
def site_update(*, actor: User, site: Site, **fields) -> Site:
    """Change a site's description, eligibility or rules (its provider's staff)."""
    permissions.require(actor, Action.CHANGE, site)
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    permissions.require(actor, Action.CHANGE, site)
    audit_record(
        actor=actor,
        organisation=site.provider,
        action="housing.site.updated",
        obj=site,
        details={"fields": sorted(fields)},
    )
    publish_availability(site)
    return site


@transaction.atomic
def room_create(*, actor: User | None, site: Site, name: str, kind: str, beds: int) -> Room:
    """Add a room with ``beds`` beds labelled 1…n."""
    if actor is not None:
        permissions.require(actor, Action.CHANGE, site)
    if beds < 1:
        raise ApplicationError(_("A room has at least one bed."), code="invalid_beds")
    room = Room(site=site, name=name, kind=kind)
    room.full_clean()
    room.save()
    Bed.objects.bulk_create([Bed(site=site, room=room, label=str(number)) for number in range(1, beds + 1)])
    audit_record(
        actor=actor, organisation=site.provider, action="housing.room.created", obj=room, details={"beds": beds}
    )
    publish_availability(site)
    return room
