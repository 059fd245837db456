"""What every housing page draws of a site: its rooms and beds from the availability payload
(the same one the live updates carry), its current holds and stays with their beds, and the words
housing.js writes into the page."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from housing import eligibility, selectors
from housing.availability import ELIGIBILITY_FLAGS, site_availability
from housing.choices import AllocationKind, BedStatus, HoldStatus, RoomKind, StayStatus
from housing.models import BedAllocation, Site
from organisations.choices import SPOKEN_LANGUAGES


def rooms_of(availability: dict) -> list[dict]:
    """The site's beds grouped by room, in the payload's order (room name, bed label)."""
    statuses = dict(BedStatus.choices)
    kinds = dict(RoomKind.choices)
    rooms: list[dict] = []
    for bed in availability["beds"]:
        if not rooms or rooms[-1]["name"] != bed["room"]:
            rooms.append(
                {"name": bed["room"], "kind": bed["room_kind"], "kind_label": kinds[bed["room_kind"]], "beds": []}
            )
        rooms[-1]["beds"].append({**bed, "status_label": statuses[bed["status"]]})
    return rooms


def site_view(site: Site) -> dict:
    availability = site_availability(site)
    return {
        "site": site,
        "check_in_hours": eligibility.check_in_hours_text(site),
        "hold_horizon_hours": int(site.hold_horizon.total_seconds() // 3600),
        "hold_grace_minutes": int(site.hold_grace.total_seconds() // 60),
        "availability": availability,
        "summary": selectors.site_summary(availability),
        "rooms": rooms_of(availability),
        "eligibility": [
            capfirst(Site._meta.get_field(flag).verbose_name) for flag in ELIGIBILITY_FLAGS if getattr(site, flag)
        ],
        "languages": [str(SPOKEN_LANGUAGES.get(code, code)) for code in site.staff_languages or []],
    }


def live_labels() -> dict:
    """Words housing.js writes into the page, in the page's language."""
    return {
        "status": {status.value: str(status.label) for status in BedStatus},
        "room_kind": {kind.value: str(kind.label) for kind in RoomKind},
        "never_confirmed": _("Never"),
        "countdown": _("ends in %(time)s"),
        "countdown_over": _("time is up"),
        "time_zone": timezone.get_current_timezone_name(),
    }


def describe_beds(allocations) -> str:
    """ "Chambre A: 1, 2 · Dortoir: 4": a hold's or a stay's beds, room by room."""
    rooms: dict[str, list[str]] = {}
    for allocation in sorted(allocations, key=lambda a: (a.bed.room.name, a.bed.label)):
        rooms.setdefault(allocation.bed.room.name, []).append(allocation.bed.label)
    return " · ".join(f"{room}: {', '.join(labels)}" for room, labels in rooms.items())


def active_holds(user, site: Site):
    """The site's current holds (active, not yet expired) that ``user`` may see, with their
    occupants and their beds as text, the soonest arrival first."""
    now = timezone.now()
    beds = Prefetch(
        "allocations",
        BedAllocation.objects.filter(kind=AllocationKind.HOLD, moved_out_by__isnull=True)
        .select_related("bed__room")
        .order_by("bed__label"),
        to_attr="held_beds",
    )
    holds = selectors.with_occupants(
        user=user,
        rows=selectors.hold_list(user=user)
        .filter(site=site, status=HoldStatus.ACTIVE, expires_at__gt=now)
        .prefetch_related(beds)
        .order_by("expected_arrival_at", "expires_at"),
    )
    for hold in holds:
        hold.beds_text = describe_beds(hold.held_beds)
    return holds


def active_stays(user, site: Site):
    """The site's current stays that ``user`` may see, with their occupants and their beds as
    text, the soonest planned end first."""
    beds = Prefetch(
        "allocations",
        BedAllocation.objects.filter(kind=AllocationKind.STAY, is_active=True)
        .select_related("bed__room")
        .order_by("bed__label"),
        to_attr="stay_beds",
    )
    stays = selectors.with_occupants(
        user=user,
        rows=selectors.stay_list(user=user)
        .filter(site=site, status=StayStatus.ACTIVE)
        .prefetch_related(beds)
        .order_by("planned_end_at"),
    )
    for stay in stays:
        stay.beds_text = describe_beds(stay.stay_beds)
    return stays
