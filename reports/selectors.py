"""Reads of the reports: who may see them and how (``viewer``), the tables of a section for a
period compared with the previous one, the monthly time series and today's live counters.

Suppression is applied here, before anything reaches the API, a page or an export: a suppressed
viewer's answer never holds a count from 1 to 4, nor a cell hidden to protect one.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.availability import active_at, statuses_from
from housing.choices import BedStatus, HoldStatus, SiteKind, StayStatus
from housing.models import Bed, BedAllocation, Hold, Stay, UnmetHousingRequest
from organisations.choices import OrganisationKind
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import Organisation
from organisations.permissions import ObjectPermission
from people.models import Intervention
from reports import compute, suppression
from reports.catalogue import DERIVED, SECTIONS, Table, table_title, tables, total_additive
from reports.models import OccupancyNight, ReportState, RollupFigure
from reports.periods import Period, custom_period, fiscal_year_of, this_month

# The figures of the moment (``now_counts``) and those the live counters show.
NOW_COUNTS = (
    "interventions_today",
    "unmet_requests_today",
    "unmet_requests_this_month",
    "beds_free",
    "bed_allocations_now",
    "active_holds",
    "active_stays",
)
LIVE_COUNTERS = ("interventions_today", "beds_free", "active_holds", "unmet_requests_today")
# The ``ReportState`` holding the hourly snapshot of ``now_counts``.
NOW_SNAPSHOT = "now"
# The ``ReportState`` marking the day's copy of the fiscal year in progress (``published:<section>``
# holds each section's copy) that suppressed viewers see.
PUBLISHED = "published"

# Ad-hoc ranges are computed from the domain tables; past this the database gives up.
CUSTOM_RANGE_TIMEOUT_MS = 5000

# The monthly time series: (section, measure, title).
SERIES = [
    ("interventions", "interventions", gettext_lazy("Interventions")),
    ("people", "people", gettext_lazy("Distinct people served")),
    ("people", "new_people", gettext_lazy("New people")),
]


# What each derived figure is called in answers (stored in seconds, shown in hours or days).
DERIVED_KEYS = {
    "first_response_median_seconds": "first_response_median_hours",
    "acceptance_median_seconds": "acceptance_median_hours",
    "stay_seconds_total": "average_stay_days",
}


class CustomRangeRefused(ApplicationError):
    """Outside the hub, figures exist for months and fiscal years only: two overlapping custom
    ranges would give, by difference, a small count that suppression hid."""

    default_code = "custom_range_hub_only"
    default_message = gettext_lazy("Custom ranges are for the hub's coordinators; choose a month or a fiscal year.")


class RangeTooHeavy(ApplicationError):
    status_code = 503
    default_code = "range_too_heavy"
    default_message = gettext_lazy("This range took too long to count; try a shorter one.")


# --- Who sees what -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """How a user may see the reports. ``unsuppressed``: the user coordinates every active hub,
    so no figure tells them about people they could not already see."""

    unsuppressed: bool


def viewer(*, user) -> Viewer | None:
    """None for anyone without ``view_aggregates`` in an active organisation (their answer is a
    404). A city liaison, or a coordinator of only some of several hubs, gets suppressed figures;
    the coordinators of the hub get them as they are."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    mine = set(
        Organisation.objects.filter(
            ObjectPermission("view_aggregates").q(user, Organisation), is_active=True
        ).values_list("pk", flat=True)
    )
    if not mine:
        return None
    hubs = set(Organisation.objects.filter(kind=OrganisationKind.HUB, is_active=True).values_list("pk", flat=True))
    return Viewer(unsuppressed=bool(hubs) and hubs <= mine)


def require_viewer(*, user) -> Viewer:
    found = viewer(user=user)
    if found is None:
        raise NotFoundError()
    return found


# --- The counts of a period and their suppression --------------------------------------------------

Cell = tuple[str, str, str]  # (measure, dimension, value)


@dataclass
class PeriodFigures:
    """The counts of one period, each with its status (all shown for an unsuppressed viewer)."""

    values: dict[Cell, int] = field(default_factory=dict)
    status: dict[Cell, str] = field(default_factory=dict)
    stored_status: dict[Cell, str] = field(default_factory=dict)
    computed_at: datetime | None = None

    def count(self, cell: Cell) -> int:
        return self.values.get(cell, 0)

    def state(self, cell: Cell) -> str:
        return self.status.get(cell, suppression.SHOWN)


