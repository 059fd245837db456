"""Whether a site may receive a household: its rules as one function, so that the hold, check-in
and extension services refuse with the same reasons the board shows beside a site that does not
fit.

A site's rules are about who comes (``site_refusals``): women only, men only, families, minors,
wheelchair access, pets; and, when beds are chosen, whether there is a bed for each person,
for a family put in a family unit, whether the unit has a bed for each of them, and that a person
alone is not given a family unit. The arrival
window (``can_receive_at``) is a separate question: a hub may confirm an arrival outside the
check-in hours, not break a rule. A hub coordinator may override a rule with a written reason
(``organisations.permissions.can_override_housing_rules``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from housing.choices import RoomKind
from housing.models import Bed, Site
from people.composition import Composition


@dataclass(frozen=True)
class Refusal:
    """One rule of a site a household breaks: ``code`` for clients, ``message`` in the active
    language, naming the rule."""

    code: str
    message: str


def site_refusals(site: Site, composition: Composition, beds=None) -> list[Refusal]:
    """The site's rules ``composition`` breaks, in a fixed order; with ``beds`` (Bed rows of this
    site), also a bed for each person and a family unit large enough for the family."""
    refusals = []
    # A household counts as women (or men) when nobody in it is recorded as the other gender
    # and at least one member is recorded as a woman (or a man): a mother with a small child
    # whose gender is not asked fits a women's shelter, a man alone does not.
    if site.women_only and (composition.men or not composition.women):
        refusals.append(Refusal("women_only", _("This site takes women only.")))
    if site.men_only and (composition.women or not composition.men):
        refusals.append(Refusal("men_only", _("This site takes men only.")))
    if composition.is_family and not site.families:
        refusals.append(
            Refusal("families", _("This site does not take families (%(size)s people).") % {"size": composition.size})
        )
    if composition.has_minors and not site.minors_accompanied:
        refusals.append(Refusal("minors", _("This site does not take minors, even accompanied.")))
    if composition.needs_wheelchair_access and not site.wheelchair_access:
        refusals.append(Refusal("wheelchair_access", _("This site has no wheelchair access.")))
    if composition.pets and not site.pets:
        refusals.append(Refusal("pets", _("This site does not take pets.")))
    if beds is not None:
        refusals.extend(_bed_refusals(composition, list(beds)))
    return refusals


def _bed_refusals(composition: Composition, beds: list[Bed]) -> list[Refusal]:
    if len(beds) < composition.size:
        return [
            Refusal(
                "too_few_beds",
                ngettext(
                    "%(beds)s bed chosen for %(size)s people: choose a bed for each person.",
                    "%(beds)s beds chosen for %(size)s people: choose a bed for each person.",
                    len(beds),
                )
                % {"beds": len(beds), "size": composition.size},
            )
        ]
    if not composition.is_family:
        # A family unit is kept for families: on the evening a family arrives, the last unit must
        # not have gone to one adult while shared beds were free.
        if any(bed.room.kind == RoomKind.FAMILY_UNIT for bed in beds):
            return [family_unit_refusal()]
        return []
    unit_ids = {bed.room_id for bed in beds if bed.room.kind == RoomKind.FAMILY_UNIT}
    if not unit_ids:
        return []
    sizes = dict(
        Bed.objects.filter(room_id__in=unit_ids, is_active=True)
        .values_list("room_id")
        .annotate(count=Count("pk"))
        .values_list("room_id", "count")
    )
    names = {bed.room_id: bed.room.name for bed in beds}
    small = sorted(room_id for room_id, size in sizes.items() if size < composition.size)
    return [
        Refusal(
            "unit_too_small",
            _("%(room)s has %(beds)s beds: no family unit for %(size)s.")
            % {"room": names[room_id], "beds": sizes[room_id], "size": composition.size},
        )
        for room_id in small
    ]


def family_unit_refusal() -> Refusal:
    """Why a person alone is not given a family unit (on the board and from the services)."""
    return Refusal(
        "family_unit_for_families",
        _("A family unit is for a family: hold a bed in a shared room for a person alone."),
    )


def unit_refusal(unit_beds: int, size: int) -> str:
    """Why a family unit does not suit ``size`` people, or "" when it does (the board says it
    beside the unit, as the hold service would refuse it)."""
    if size == 1:
        return family_unit_refusal().message
    if unit_beds < size:
        return _("Too small: %(beds)s beds for %(size)s people.") % {"beds": unit_beds, "size": size}
    return ""


def has_check_in_window(site: Site) -> bool:
    return site.check_in_from is not None and site.check_in_until is not None


def can_receive_at(site: Site, moment: datetime) -> bool:
    """Whether ``moment`` (local clock time) falls in the site's check-in hours; a window whose
    end is before its start runs across midnight; no window: at any time."""
    if not has_check_in_window(site):
        return True
    clock = timezone.localtime(moment).time()
    start, end = site.check_in_from, site.check_in_until
    if start <= end:
        return start <= clock <= end
    return clock >= start or clock <= end


def check_in_hours_text(site: Site) -> str:
    """ "20:00 – 02:00", or "at any time", in the active language's clock format."""
    if not has_check_in_window(site):
        return _("at any time")
    return f"{time_format(site.check_in_from)} – {time_format(site.check_in_until)}"


def next_reception_at(site: Site, moment: datetime) -> datetime:
    """The first moment from ``moment`` the site receives arrivals ("can receive at 08:00")."""
    if can_receive_at(site, moment):
        return moment
    local = timezone.localtime(moment)
    opening = local.replace(hour=site.check_in_from.hour, minute=site.check_in_from.minute, second=0, microsecond=0)
    if opening < local:
        opening += timedelta(days=1)
    return opening


def no_room_for(size: int) -> str:
    """Why a site that takes the household cannot now: "no family unit free for 5"."""
    if size == 1:
        return _("No bed free for the stay asked.")
    return _("No family unit or shared beds free for %(size)s people.") % {"size": size}
