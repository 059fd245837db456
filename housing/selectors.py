"""Reads of housing: the board (sites a user may see, with live counts, and the board "for" a
household: the sites that fit first, the others apart with their reasons), holds and stays with
what the reader may know of the people in them and a provider's expected arrivals. Occupancy
figures for city liaisons are the reports' (``reports.selectors.occupancy``), suppressed there.

What a provider sees of the people it hosts: their composition and the hold's code always; their
names only where each person (or, under 14, their parent) consented to share their identity with
that provider for housing. The hub that placed them sees its own files. A withdrawn consent
removes the name at the next read: nothing is cached."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from housing import eligibility
from housing.availability import bed_statuses, overlapping
from housing.choices import BedStatus, HoldStatus, RoomKind
from housing.models import Bed, BedAllocation, Hold, Site, Stay
from organisations import permissions
from organisations.audit import PersonalRead, audit_read, audited, case_side, loaded, prefetched_ids, value
from organisations.choices import NeedCategory
from organisations.permissions import Action
from people.choices import DataGroup
from people.composition import composition_of
from people.models import Consent

# A consent shares a person's name with a provider "for housing" when it names any of these.
HOUSING_PURPOSES = frozenset(
    {NeedCategory.HOUSING_EMERGENCY, NeedCategory.HOUSING_SHORT_TERM, NeedCategory.HOUSING_LONG_TERM}
)


def site_list(*, user, action: str = Action.VIEW) -> QuerySet[Site]:
    return Site.objects.restrict(user, action).filter(is_active=True).select_related("provider")


def board(
    *,
    user,
    families: bool = False,
    women_only: bool = False,
    wheelchair_access: bool = False,
    language: str = "",
) -> list[dict]:
    """The housing board: each visible site with its free beds by room kind, filtered."""
    sites = site_list(user=user)
    if families:
        sites = sites.filter(families=True)
    if women_only:
        sites = sites.filter(women_only=True)
    if wheelchair_access:
        sites = sites.filter(wheelchair_access=True)
    sites = list(sites)
    if language:
        sites = [site for site in sites if language in site.staff_languages]
    beds = list(Bed.objects.filter(site__in=sites, is_active=True).select_related("room"))
    statuses = bed_statuses(beds)
    counts: dict[int, Counter] = {site.pk: Counter() for site in sites}
    for bed in beds:
        counts[bed.site_id][statuses[bed.pk]] += 1
        if statuses[bed.pk] == BedStatus.AVAILABLE:
            counts[bed.site_id][f"free_{bed.room.kind}"] += 1
    return [{"site": site, "counts": counts[site.pk]} for site in sites]


def site_summary(availability: dict) -> dict:
    """Counts a site's card shows, from its availability payload: free family units (every bed of
    the unit free), free shared-room beds, and beds by status. housing.js computes the same from
    each live update."""
    units: dict[str, list[str]] = {}
    shared_total = shared_free = 0
    for bed in availability["beds"]:
        if bed["room_kind"] == RoomKind.FAMILY_UNIT:
            units.setdefault(bed["room"], []).append(bed["status"])
        else:
            shared_total += 1
            shared_free += bed["status"] == BedStatus.AVAILABLE
    return {
        "family_units_total": len(units),
        "family_units_free": sum(all(status == BedStatus.AVAILABLE for status in beds) for beds in units.values()),
        "shared_beds_total": shared_total,
        "shared_beds_free": shared_free,
        **availability["counts"],
    }


def _placed_people(row) -> list:
    """The people a hold or a stay names: its household's members (prefetched) or its person."""
    household = loaded(row, "household")
    if household is not None:
        return prefetched_ids(household, "members")
    return [value(row, "person_id")]


def _site_provider(row):
    site = loaded(row, "site")
    return site.provider_id if site is not None else None


# A hold or stay is read for the hub that placed it, or for the site's provider.
_hold_reader = case_side(lambda row: value(row, "organisation_id"), _site_provider)


