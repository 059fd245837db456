"""Bed status, computed from allocations at one moment (never stored twice), and the availability
of a site as the live board shows it: no person, only beds, statuses and counts."""

from collections import Counter

from django.db.models import Q
from django.utils import timezone

from housing.choices import AllocationKind, BedStatus, RoomKind
from housing.models import Bed, BedAllocation, Site

# The live stream of availability: one key per site (``housing/streams.py``).
AVAILABILITY_STREAM = "housing.availability"

# When several allocations cover a bed at one moment, the strongest decides its status.
STATUS_OF_KIND = {
    AllocationKind.OUT_OF_SERVICE: BedStatus.OUT_OF_SERVICE,
    AllocationKind.STAY: BedStatus.OCCUPIED,
    AllocationKind.HOLD: BedStatus.HELD,
}
PRECEDENCE = [BedStatus.OUT_OF_SERVICE, BedStatus.OCCUPIED, BedStatus.HELD, BedStatus.AVAILABLE]


def active_at(moment) -> Q:
    """Allocations in force at ``moment`` (ends are exclusive; no end means open-ended)."""
    return Q(is_active=True, starts_at__lte=moment) & (Q(ends_at__isnull=True) | Q(ends_at__gt=moment))


def overlapping(starts_at, ends_at) -> Q:
    """Active allocations that overlap [starts_at, ends_at)."""
    period = Q(starts_at__lt=ends_at) if ends_at is not None else Q()
    return Q(is_active=True) & period & (Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at))


def bed_statuses(beds, moment=None) -> dict[int, str]:
    """The status of each bed at ``moment`` (now), in one query."""
    moment = moment or timezone.now()
    statuses = {bed.pk: BedStatus.AVAILABLE for bed in beds}
    return statuses_from(statuses, BedAllocation.objects.filter(active_at(moment), bed__in=list(statuses)))


def statuses_from(statuses: dict[int, str], allocations) -> dict[int, str]:
    """``statuses`` (bed id → status, all available) with each bed set to the strongest of the
    ``allocations`` in force on it; allocations of other beds are ignored."""
    for bed_id, kind in allocations.values_list("bed_id", "kind"):
        if bed_id not in statuses:
            continue
        candidate = STATUS_OF_KIND[kind]
        if PRECEDENCE.index(candidate) < PRECEDENCE.index(statuses[bed_id]):
            statuses[bed_id] = candidate
    return statuses


ELIGIBILITY_FLAGS = ("women_only", "men_only", "families", "minors_accompanied", "pets", "wheelchair_access")


def site_availability(site: Site, moment=None) -> dict:
    """What the board shows of one site: its beds with their status and the counts, by room kind."""
    beds = list(Bed.objects.filter(site=site, is_active=True).select_related("room").order_by("room__name", "label"))
    statuses = bed_statuses(beds, moment)
    counts = Counter(statuses.values())
    free_by_room_kind = Counter(bed.room.kind for bed in beds if statuses[bed.pk] == BedStatus.AVAILABLE)
    return {
        "site": {
            "id": site.pk,
            "name": site.name,
            "kind": site.kind,
            "provider": site.provider_id,
            "eligibility": {flag: getattr(site, flag) for flag in ELIGIBILITY_FLAGS},
            "staff_languages": site.staff_languages,
            "max_stay_days": site.max_stay_days,
            "last_confirmed_at": site.last_confirmed_at,
        },
        "beds": [
            {
                "id": bed.pk,
                "label": bed.label,
                "room": bed.room.name,
                "room_kind": bed.room.kind,
                "status": statuses[bed.pk],
            }
            for bed in beds
        ],
        "counts": {status: counts.get(status, 0) for status in BedStatus.values},
        "free_by_room_kind": {kind: free_by_room_kind.get(kind, 0) for kind in RoomKind.values},
    }