def stored(section: str, periods: list[Period]) -> dict[tuple, PeriodFigures]:
    """The stored figures of preset ``periods`` in one query, by ``(kind, start)``; a period never
    computed has no figures and no ``computed_at``."""
    result = {(period.kind, period.start): PeriodFigures() for period in periods}
    rows = RollupFigure.objects.filter(
        section=section,
        period__kind__in={period.kind for period in periods},
        period__start__in=[period.start for period in periods],
    ).values_list(
        "period__kind", "period__start", "period__computed_at", "measure", "dimension", "value", "count", "status"
    )
    for kind, start, computed_at, measure, dimension, value, count, status in rows:
        figures = result.get((kind, start))
        if figures is None:
            continue
        figures.values[measure, dimension, value] = count
        figures.stored_status[measure, dimension, value] = status
        figures.computed_at = computed_at
    return result


def live(section: str, period: Period) -> PeriodFigures:
    """A custom range, counted now under a statement timeout (PostgreSQL).

    Counts that add up over days are the sum of the stored months lying inside the range and of
    the days around them, counted from the domain tables; medians are counted over the whole
    range, and distinct people as the union of the people stored for those months and of the
    people of the days around them. All are exact; a year-long range reads a few weeks of raw
    rows instead of a year of them."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {int(CUSTOM_RANGE_TIMEOUT_MS)}")
            rows, computed_at = adhoc_rows(section, period)
    except OperationalError as error:
        if "statement timeout" in str(error) or "canceling statement" in str(error):
            raise RangeTooHeavy() from error
        raise
    figures = PeriodFigures(computed_at=computed_at)
    for _section, measure, dimension, value, count in rows:
        figures.values[measure, dimension, value] = figures.values.get((measure, dimension, value), 0) + count
    return figures


def adhoc_rows(section: str, period: Period) -> tuple[list, datetime]:
    """The figures of an ad-hoc range (see ``live``) and the time of the oldest part."""
    inside = [month for month in period.months() if period.start <= month.start and month.end <= period.end]
    by_month = stored(section, inside)
    covered = [month for month in inside if by_month[month.kind, month.start].computed_at is not None]
    stored_months = [by_month[month.kind, month.start] for month in covered]
    rows: list = []
    cursor_day = period.start
    for month in covered:
        if cursor_day < month.start:
            rows += compute.ADDITIVE[section](custom_period(cursor_day, month.start - timedelta(days=1)))
        cursor_day = month.end + timedelta(days=1)
    if cursor_day <= period.end:
        rows += compute.ADDITIVE[section](custom_period(cursor_day, period.end))
    for figures in stored_months:
        rows += [
            (section, measure, dimension, value, count)
            for (measure, dimension, value), count in figures.values.items()
            if measure not in compute.NOT_ADDITIVE_MEASURES
        ]
    if section in compute.NOT_ADDITIVE:
        rows += compute.NOT_ADDITIVE[section](period, months=covered)
    oldest = min((figures.computed_at for figures in stored_months), default=timezone.now())
    return rows, oldest


def codes(table: Table, periods: list[PeriodFigures]) -> list[str]:
    """The table's labelled codes in their order, then any other code found (by count)."""
    found: dict[str, int] = {}
    for figures in periods:
        for (measure, dimension, value), count in figures.values.items():
            if measure == table.measure and dimension == table.dimension and value not in table.labels:
                found[value] = found.get(value, 0) + count
    return list(table.labels) + sorted(found, key=lambda value: (-found[value], value))


def equations(section: str, fiscal_year: Period) -> tuple[dict[tuple, int], list[tuple[list, tuple]]]:
    """The stored counts of a fiscal year and of its months, and the equations between them that
    hold (``(cells, total)``: the cells add up to the total): a table's cells and its total where
    ``Table.sums_to_total``, a year's cell and its months' where ``Table.additive`` (for a total,
    ``catalogue.total_additive``). Keys: ``(period kind, start, measure, dimension, value)``."""
    months = fiscal_year.months()
    periods = [fiscal_year, *months]
    block = stored(section, periods)
    section_tables = [table for table in tables(section) if table.dimension]
    headline_measures = {table.measure for table in tables(section)}
    additive_cells = {(table.measure, table.dimension) for table in section_tables if table.additive}
    additive_cells |= {(measure, "") for measure in headline_measures if total_additive(measure)}
    values: dict[tuple, int] = {}
    groups: list[tuple[list, tuple]] = []
    table_codes = {table.key: codes(table, list(block.values())) for table in section_tables}
    for period in periods:
        key = (period.kind, period.start)
        figures = block[key]
        for measure in headline_measures:
            values[(*key, measure, "", "")] = figures.count((measure, "", ""))
        for table in section_tables:
            cells = []
            for value in table_codes[table.key]:
                cell = (*key, table.measure, table.dimension, value)
                values[cell] = figures.count((table.measure, table.dimension, value))
                cells.append(cell)
            if table.sums_to_total:
                groups.append((cells, (*key, table.measure, "", "")))
    for kind, start, measure, dimension, value in list(values):
        if (kind, start) == (fiscal_year.kind, fiscal_year.start) and (measure, dimension) in additive_cells:
            cells = [(month.kind, month.start, measure, dimension, value) for month in months]
            groups.append((cells, (kind, start, measure, dimension, value)))
    return values, groups


