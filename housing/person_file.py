"""The person file's housing part: the holds and stays of the person and of their household,
current and past, with what the hub acts on (the site's page) and "Find a bed". People's file
draws it among the parts other apps register (``people.views.person_file_sections``)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from housing.choices import HoldStatus, StayStatus
from housing.models import BedAllocation, BedMove
from housing.selectors import hold_list, stay_list
from housing.views.drawing import live_labels
from people.models import Person
from people.views import FileSection

HISTORY_LIMIT = 20


@dataclass
class HousingRow:
    """One hold or stay as the file lists it."""

    kind: str  # "hold" or "stay"
    site_id: int
    site_name: str
    beds: list[str]
    status: str
    status_label: str
    is_current: bool
    for_household: bool
    starts_at: datetime | None
    ends_at: datetime | None
    expected_arrival_at: datetime | None = None
    code: str = ""
    # "Moved on 7 Dec 21:40 from Site A (Room 1 · 2) to Site B (Unit 3 · 1)", oldest first.
    moves: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> datetime:
        return self.starts_at or timezone.now()


def _beds(record) -> list[str]:
    """The beds ``record`` takes (or took last): not those it left when it moved."""
    return sorted(
        {
            f"{allocation.bed.room.name} · {allocation.bed.label}"
            for allocation in record.allocations.all()
            if allocation.moved_out_by_id is None
        }
    )


def _moves(record) -> list[str]:
    return [
        _("Moved on %(date)s from %(from_site)s (%(from_beds)s) to %(to_site)s (%(to_beds)s).")
        % {
            "date": date_format(timezone.localtime(move.moved_at), "DATETIME_FORMAT"),
            "from_site": move.from_site.name,
            "from_beds": move.from_beds,
            "to_site": move.to_site.name,
            "to_beds": move.to_beds,
        }
        for move in sorted(record.moves.all(), key=lambda move: move.moved_at)
    ]


def person_housing(*, user, person: Person) -> list[HousingRow]:
    """Holds and stays naming ``person`` or their current household that ``user`` may see,
    current first, then the most recent."""
    whom = Q(person=person)
    if person.household_id:
        whom |= Q(household_id=person.household_id)
    beds = Prefetch("allocations", BedAllocation.objects.select_related("bed__room"))
    moves = Prefetch("moves", BedMove.objects.select_related("from_site", "to_site"))
    now = timezone.now()
    rows = []
    for hold in hold_list(user=user).filter(whom).prefetch_related(beds, moves).order_by("-created_at")[:HISTORY_LIMIT]:
        current = hold.status == HoldStatus.ACTIVE and hold.expires_at > now
        if hold.status == HoldStatus.ACTIVE and not current:
            # The worker frees expired holds every minute; until then the file already says so.
            label = pgettext("hold status", "Expired")
        else:
            label = hold.get_status_display()
        rows.append(
            HousingRow(
                kind="hold",
                site_id=hold.site_id,
                site_name=hold.site.name,
                beds=_beds(hold),
                status=hold.status,
                status_label=str(label),
                is_current=current,
                for_household=hold.household_id is not None,
                starts_at=hold.created_at,
                ends_at=hold.expires_at,
                expected_arrival_at=hold.expected_arrival_at,
                code=hold.code,
                moves=_moves(hold),
            )
        )
    for stay in (
        stay_list(user=user).filter(whom).prefetch_related(beds, moves).order_by("-checked_in_at")[:HISTORY_LIMIT]
    ):
        current = stay.status == StayStatus.ACTIVE
        rows.append(
            HousingRow(
                kind="stay",
                site_id=stay.site_id,
                site_name=stay.site.name,
                beds=_beds(stay),
                status=stay.status,
                status_label=str(stay.get_status_display()),
                is_current=current,
                for_household=stay.household_id is not None,
                starts_at=stay.checked_in_at,
                ends_at=stay.planned_end_at if current else stay.checked_out_at,
                moves=_moves(stay),
            )
        )
    rows.sort(key=lambda row: (not row.is_current, -row.sort_key.timestamp()))
    return rows


def person_file_housing(request, person: Person):
    """The housing part of the person file (a ``people.views.person_file_sections`` provider)."""
    rows = person_housing(user=request.user, person=person)
    find_a_bed = f"{reverse('housing:board')}?{urlencode({'person': person.pk})}"
    return FileSection(
        template="housing/includes/person_housing.html",
        context={
            "current": [row for row in rows if row.is_current],
            "past": [row for row in rows if not row.is_current],
            "find_a_bed_url": find_a_bed,
            # The countdown beside a current hold is drawn by housing.js, as on the site page.
            "labels": live_labels(),
            "toc_anchor": "housing",
            "toc_label": _("Housing"),
        },
        actions=[(find_a_bed, _("Find a bed"))],
    )
