"""A refused hold answered in two statements.

When sixteen families ask for three family units at once, thirteen are refused: the beds were
just taken. ``services.hold_create`` answers them before any lock, but through the ORM: six to
eight queries, each built and compiled per request, which made a refusal cost seven to sixteen
times the same refusal in a minimal psycopg application (docs/benchmarks.md, "Holds"). This module
answers the refusals it can prove in two statements written as text with parameters: the site,
the occupant and the user's three rights in one row (the rights from the registered access
policy, ``permissions.rule_sql``), then the asked beds with whether each is taken and whether
these people already hold or stay somewhere.

It only ever refuses with a 409 (``already_held``, ``already_staying``, ``beds_taken``), and only
when the user may hold beds on the site and work on the occupant's file, the arrival is within
the site's window and check-in hours, and the beds asked are beds of the site: exactly when
``hold_create`` would refuse the same way. Everything else (a 404, a 400, a 422, a hold to make)
is left to ``hold_create``, which decides it as before: this is a shortcut, never a second rule.
``tests/housing/test_early_refusal.py`` checks that both answer the same in each situation.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection

from housing import eligibility
from housing.availability import AVAILABILITY_STREAM
from housing.choices import HoldStatus, RoomKind, StayStatus
from housing.models import Bed, BedAllocation, Hold, Room, Site, Stay
from organisations import permissions
from people.models import Household, Person
from plumbing.models import StreamVersion


@dataclass(frozen=True)
class Unavailable:
    """Why the beds asked for cannot be held, as ``services._check_beds_free`` would say it."""

    held: bool
    staying: bool
    taken_beds: list[int]
    version: int


def _occupant_row(actor, site_id: int, household_id: int | None, person_id: int | None) -> Site | None:
    """The site (its arrival window and check-in hours) with the occupant's organisation, its
    household and the user's rights as extra attributes; None if either does not exist or a
    right has no SQL form."""
    occupant_model = Household if household_id is not None else Person
    occupant_table = occupant_model._meta.db_table
    columns_site = {"provider": "early_site.provider_id"}
    columns_occupant = {"owner": "early_occupant.owner_id"}
    may_hold = permissions.rule_sql(actor, Site, "hold", columns_site)
    may_change = permissions.rule_sql(actor, occupant_model, permissions.Action.CHANGE, columns_occupant)
    works = permissions.organisation_grant_sql(actor, "work_cases", "early_occupant.owner_id")
    if may_hold is None or may_change is None:
        return None
    household_column = "early_occupant.household_id" if household_id is None else "NULL"
    sql = (
        "SELECT early_site.id, early_site.hold_horizon, early_site.hold_grace, early_site.check_in_from,"  # noqa: S608 - names from the code, values are parameters
        f" early_site.check_in_until, early_occupant.owner_id AS occupant_owner_id,"
        f" {household_column} AS occupant_household_id,"
        f" {may_hold[0]} AS may_hold, {may_change[0]} AS may_change, {works[0]} AS works"
        f" FROM {Site._meta.db_table} early_site, {occupant_table} early_occupant"
        " WHERE early_site.id = %s AND early_occupant.id = %s"
    )
    params = [*may_hold[1], *may_change[1], *works[1], site_id, household_id or person_id]
    rows = list(Site.objects.raw(sql, params))
    return rows[0] if rows else None


def _beds_rows(site: Site, bed_ids, room_id, household_id, person_id, now: datetime, expires_at: datetime):
    """Each asked bed (or the family unit's) that is an active bed of the site: (id, taken in
    the hold's period, these people hold beds, these people stay, the site's availability
    version), as ``services._check_beds_free`` reads them."""
    adapt = connection.ops.adapt_datetimefield_value
    hold, stay, person = Hold._meta.db_table, Stay._meta.db_table, Person._meta.db_table
    if household_id is not None:
        same = "({t}.household_id = %s OR {t}.person_id IN (SELECT id FROM " + person + " WHERE household_id = %s))"  # noqa: S608 - names from the code
        same_params = [household_id, household_id]
    elif site.occupant_household_id is not None:
        same = "({t}.person_id = %s OR {t}.household_id = %s)"
        same_params = [person_id, site.occupant_household_id]
    else:
        same = "{t}.person_id = %s"
        same_params = [person_id]
    if room_id is not None:
        chosen = (
            f"early_bed.room_id = %s AND EXISTS (SELECT 1 FROM {Room._meta.db_table} early_room"  # noqa: S608 - names from the code
            " WHERE early_room.id = early_bed.room_id AND early_room.kind = %s)"
        )
        chosen_params = [room_id, RoomKind.FAMILY_UNIT.value]
    else:
        chosen = "early_bed.id IN (" + ", ".join(["%s"] * len(bed_ids)) + ")"
        chosen_params = list(bed_ids)
    sql = (
        "SELECT early_bed.id,"  # noqa: S608 - names from the code, values are parameters
        f" EXISTS (SELECT 1 FROM {BedAllocation._meta.db_table} early_allocation"
        " WHERE early_allocation.bed_id = early_bed.id AND early_allocation.is_active"
        " AND early_allocation.starts_at < %s"
        " AND (early_allocation.ends_at IS NULL OR early_allocation.ends_at > %s)),"
        f" EXISTS (SELECT 1 FROM {hold} WHERE {same.format(t=hold)} AND {hold}.status = %s AND {hold}.expires_at > %s),"
        f" EXISTS (SELECT 1 FROM {stay} WHERE {same.format(t=stay)} AND {stay}.status = %s"
        f" AND {stay}.planned_end_at > %s),"
        f" (SELECT version FROM {StreamVersion._meta.db_table} WHERE stream = %s AND key = %s)"
        f" FROM {Bed._meta.db_table} early_bed"
        f" WHERE early_bed.site_id = %s AND early_bed.is_active AND {chosen} ORDER BY early_bed.id"
    )
    params = [
        adapt(expires_at),
        adapt(now),
        *same_params,
        HoldStatus.ACTIVE.value,
        adapt(now),
        *same_params,
        StayStatus.ACTIVE.value,
        adapt(now),
        AVAILABILITY_STREAM,
        str(site.pk),
        site.pk,
        *chosen_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unavailable(
    *,
    actor,
    site_id: int,
    household_id: int | None,
    person_id: int | None,
    bed_ids: list[int] | None,
    room_id: int | None,
    expected_arrival_at: datetime,
    confirm_outside_check_in: bool,
    now: datetime,
    arrival_slack: timedelta,
) -> Unavailable | None:
    """Why the hold asked for is certain to be refused for its beds or its people, or None: then
    ``hold_create`` decides. ``bed_ids`` or ``room_id``: the beds listed, or a family unit."""
    if not actor.is_authenticated or (not bed_ids and room_id is None):
        return None
    site = _occupant_row(actor, site_id, household_id, person_id)
    if site is None or not (site.may_hold and site.may_change and site.works):
        return None
    arrival = expected_arrival_at
    if arrival < now - arrival_slack or arrival > now + site.hold_horizon:
        return None
    if not confirm_outside_check_in and not eligibility.can_receive_at(site, arrival):
        return None
    expires_at = max(arrival, now) + site.hold_grace
    rows = _beds_rows(site, bed_ids, room_id, household_id, person_id, now, expires_at)
    if not rows or (bed_ids and len(rows) != len(set(bed_ids))):
        return None
    held, staying = bool(rows[0][2]), bool(rows[0][3])
    taken_beds = [row[0] for row in rows if row[1]]
    if not (held or staying or taken_beds):
        return None
    return Unavailable(held=held, staying=staying, taken_beds=taken_beds, version=rows[0][4] or 0)