def protection(section: str, fiscal_year: Period) -> dict[tuple, str]:
    """The suppression status of every stored count of a fiscal year and of its months, worked
    out together over the ``equations`` that hold between them. Run by the rollup job when it
    stores figures, so reading them costs nothing."""
    values, groups = equations(section, fiscal_year)
    return suppression.protect(values, groups)


def published(section: str) -> dict[tuple, PeriodFigures]:
    """The day's copy of the fiscal year in progress and its months (``services.published_store``),
    by ``(kind, start)``; empty before the first copy."""
    copy = ReportState.objects.filter(name=f"{PUBLISHED}:{section}").values_list("data", flat=True).first() or {}
    result = {}
    for key, period in copy.items():
        kind, start = key.split(":")
        figures = PeriodFigures(computed_at=datetime.fromisoformat(period["computed_at"]))
        for measure, dimension, value, count, status in period["rows"]:
            figures.values[measure, dimension, value] = count
            figures.stored_status[measure, dimension, value] = status
        result[kind, date.fromisoformat(start)] = figures
    return result


class FigureSource:
    """Gets the figures of periods for one viewer and section; ``prefetch`` reads many stored
    periods in one query (the months of a time series). A suppressed viewer gets the fiscal year
    in progress from the day's copy (``published``), the other periods from the stored figures."""

    def __init__(self, section: str, suppressed: bool):
        self.section = section
        self.suppressed = suppressed
        self.cache: dict[tuple, PeriodFigures] = published(section) if suppressed else {}

    def prefetch(self, periods: list[Period]) -> None:
        wanted = [period for period in periods if period.is_preset and (period.kind, period.start) not in self.cache]
        if wanted:
            self.cache.update(stored(self.section, wanted))

    def get(self, period: Period) -> PeriodFigures:
        if not period.is_preset:
            if self.suppressed:
                raise CustomRangeRefused()
            return live(self.section, period)
        key = (period.kind, period.start)
        if key not in self.cache:
            self.prefetch([period])
        figures = self.cache[key]
        if self.suppressed:
            figures.status = dict(figures.stored_status)
        return figures


# --- What the API, the pages and the exports show ----------------------------------------------------


def shown(figures: PeriodFigures, cell: Cell) -> tuple[int | None, str]:
    count, state = figures.count(cell), figures.state(cell)
    return (count if state == suppression.SHOWN else None), suppression.display(count, state)


def period_data(period: Period) -> dict:
    return {"kind": period.kind, "start": period.start, "end": period.end, "label": period.label}


def compared(current: PeriodFigures, previous: PeriodFigures, cell: Cell) -> dict:
    value, display = shown(current, cell)
    previous_value, previous_display = shown(previous, cell)
    return {"value": value, "display": display, "previous_value": previous_value, "previous_display": previous_display}


def derived(section: str, current: PeriodFigures, previous: PeriodFigures, suppressed: bool) -> list[dict]:
    """Medians, averages and rates, each hidden with the count it rests on."""
    result = []
    for figures_key, count_measure, title in DERIVED.get(section, []):
        pair = []
        for figures in (current, previous):
            count = figures.count((count_measure, "", ""))
            amount = figures.values.get((figures_key, "", ""))
            hidden = suppressed and (
                figures.state((count_measure, "", "")) != suppression.SHOWN or 1 <= count <= suppression.SMALL_MAX
            )
            if amount is None or not count or hidden:
                pair.append((None, "x" if hidden else "—"))
                continue
            if figures_key == "stay_seconds_total":
                number = round(amount / count / 86400, 1)
            else:
                number = round(amount / 3600, 1)
            pair.append((number, f"{number:g}"))
        result.append(
            {
                "key": DERIVED_KEYS[figures_key],
                "title": str(title),
                "value": pair[0][0],
                "display": pair[0][1],
                "previous_value": pair[1][0],
                "previous_display": pair[1][1],
            }
        )
    if section == "housing":
        result += occupancy_rates(current, previous, suppressed)
    return result


