"""Writes of the reports app, all done by the worker: the stored figures of the preset periods and
the day's copy of the year in progress, the nightly occupancy snapshots, the hourly snapshot of
the figures of the moment that suppressed viewers see, and the live counters of ``reports.live``.

Freshness: ``reports.refresh_rollups`` runs every two minutes and recomputes the periods whose
data changed since its last run (found from the rows' own timestamps and dates), plus the current
month and fiscal year; ``reports.rebuild_rollups`` recomputes every period once a day, for
changes that leave no timestamp (a milestone, a need closed). Figures are therefore at most a
few minutes stale (docs/reports.md). Domain apps do not import reports, so the live counters are
published by a job that compares them with the last published ones, not by hooks in the apps.
"""

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from housing.choices import AllocationKind
from housing.models import Bed, BedAllocation, Stay, UnmetHousingRequest
from people.models import Intervention, Need, Person
from plumbing.events import publish_on_commit
from plumbing.jobs import periodic_job
from referrals.models import Referral
from reports import compute, selectors, suppression
from reports.catalogue import SECTIONS
from reports.models import OccupancyNight, PeriodKind, ReportState, RollupFigure, RollupPeriod, ServedMonth
from reports.periods import Period, add_months, fiscal_year_of, month_period

LIVE_STREAM = "reports.live"
# Stream key → whether its subscribers get suppressed counters.
LIVE_KEYS = {"hub": False, "city": True}

# Rows written by a transaction still open when the last run looked are caught by looking this
# much further back.
WATERMARK_MARGIN = timedelta(minutes=2)

# The hour of the evening at which a night's occupied beds are counted.
NIGHT_HOUR = time(23, 0)


def rollup_write(*, period: Period, rows: list, computed_at) -> None:
    """Replace the stored figures of a preset period (inside the caller's transaction). Counts
    from 1 to 4 are stored as small at once; the complementary cells follow in the same
    transaction (``rollups_protect``), so no reader ever sees a half-protected year."""
    rollup, _created = RollupPeriod.objects.update_or_create(
        kind=period.kind, start=period.start, defaults={"end": period.end, "computed_at": computed_at}
    )
    RollupFigure.objects.filter(period=rollup).delete()
    RollupFigure.objects.bulk_create(
        [
            RollupFigure(
                period=rollup,
                section=section,
                measure=measure,
                dimension=dimension,
                value=value,
                count=count,
                status=suppression.initial_status(count),
            )
            for section, measure, dimension, value, count in rows
        ],
        batch_size=1000,
    )


def rollups_store(*, periods: list[Period]) -> int:
    """Compute the figures of preset ``periods`` (slow, outside any transaction), then store them
    and protect their fiscal years in one short transaction per fiscal year; returns how many
    figures were stored."""
    by_year: dict[Period, list[Period]] = {}
    for period in sorted(periods, key=lambda period: (period.start, period.kind)):
        by_year.setdefault(fiscal_year_of(period.start), []).append(period)
    stored = 0
    for fiscal_year, members in sorted(by_year.items(), key=lambda item: item[0].start):
        computed = [(period, timezone.now(), compute.all_figures(period)) for period in members]
        with transaction.atomic():
            for period, computed_at, rows in computed:
                rollup_write(period=period, rows=rows, computed_at=computed_at)
                if period.kind == PeriodKind.MONTH:
                    # The month's people, for custom ranges (a union over months is exact).
                    compute.served_month_write(period)
                stored += len(rows)
            rollups_protect(fiscal_year=fiscal_year)
    return stored


def rollup_store(*, period: Period) -> int:
    """Compute and store one preset period (and protect its fiscal year)."""
    return rollups_store(periods=[period])


def rollups_protect(*, fiscal_year: Period) -> int:
    """Decide, for viewers outside the hub, which stored counts of a fiscal year and its months
    are shown, "<5" or hidden (``selectors.protection``); returns how many are not shown."""
    periods = [fiscal_year, *fiscal_year.months()]
    rows = RollupFigure.objects.filter(
        period__kind__in={period.kind for period in periods}, period__start__in=[period.start for period in periods]
    )
    not_shown = 0
    with transaction.atomic():
        for section in SECTIONS:
            statuses = selectors.protection(section, fiscal_year)
            wanted: dict[str, list] = {suppression.SMALL: [], suppression.HIDDEN: []}
            for (kind, start, measure, dimension, value), status in statuses.items():
                if status != suppression.SHOWN:
                    wanted[status].append(
                        Q(period__kind=kind, period__start=start, measure=measure, dimension=dimension, value=value)
                    )
            section_rows = rows.filter(section=section)
            section_rows.exclude(status=suppression.SHOWN).update(status=suppression.SHOWN)
            for status, conditions in wanted.items():
                for chunk in range(0, len(conditions), 200):
                    condition = Q()
                    for item in conditions[chunk : chunk + 200]:
                        condition |= item
                    section_rows.filter(condition).update(status=status)
                not_shown += len(conditions)
    return not_shown