# Holds and stays name people (``organisations.audit``; registered by ``HousingConfig.ready``).
PERSONAL_READS = {
    "housing.hold": PersonalRead("housing.hold", _hold_reader, _placed_people, "hold_id", "organisation_id"),
    "housing.stay": PersonalRead("housing.stay", _hold_reader, _placed_people, "stay_id", "organisation_id"),
}


def hold_list(*, user) -> QuerySet[Hold]:
    """Holds ``user`` may see; audited when read (they name the people held for)."""
    holds = (
        Hold.objects.restrict(user, Action.VIEW)
        .select_related("site", "household", "person", "organisation", "held_by")
        .prefetch_related("household__members")
    )
    return audited(holds, user=user)


def stay_list(*, user) -> QuerySet[Stay]:
    """Stays ``user`` may see; audited when read."""
    stays = (
        Stay.objects.restrict(user, Action.VIEW)
        .select_related("site", "household", "person", "organisation", "hold")
        .prefetch_related("household__members")
    )
    return audited(stays, user=user)


@dataclass
class Occupant:
    """What one reader may know of the people of a hold or a stay. ``title`` is the household's
    or person's name when every one of them may be named, the names that may be when only some,
    else the hold code; ``composition`` ("2 adults, 2 children") is always shown."""

    code: str
    composition: str
    size: int
    title: str
    identity_shown: bool
    names: list[str] = field(default_factory=list)
    arrives_today: bool = False

    @property
    def names_text(self) -> str:
        """The given names of the people who may be named, when the title does not already say
        them (a household's name alone does not tell the provider who is at the door)."""
        text = ", ".join(self.names)
        return text if text != self.title else ""

    @property
    def fully_named(self) -> bool:
        """Every person of the hold or stay may be named to this reader."""
        return len(self.names) == self.size


def _consenting_people(person_ids, provider_ids) -> set[tuple[int, int]]:
    """(person id, provider id) pairs where an active consent shares the person's identity with
    the provider for housing: one query for a whole list."""
    pairs = set()
    consents = Consent.objects.active().filter(person_id__in=person_ids, recipient_id__in=provider_ids)
    for person_id, recipient_id, purposes, groups in consents.values_list(
        "person_id", "recipient_id", "purposes", "data_groups"
    ):
        if HOUSING_PURPOSES & set(purposes) and DataGroup.IDENTITY in groups:
            pairs.add((person_id, recipient_id))
    return pairs


def with_occupants(*, user, rows):
    """Set ``row.occupant`` (an ``Occupant``) on each hold or stay of ``rows`` (read through
    ``hold_list``/``stay_list``) for ``user``, and audit each read that names people to a
    provider. Returns the rows."""
    rows = list(rows)
    placing = permissions.organisation_ids_with_permission(user, "work_cases")
    members_of = {row.pk: (list(row.household.members.all()) if row.household_id else [row.person]) for row in rows}
    hosted = [row for row in rows if row.organisation_id not in placing]
    consenting = _consenting_people(
        {member.pk for row in hosted for member in members_of[row.pk]}, {row.site.provider_id for row in hosted}
    )
    for row in rows:
        members = members_of[row.pk]
        composition = composition_of(household=row.household, person=row.person)
        code = row.code if isinstance(row, Hold) else (row.hold.code if row.hold_id else f"S-{row.pk}")
        own = row.organisation_id in placing
        named = [m for m in members if own or (m.pk, row.site.provider_id) in consenting]
        if len(named) == len(members):
            title = row.household.name if row.household_id else row.person.full_name
        elif named:
            title = ", ".join(member.full_name for member in named)
        else:
            title = code
        row.occupant = Occupant(
            code=code,
            composition=composition.describe(),
            size=composition.size,
            title=title,
            identity_shown=bool(named),
            names=[member.full_name for member in named],
            arrives_today=bool(
                getattr(row, "expected_arrival_at", None)
                and timezone.localdate(row.expected_arrival_at) == timezone.localdate()
            ),
        )
        if named and not own:
            audit_read(
                actor=user,
                organisation=row.site.provider,
                obj=row,
                what=f"housing.{row._meta.model_name}.identity",
            )
    return rows