def occupancy_rates(current: PeriodFigures, previous: PeriodFigures, suppressed: bool) -> list[dict]:
    """Occupied bed-nights over bed-nights, by site kind. Bed-nights are capacity, but occupied
    ones are people: for a suppressed viewer a rate resting on 1 to 4 occupied bed-nights would
    give that count (rate × bed-nights), so it is hidden like the count."""
    result = []
    for kind, label in [("", _("all sites")), *SiteKind.choices]:
        pair = []
        for figures in (current, previous):
            if kind:
                beds = figures.count(("bed_nights", "site_kind", kind))
                occupied = figures.count(("occupied_bed_nights", "site_kind", kind))
            else:
                beds = sum(v for (m, _d, _v), v in figures.values.items() if m == "bed_nights")
                occupied = sum(v for (m, _d, _v), v in figures.values.items() if m == "occupied_bed_nights")
            if suppressed and 1 <= occupied <= suppression.SMALL_MAX:
                pair.append((None, "x"))
                continue
            rate = round(100 * occupied / beds, 1) if beds else None
            pair.append((rate, "—" if rate is None else f"{rate:g} %"))
        result.append(
            {
                "key": f"occupancy_rate.{kind or 'all'}",
                "title": _("Nightly occupancy rate (%(kind)s)") % {"kind": label},
                "value": pair[0][0],
                "display": pair[0][1],
                "previous_value": pair[1][0],
                "previous_display": pair[1][1],
            }
        )
    return result


def section_report(*, user, section: str, period: Period, for_export: bool = False) -> dict:
    """Every table of ``section`` for ``period`` and the period before, as ``user`` may see them.

    ``for_export``: figures that leave the hub (CSV, funder report) are suppressed whoever asks.
    """
    if section not in SECTIONS:
        raise NotFoundError()
    suppressed = for_export or not require_viewer(user=user).unsuppressed
    source = FigureSource(section, suppressed)
    previous_period = period.previous()
    current, previous = source.get(period), source.get(previous_period)
    result_tables = []
    for table in tables(section):
        rows = []
        if table.dimension:
            for value in codes(table, [current, previous]):
                label = table.labels.get(value, value)
                rows.append(
                    {
                        "code": value,
                        "label": str(label),
                        **compared(current, previous, (table.measure, table.dimension, value)),
                    }
                )
        result_tables.append(
            {
                "key": table.key,
                "measure": table.measure,
                "dimension": table.dimension,
                "title": table_title(table),
                "rows": rows,
                "total": compared(current, previous, (table.measure, "", "")),
            }
        )
    if section == "housing":
        result_tables.append(now_table(suppressed))
    return {
        "section": section,
        "title": str(SECTIONS[section]),
        "period": period_data(period),
        "previous_period": period_data(previous_period),
        "suppressed": suppressed,
        "computed_at": current.computed_at,
        "tables": result_tables,
        "figures": derived(section, current, previous, suppressed),
    }


def now_table(suppressed: bool) -> dict:
    """Beds free and holds right now (the live counters), as a one-row table."""
    counters = live_counters(suppressed=suppressed)
    rows = [
        {"code": key, "label": str(label), **counters[key], "previous_value": None, "previous_display": ""}
        for key, label in (("beds_free", _("Beds free now")), ("active_holds", _("Holds now")))
    ]
    return {
        "key": "now",
        "measure": "now",
        "dimension": "",
        "title": _("Right now"),
        "rows": rows,
        "total": {"value": None, "display": "", "previous_value": None, "previous_display": ""},
    }