def published_store(*, today: date | None = None) -> bool:
    """Once a day (the first rollup run of the day), copy the stored figures and statuses of the
    fiscal year in progress and of its months, section by section, for suppressed viewers
    (``selectors.FigureSource``): they see the year in progress as of that copy, so polling the
    reports shows at most one change a day, not each hold or intervention within two minutes.
    The whole year is copied at one moment, so its complementary suppression stays consistent.
    Returns whether a copy was made."""
    today = today or timezone.localdate()
    fiscal_year = fiscal_year_of(today)
    periods = [fiscal_year, *fiscal_year.months()]
    with transaction.atomic():
        marker, _created = ReportState.objects.select_for_update().get_or_create(name=selectors.PUBLISHED)
        if marker.data.get("day") == today.isoformat():
            return False
        rows = RollupFigure.objects.filter(
            period__kind__in={period.kind for period in periods}, period__start__in=[period.start for period in periods]
        ).values_list(
            "section",
            "period__kind",
            "period__start",
            "period__computed_at",
            "measure",
            "dimension",
            "value",
            "count",
            "status",
        )
        copies: dict[str, dict] = {section: {} for section in SECTIONS}
        for section, kind, start, computed_at, measure, dimension, value, count, status in rows:
            period = copies[section].setdefault(
                f"{kind}:{start.isoformat()}", {"computed_at": computed_at.isoformat(), "rows": []}
            )
            period["rows"].append([measure, dimension, value, count, status])
        for section, copy in copies.items():
            ReportState.objects.update_or_create(
                name=f"{selectors.PUBLISHED}:{section}", defaults={"at": timezone.now(), "data": copy}
            )
        marker.data = {"day": today.isoformat()}
        marker.at = timezone.now()
        marker.save()
    return True


def months_of_dates(dates) -> set[date]:
    return {day.replace(day=1) for day in dates if day is not None}


def months_changed_since(since: datetime) -> set[date]:
    """First days of the months whose figures rows written or changed after ``since`` touch."""
    zone = timezone.get_current_timezone()

    def local_months(queryset, field):
        return months_of_dates(moment.date() for moment in queryset.datetimes(field, "month", tzinfo=zone))

    months = months_of_dates(Intervention.objects.filter(created_at__gt=since).dates("occurred_on", "month"))
    changed_people = Person.objects.filter(updated_at__gt=since)
    months |= months_of_dates(changed_people.dates("first_intake_date", "month"))
    months |= months_of_dates(
        Intervention.objects.filter(people__in=changed_people.values("pk")).dates("occurred_on", "month")
    )
    months |= local_months(Referral.objects.filter(updated_at__gt=since, sent_at__isnull=False), "sent_at")
    since_day = timezone.localdate(since)
    months |= months_of_dates(
        Need.objects.filter(Q(identified_on__gte=since_day) | Q(closed_on__gte=since_day)).dates(
            "identified_on", "month"
        )
    )
    months |= local_months(Stay.objects.filter(checked_out_at__gt=since), "checked_out_at")
    months |= local_months(UnmetHousingRequest.objects.filter(recorded_at__gt=since), "recorded_at")
    return months


def first_month_with_data() -> date | None:
    firsts = [
        Intervention.objects.aggregate(first=Min("occurred_on"))["first"],
        Person.objects.aggregate(first=Min("first_intake_date"))["first"],
        Need.objects.aggregate(first=Min("identified_on"))["first"],
    ]
    for model, field in ((Referral, "sent_at"), (Stay, "checked_in_at"), (UnmetHousingRequest, "recorded_at")):
        moment = model.objects.aggregate(first=Min(field))["first"]
        firsts.append(timezone.localdate(moment) if moment else None)
    firsts = [day for day in firsts if day is not None]
    return min(firsts).replace(day=1) if firsts else None


