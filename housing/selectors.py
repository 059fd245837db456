"""Reads of housing: the board (sites a user may see, with live counts), holds and stays, and the
occupancy aggregates city liaisons see (never a person)."""

from collections import Counter

from django.db.models import Q, QuerySet
from django.utils import timezone

from housing.availability import bed_statuses
from housing.choices import BedStatus, HoldStatus, StayStatus
from housing.models import Bed, Hold, Site, Stay, UnmetHousingRequest
from organisations import permissions
from organisations.permissions import Action


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


def hold_list(*, user) -> QuerySet[Hold]:
    return Hold.objects.restrict(user, Action.VIEW).select_related("site", "household", "person", "organisation")


def stay_list(*, user) -> QuerySet[Stay]:
    return Stay.objects.restrict(user, Action.VIEW).select_related("site", "household", "person", "organisation")


def occupancy_counts(*, user) -> dict:
    """Beds by status and site kind, holds and stays now, unmet requests this month: aggregates
    only, for users with ``view_aggregates`` somewhere (city liaisons, hub coordinators)."""
    from organisations.models import Organisation

    if not Organisation.objects.filter(permissions.ObjectPermission("view_aggregates").q(user, Organisation)).exists():
        return {}
    now = timezone.now()
    beds = list(Bed.objects.filter(is_active=True, site__is_active=True).select_related("site"))
    statuses = bed_statuses(beds, now)
    by_kind: dict[str, Counter] = {}
    for bed in beds:
        by_kind.setdefault(bed.site.kind, Counter())[statuses[bed.pk]] += 1
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {
        "at": now,
        "beds_by_site_kind": {
            kind: {status: counter.get(status, 0) for status in BedStatus.values} for kind, counter in by_kind.items()
        },
        "active_holds": Hold.objects.filter(status=HoldStatus.ACTIVE, expires_at__gt=now).count(),
        "active_stays": Stay.objects.filter(Q(status=StayStatus.ACTIVE)).count(),
        "unmet_requests_this_month": UnmetHousingRequest.objects.filter(recorded_at__gte=month_start).count(),
        "bed_allocations_now": sum(1 for status in statuses.values() if status != BedStatus.AVAILABLE),
    }