def move_sites(*, user, record: Hold | Stay) -> list[Site]:
    """Where ``user`` may move the people of ``record``: for the placing hub, every site it may
    hold beds at; for the hosting provider, the record's own site (``services.move`` refuses the
    others)."""
    if permissions.has_organisation_permission(user, "work_cases", record.organisation):
        return list(site_list(user=user, action="hold").order_by("name"))
    return [record.site]


def family_units(*, site: Site) -> list[tuple[int, int, str]]:
    """(room id, number of beds, name) of each family unit of the site."""
    from django.db.models import Count

    from housing.models import Room

    units = Room.objects.filter(site=site, kind=RoomKind.FAMILY_UNIT).annotate(
        size=Count("beds", filter=Q(beds__is_active=True))
    )
    return [(room.pk, room.size, room.name) for room in units.order_by("name")]


def no_show_count(*, site: Site, days: int = 30) -> int:
    """Holds of the site that ended as no-shows in the last ``days`` days."""
    since = timezone.now() - timedelta(days=days)
    return Hold.objects.filter(site=site, status=HoldStatus.NO_SHOW, ended_at__gte=since).count()


def board_for(*, user, household=None, person=None, arrival: datetime | None = None, nights: int = 1) -> dict:
    """The board opened for a household or a person: each site the user may see, with its
    family units (beds, and whether every bed is free for the whole stay asked: from the
    arrival for ``nights`` nights), its free shared-room beds for that stay, whether it receives
    at the arrival time (or from when), and the reasons it does not fit. Sites that fit come
    first; the others are kept apart with their reasons."""
    composition = composition_of(household=household, person=person)
    arrival = arrival or timezone.now()
    ends = arrival + timedelta(days=max(1, nights))
    sites = list(site_list(user=user))
    beds = list(Bed.objects.filter(site__in=sites, is_active=True).select_related("room"))
    taken = set(
        BedAllocation.objects.filter(overlapping(min(arrival, timezone.now()), ends), bed__in=beds).values_list(
            "bed_id", flat=True
        )
    )
    by_site: dict[int, dict] = {site.pk: {"units": {}, "shared_free": 0} for site in sites}
    for bed in sorted(beds, key=lambda bed: (bed.room.name, bed.label)):
        entry = by_site[bed.site_id]
        if bed.room.kind == RoomKind.FAMILY_UNIT:
            unit = entry["units"].setdefault(
                bed.room_id, {"id": bed.room_id, "name": bed.room.name, "beds": 0, "free": 0}
            )
            unit["beds"] += 1
            unit["free"] += bed.pk not in taken
        else:
            entry["shared_free"] += bed.pk not in taken
    fitting, apart = [], []
    for site in sites:
        entry = by_site[site.pk]
        units = list(entry["units"].values())
        for unit in units:
            unit["free_whole_stay"] = unit["free"] == unit["beds"]
            unit["refusal"] = eligibility.unit_refusal(unit["beds"], composition.size)
            unit["fits"] = unit["free_whole_stay"] and not unit["refusal"]
        # Units that suit the household first; the others after, each with its reason.
        units.sort(key=lambda unit: bool(unit["refusal"]))
        reasons = [refusal.message for refusal in eligibility.site_refusals(site, composition)]
        if not reasons and not any(unit["fits"] for unit in units) and entry["shared_free"] < composition.size:
            reasons.append(eligibility.no_room_for(composition.size))
        view = {
            "site": site,
            "units": units,
            "shared_free": entry["shared_free"],
            "shared_fits": entry["shared_free"] >= composition.size,
            "reasons": reasons,
            "check_in_hours": eligibility.check_in_hours_text(site),
            "can_receive": eligibility.can_receive_at(site, arrival),
            "receives_at": eligibility.next_reception_at(site, arrival),
        }
        (apart if reasons else fitting).append(view)
    fitting.sort(key=lambda view: (not view["can_receive"], view["site"].name))
    return {"composition": composition, "arrival": arrival, "nights": nights, "fitting": fitting, "apart": apart}