def rollups_refresh(*, full: bool = False) -> int:
    """Recompute the stored figures that may be out of date; returns how many periods.

    ``full``: every month from the first with data and every fiscal year they fall in.
    """
    state, _created = ReportState.objects.get_or_create(name="rollups")
    started = timezone.now()
    nights = occupancy_nights_fill()
    this_month = timezone.localdate(started).replace(day=1)
    if full or state.at is None:
        first = first_month_with_data() or this_month
        months, day = set(), first
        while day <= this_month:
            months.add(day)
            day = add_months(day, 1)
    else:
        months = months_changed_since(state.at - WATERMARK_MARGIN) | {this_month}
        # New nights change the occupancy of their months.
        months |= months_of_dates(nights)
    months = {month for month in months if month <= this_month}
    periods = {month_period(month) for month in months} | {fiscal_year_of(month) for month in months}
    rollups_store(periods=list(periods))
    ReportState.objects.filter(name="rollups").update(at=started)
    published_store()
    served_months_vacuum()
    return len(periods)


def served_months_vacuum() -> None:
    """On PostgreSQL, outside a transaction: vacuum and analyse the people served by month just
    rewritten, so that custom ranges read them from the index alone (no visit of each row)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {ServedMonth._meta.db_table}")


def occupancy_nights_fill() -> list[date]:
    """Write the occupancy of every night from the last written (or the month of the first stay)
    to last night;
    the last two nights are written again, for late check-ins. Returns the nights written.

    Beds are the active beds of active sites now (the bed list has no history)."""
    today = timezone.localdate()
    last_night = OccupancyNight.objects.order_by("-night").values_list("night", flat=True).first()
    if last_night is None:
        first_stay = Stay.objects.aggregate(first=Min("checked_in_at"))["first"]
        if first_stay is None:
            return []
        # From the first of that month, so that the month's rate counts its empty nights too.
        night = timezone.localdate(first_stay).replace(day=1)
    else:
        night = last_night - timedelta(days=1)
    beds = dict(
        Bed.objects.filter(is_active=True, site__is_active=True)
        .values("site__kind")
        .annotate(count=Count("pk"))
        .values_list("site__kind", "count")
    )
    zone = timezone.get_current_timezone()
    written = []
    while night < today:
        moment = datetime.combine(night, NIGHT_HOUR, tzinfo=zone)
        occupied = dict(
            BedAllocation.objects.filter(
                Q(kind=AllocationKind.STAY, is_active=True, starts_at__lte=moment)
                & (Q(ends_at__isnull=True) | Q(ends_at__gt=moment))
            )
            .values("bed__site__kind")
            .annotate(count=Count("bed", distinct=True))
            .values_list("bed__site__kind", "count")
        )
        with transaction.atomic():
            OccupancyNight.objects.filter(night=night).delete()
            OccupancyNight.objects.bulk_create(
                [
                    OccupancyNight(night=night, site_kind=kind, beds=count, occupied=occupied.get(kind, 0))
                    for kind, count in sorted(beds.items())
                ]
            )
        written.append(night)
        night += timedelta(days=1)
    return written


def now_snapshot_store(now: datetime | None = None) -> bool:
    """Store the figures of the moment for suppressed viewers (``selectors.now_snapshot``) once an
    hour: when none is stored yet or the stored one was taken before this hour began. Returns
    whether a snapshot was stored. Polling a suppressed figure then shows a change at most once an
    hour, whatever happened within it."""
    now = now or timezone.now()
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        state, _created = ReportState.objects.select_for_update().get_or_create(name=selectors.NOW_SNAPSHOT)
        if state.at is not None and state.at >= hour:
            return False
        state.data = selectors.now_counts(now)
        state.at = now
        state.save()
    return True


def live_counters_publish() -> int:
    """Publish the live counters to both keys of ``reports.live`` when they changed since the last
    publication; returns how many keys were published. The suppressed key's counters come from
    the hourly snapshot, refreshed here first."""
    now_snapshot_store()
    counters = {key: selectors.live_counters(suppressed=suppressed) for key, suppressed in LIVE_KEYS.items()}
    with transaction.atomic():
        state, _created = ReportState.objects.select_for_update().get_or_create(name="live")
        changed = [key for key in LIVE_KEYS if state.data.get(key) != counters[key]]
        for key in changed:
            publish_on_commit(LIVE_STREAM, key, counters[key])
        if changed:
            state.data = counters
            state.at = timezone.now()
            state.save()
    return len(changed)


@periodic_job("reports.refresh_rollups", every=timedelta(minutes=2))
def refresh_rollups_job() -> int:
    return rollups_refresh()


@periodic_job("reports.rebuild_rollups", every=timedelta(days=1))
def rebuild_rollups_job() -> int:
    return rollups_refresh(full=True)


@periodic_job("reports.publish_live", every=timedelta(seconds=15))
def publish_live_job() -> int:
    return live_counters_publish()