def time_series(*, user, period: Period, for_export: bool = False) -> dict:
    """Monthly interventions, people and new people over the months of ``period``'s fiscal year
    (a preset) or of the custom range, from the stored monthly figures."""
    suppressed = for_export or not require_viewer(user=user).unsuppressed
    if suppressed and not period.is_preset:
        raise CustomRangeRefused()
    span = period if period.kind == "custom" else fiscal_year_of(period.start)
    months = span.months()
    series = []
    sources = {}
    for section, measure, title in SERIES:
        if section not in sources:
            sources[section] = FigureSource(section, suppressed)
            sources[section].prefetch(months)
        source = sources[section]
        points = []
        for month in months:
            value, display = shown(source.get(month), (measure, "", ""))
            points.append({"month": month.start, "label": month.label, "value": value, "display": display})
        series.append({"measure": measure, "title": str(title), "points": points})
    return {"period": period_data(span), "suppressed": suppressed, "series": series}


# Up to this many nights a period's occupancy is charted night by night, beyond it month by month.
NIGHTLY_CHART_MAX = 62


def occupied_by_night(*, user, period: Period, for_export: bool = False) -> dict:
    """Beds occupied each night of ``period`` (all site kinds, at 23:00), or, for a longer period,
    the average per night of each month. A suppressed viewer gets each figure as the hour's
    counters are given (``suppression.rounded``: 1–4 is "<5", the rest to the nearest 5), since
    a night's count is a count of people that no equation of the stored figures protects."""
    suppressed = for_export or not require_viewer(user=user).unsuppressed
    nights = dict(
        OccupancyNight.objects.filter(night__range=(period.start, period.end))
        .values("night")
        .annotate(occupied=Sum("occupied"))
        .values_list("night", "occupied")
    )
    points = []
    if (period.end - period.start).days < NIGHTLY_CHART_MAX:
        title = _("Beds occupied by night")
        description = _("One bar per night of %(period)s.") % {"period": period.label}
        for night in sorted(nights):
            points.append((date_format(night, "SHORT_DATE_FORMAT"), date_format(night, "j"), nights[night]))
    else:
        title = _("Beds occupied per night, monthly average")
        description = _("One bar per month of %(period)s: the average of its nights.") % {"period": period.label}
        for month in period.months():
            counted = [count for night, count in nights.items() if month.start <= night <= month.end]
            if counted:
                points.append((month.label, date_format(month.start, "N"), round(sum(counted) / len(counted))))
    result = []
    for label, short_label, count in points:
        value, display = suppression.rounded(count) if suppressed else (count, str(count))
        result.append({"label": label, "short_label": short_label, "value": value, "display": display})
    return {"title": title, "description": description, "points": result}


def hub_name() -> str:
    """The name of the welcome hub the reports are about (the first active hub)."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.HUB, is_active=True)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
        or ""
    )


def headline_figures(reports: list[dict]) -> list[dict]:
    """The figures the hub leads its reports with, taken from the section reports as the viewer
    sees them (suppression already applied): interventions, people served, women and men, trans
    people (counted apart), new people and the share of Spanish speakers among people served,
    which is hidden ("x") when either count it rests on is not shown."""
    by_key = {table["key"]: table for report in reports for table in report["tables"]}

    def total(key):
        return by_key[key]["total"] if key in by_key else None

    def row(key, code):
        table = by_key.get(key)
        return next((cell for cell in table["rows"] if cell["code"] == code), None) if table else None

    def cell(title, found):
        if found is None:
            return []
        return [{"title": str(title), "value": found["value"], "display": found["display"]}]

    figures = [
        *cell(_("Interventions"), total("interventions")),
        *cell(_("People served"), total("people")),
        *cell(_("Women"), row("people.gender_identity", "woman") or ZERO),
        *cell(_("Men"), row("people.gender_identity", "man") or ZERO),
        *cell(_("Trans people (counted apart)"), row("people.trans_experience", "yes") or ZERO),
        *cell(_("New people"), total("new_people")),
    ]
    people = total("people")
    if people is not None:
        spanish = row("people.preferred_language", "es") or ZERO
        if spanish["value"] is None or not people["value"]:
            share = {"value": None, "display": "x" if spanish["value"] is None or people["value"] is None else "—"}
        else:
            percent = round(100 * spanish["value"] / people["value"])
            share = {"value": percent, "display": f"{percent} %"}
        figures += cell(_("Share of Spanish speakers"), share)
    return figures


ZERO = {"value": 0, "display": "0"}
# The sections whose tables ``headline_figures`` reads.
HEADLINE_SECTIONS = ("interventions", "people")


def month_at_a_glance(*, user) -> dict:
    """The month in progress as ``user`` may see it (else 404): its period and the headline
    figures of the reports, from the same figures and suppression as the reports' pages (a
    suppressed viewer gets the day's copy, with no count of 1 to 4)."""
    period = this_month()
    reports = [section_report(user=user, section=section, period=period) for section in HEADLINE_SECTIONS]
    return {"period": period, "headline": headline_figures(reports)}


# --- Today, live --------------------------------------------------------------------------------


def exact_cell(count: int) -> dict:
    return {"value": count, "display": str(count)}


def rounded_cell(count: int) -> dict:
    value, display = suppression.rounded(count)
    return {"value": value, "display": display}


def now_counts(moment: datetime | None = None) -> dict:
    """Every figure of the moment, exact: today's interventions and unmet housing requests, this
    month's unmet requests, beds by site kind and status, beds free, holds and stays now. Only
    codes and counts, JSON-ready (the hourly snapshot stores it as it is)."""
    now = moment or timezone.now()
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    midnight = datetime.combine(today, time.min, tzinfo=zone)
    first_of_month = datetime.combine(today.replace(day=1), time.min, tzinfo=zone)
    beds = dict(Bed.objects.filter(is_active=True, site__is_active=True).values_list("pk", "site__kind"))
    # A bed's status is housing.availability's rule: the strongest allocation in force, read in
    # one query over the allocations of this moment (not a list of every bed's id).
    in_force = BedAllocation.objects.filter(active_at(now), bed__is_active=True, bed__site__is_active=True)
    statuses = statuses_from(dict.fromkeys(beds, BedStatus.AVAILABLE), in_force)
    by_kind: dict[str, dict[str, int]] = {}
    for pk, kind in beds.items():
        counts = by_kind.setdefault(kind, dict.fromkeys(BedStatus.values, 0))
        counts[statuses[pk]] += 1
    return {
        "at": now.isoformat(),
        "date": today.isoformat(),
        "interventions_today": Intervention.objects.filter(occurred_on=today).count(),
        "unmet_requests_today": UnmetHousingRequest.objects.filter(recorded_at__gte=midnight).count(),
        "unmet_requests_this_month": UnmetHousingRequest.objects.filter(recorded_at__gte=first_of_month).count(),
        "beds_by_site_kind": by_kind,
        "beds_free": sum(1 for status in statuses.values() if status == BedStatus.AVAILABLE),
        "bed_allocations_now": sum(1 for status in statuses.values() if status != BedStatus.AVAILABLE),
        "active_holds": Hold.objects.filter(status=HoldStatus.ACTIVE, expires_at__gt=now).count(),
        "active_stays": Stay.objects.filter(status=StayStatus.ACTIVE).count(),
    }


def now_snapshot() -> dict:
    """The figures of the hour, for suppressed viewers: the snapshot the worker stores at most once
    an hour (``services.now_snapshot_store``), or the figures of this moment before its first run."""
    state = ReportState.objects.filter(name=NOW_SNAPSHOT).values_list("data", flat=True).first()
    return state or now_counts()


def now_figures(*, suppressed: bool) -> dict:
    """The figures of the moment as a viewer may see them, each ``{"value", "display"}``.

    Unsuppressed: exact, now. Suppressed (a city liaison, a partner's coordinator): the hourly
    snapshot, each count rounded to 5 with 1–4 as "<5" (``suppression.rounded``), beds included,
    since a bed taken is a family arriving. Polling therefore sees at most one change an hour, and
    only when a rounded figure crosses a multiple of 5: not who arrived, nor when, nor how many."""
    counts = now_snapshot() if suppressed else now_counts()
    cell = rounded_cell if suppressed else exact_cell
    return {
        "at": counts["at"],
        "date": counts["date"],
        "suppressed": suppressed,
        **{key: cell(counts[key]) for key in NOW_COUNTS},
        "beds_by_site_kind": {
            kind: {status: cell(count) for status, count in statuses.items()}
            for kind, statuses in sorted(counts["beds_by_site_kind"].items())
        },
    }


def live_counters(*, suppressed: bool) -> dict:
    """Today's interventions and unmet housing requests, beds free and holds now: the counters of
    the ``reports.live`` stream and of the dashboard (``now_figures``)."""
    figures = now_figures(suppressed=suppressed)
    return {key: figures[key] for key in ("date", *LIVE_COUNTERS)}


def occupancy(*, user) -> dict:
    """Beds by site kind and status, holds and stays now, unmet requests this month, for anyone
    who may see the reports (``viewer``; else 404), suppressed like every other figure."""
    return now_figures(suppressed=not require_viewer(user=user).unsuppressed)
