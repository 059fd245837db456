"""Figures of one period, computed in SQL from the domain tables.

The same functions fill the stored figures of the preset periods (``reports.services``) and answer
ad-hoc ranges. Every count is a ``COUNT`` in the database: on PostgreSQL each group of breakdowns
is one statement (``GROUPING SETS``), elsewhere one statement per breakdown. Nothing here reads a
name, a note or any free text: only codes leave this module.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from housing.models import Hold, Stay, UnmetHousingRequest
from people.choices import CLAIM_STAGE_RANKS, ClaimPathway, ClaimStage, NeedStatus
from people.models import Intervention, Milestone, Need, Person
from referrals.choices import ReferralStatus
from referrals.models import Referral
from reports.catalogue import AGE_BAND_LOWER_AGES, AgeBand
from reports.models import OccupancyNight, ServedMonth
from reports.periods import Period

# (section, measure, dimension, value, count): one stored figure.
Figure = tuple[str, str, str, str, int]

PERSON_DIMENSIONS = [
    "gender_identity",
    "trans_experience",
    "age_band",
    "preferred_language",
    "claim_stage",
    "intake_channel",
]


def grouped_counts(queryset: QuerySet, dimensions: list[str]) -> Iterable[tuple[str, str, int]]:
    """``(dimension, value, count)`` for the total (``("", "")``) and for each value of each
    dimension. ``queryset`` annotates each dimension as ``d_<dimension>``; each row counts once."""
    columns = [f"d_{dimension}" for dimension in dimensions]
    sql, params = queryset.values(*(columns or ["pk"])).query.sql_with_params()
    return grouped_counts_sql(sql, list(params), dimensions)


def grouped_counts_sql(sql: str, params: list, dimensions: list[str]) -> Iterable[tuple[str, str, int]]:
    """The same over rows selected by ``sql``, whose columns are named ``d_<dimension>``. The
    statements wrap that SQL (its parameters stay bound); the column names are ours, never input."""
    columns = [f"d_{dimension}" for dimension in dimensions]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and columns:
            select = ", ".join(columns + [f"GROUPING({column})" for column in columns])
            sets = ", ".join(["()"] + [f"({column})" for column in columns])
            cursor.execute(f"SELECT {select}, COUNT(*) FROM ({sql}) AS rows GROUP BY GROUPING SETS ({sets})", params)  # noqa: S608
            width = len(columns)
            for row in cursor.fetchall():
                grouped = [index for index, flag in enumerate(row[width : 2 * width]) if flag == 0]
                if grouped:
                    yield dimensions[grouped[0]], code(row[grouped[0]]), row[-1]
                else:
                    yield "", "", row[-1]
            return
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS rows", params)  # noqa: S608
        yield "", "", cursor.fetchone()[0]
        for dimension, column in zip(dimensions, columns, strict=True):
            cursor.execute(f"SELECT {column}, COUNT(*) FROM ({sql}) AS rows GROUP BY {column}", params)  # noqa: S608
            for value, count in cursor.fetchall():
                yield dimension, code(value), count


def code(value) -> str:
    return "unknown" if value in (None, "") else str(value)


def figures(section: str, measure: str, queryset, dimensions: list[str]) -> list[Figure]:
    """The total and breakdowns of ``queryset`` (or of ``(sql, params)``), merged by code (two
    raw values can map to one code, such as an empty reason and an unknown one)."""
    merged: dict[tuple[str, str], int] = {}
    if isinstance(queryset, tuple):
        rows = grouped_counts_sql(*queryset, dimensions)
    else:
        rows = grouped_counts(queryset, dimensions)
    for dimension, value, count in rows:
        merged[dimension, value] = merged.get((dimension, value), 0) + count
    return [(section, measure, dimension, value, count) for (dimension, value), count in merged.items()]


# --- Interventions ---------------------------------------------------------------------------------


def interventions(period: Period) -> list[Figure]:
    queryset = Intervention.objects.filter(occurred_on__range=(period.start, period.end)).annotate(
        d_team=F("team"), d_type=F("type"), d_interpreter_used=F("interpreter_used")
    )
    result = figures("interventions", "interventions", queryset, ["team", "type", "interpreter_used"])
    return result + intervention_need_categories(period)


def intervention_need_categories(period: Period) -> list[Figure]:
    """Interventions by need: ``need_categories`` is a JSON list, unnested in SQL (an
    intervention about two needs counts once in each)."""
    table = Intervention._meta.db_table
    if connection.vendor == "postgresql":
        # DISTINCT inside the lateral: a need listed twice counts once, without a costly
        # COUNT(DISTINCT) over the whole range.
        unnest = "CROSS JOIN LATERAL (SELECT DISTINCT value FROM jsonb_array_elements_text(i.need_categories)) AS c"
        counted = "COUNT(*)"
    else:
        unnest = ", json_each(i.need_categories) AS c"
        counted = "COUNT(DISTINCT i.id)"
    # The table name is the model's; the dates are bound parameters.
    statement = f"SELECT c.value, {counted} FROM {table} AS i {unnest} "  # noqa: S608
    statement += "WHERE i.occurred_on BETWEEN %s AND %s GROUP BY c.value"
    with connection.cursor() as cursor:
        cursor.execute(statement, [period.start.isoformat(), period.end.isoformat()])
        rows = cursor.fetchall()
    return [("interventions", "interventions", "need_category", code(value), count) for value, count in rows]


# --- People ----------------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_rows(ids: QuerySet, on: date, *, few: bool = False) -> tuple[str, list]:
    """SQL selecting the people whose ids ``ids`` gives, with every person dimension as it stands
    on ``on`` (age band at that day, claim stage from the milestones reached by then).

    The claim stage joins each person's furthest milestone, aggregated once for everybody (one
    hash aggregate), rather than a subquery per person: ten times faster over a year of people.
    ``few``: ``ids`` selects few people (a few days' new people), whose milestones alone are
    aggregated (the same result, without reading everybody's milestones)."""
    person, milestone = Person._meta.db_table, Milestone._meta.db_table
    params: list = []
    age = "CASE WHEN p.date_of_birth IS NULL THEN %s"
    params.append(AgeBand.UNKNOWN.value)
    for (band, _lower), (_next_band, next_lower) in zip(AGE_BAND_LOWER_AGES, AGE_BAND_LOWER_AGES[1:], strict=False):
        age += " WHEN p.date_of_birth > %s THEN %s"
        params += [years_before(on, next_lower).isoformat(), band]
    age += " ELSE %s END"
    params.append(AgeBand.FROM_65.value)
    stage = "CASE COALESCE(m.claim_rank, 0)"
    for rank, claim_stage, _kinds in CLAIM_STAGE_RANKS:
        stage += f" WHEN {rank} THEN %s"
        params.append(claim_stage.value)
    stage += " ELSE CASE WHEN p.claim_pathway = %s THEN %s ELSE %s END END"
    params += [ClaimPathway.NOT_YET_CLAIMED.value, ClaimStage.PRE_CLAIM.value, ClaimStage.UNKNOWN.value]
    rank_case = "CASE"
    for rank, _stage, kinds in CLAIM_STAGE_RANKS:
        rank_case += f" WHEN kind IN ({', '.join(['%s'] * len(kinds))}) THEN {rank}"
        params += [kind.value for kind in kinds]
    rank_case += " ELSE 0 END"
    params.append(on.isoformat())
    ids_sql, ids_params = ids.query.sql_with_params()
    milestones_of = ""
    if few:
        # A few days' new people: aggregate their milestones only, not everybody's.
        milestones_of = f" AND person_id IN ({ids_sql})"
        params += list(ids_params)
    params += list(ids_params)
    # Table names are the models'; every value is a bound parameter.
    sql = (
        "SELECT p.gender_identity AS d_gender_identity, p.trans_experience AS d_trans_experience, "  # noqa: S608
        "p.preferred_language AS d_preferred_language, p.intake_channel AS d_intake_channel, "
        f"{age} AS d_age_band, {stage} AS d_claim_stage "
        f"FROM {person} AS p LEFT JOIN (SELECT person_id, MAX({rank_case}) AS claim_rank FROM {milestone} "
        f"WHERE occurred_on <= %s{milestones_of} GROUP BY person_id) AS m ON m.person_id = p.id "
        f"WHERE p.id IN ({ids_sql})"
    )
    return sql, params


def people_served(period: Period, months: Iterable[Period] = ()) -> list[Figure]:
    """Distinct people in at least one intervention of the period, by every person dimension.
    Not additive over months: counted over the whole period, as a set.

    ``months``: whole months inside the period whose people are stored (``ServedMonth``, kept
    with the month's figures); their people are read from there and united with the people of
    the interventions of the other days. A union of sets, so exact, and a year-long range reads
    its months' stored ids and a few weeks of intervention links instead of a year of links."""
    months = sorted(months, key=lambda month: month.start)
    link = Intervention.people.through.objects
    days = Q()
    for start, end in days_outside(period, months):
        days |= Q(intervention__occurred_on__range=(start, end))
    if not months:
        served_ids = link.filter(days).values("person_id")
    else:
        served_ids = ServedMonth.objects.filter(month__in=[month.start for month in months]).values("person_id")
        if days:
            served_ids = served_ids.union(link.filter(days).values("person_id"))
    return figures("people", "people", person_rows(served_ids, period.end), PERSON_DIMENSIONS)


def days_outside(period: Period, months: list[Period]) -> list[tuple[date, date]]:
    """The ranges of days of ``period`` outside ``months`` (whole months inside it, in order)."""
    ranges, day = [], period.start
    for month in months:
        if day < month.start:
            ranges.append((day, month.start - timedelta(days=1)))
        day = month.end + timedelta(days=1)
    if day <= period.end:
        ranges.append((day, period.end))
    return ranges


def served_month_write(month: Period) -> None:
    """Replace the stored people served in ``month`` (one statement each way, inside the
    caller's transaction)."""
    ServedMonth.objects.filter(month=month.start).delete()
    link = Intervention.people.through
    ids_sql, ids_params = (
        link.objects.filter(intervention__occurred_on__range=(month.start, month.end))
        .values("person_id")
        .distinct()
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        # The table name is the model's; every value is a bound parameter.
        cursor.execute(
            f"INSERT INTO {ServedMonth._meta.db_table} (month, person_id) SELECT %s, served.person_id "  # noqa: S608
            f"FROM ({ids_sql}) AS served",
            [month.start, *ids_params],
        )


# Up to this many days, a period's new people are few enough to read only their milestones.
FEW_DAYS = 62


def new_people(period: Period) -> list[Figure]:
    """People whose first intake falls in the period, by every person dimension."""
    # No ordering: the people's default order would sort the subquery for nothing.
    ids = Person.objects.filter(first_intake_date__range=(period.start, period.end)).order_by().values("pk")
    few = period.days <= FEW_DAYS
    return figures("people", "new_people", person_rows(ids, period.end, few=few), PERSON_DIMENSIONS)


def people(period: Period) -> list[Figure]:
    return people_served(period) + new_people(period)


# --- Needs -----------------------------------------------------------------------------------------


def needs(period: Period) -> list[Figure]:
    identified = Need.objects.filter(identified_on__range=(period.start, period.end)).annotate(d_category=F("category"))
    return figures("needs", "needs_identified", identified, ["category"]) + figures(
        "needs", "needs_unmet", identified.filter(status=NeedStatus.UNMET_NO_RESOURCE), ["category"]
    )


# --- Referrals -------------------------------------------------------------------------------------


def median_seconds(queryset: QuerySet, since: str, until: str) -> tuple[int, int | None]:
    """How many rows have ``until`` set, and the median of ``until - since`` in seconds, found by
    the database (count, then the middle one or two rows in order)."""
    waits = (
        queryset.filter(**{f"{until}__isnull": False})
        .annotate(wait=ExpressionWrapper(F(until) - F(since), output_field=DurationField()))
        .order_by("wait")
        .values_list("wait", flat=True)
    )
    count = waits.count()
    if not count:
        return 0, None
    middle = list(waits[(count - 1) // 2 : count // 2 + 1])
    return count, round(sum(wait.total_seconds() for wait in middle) / len(middle))


def referrals(period: Period) -> list[Figure]:
    """Referrals sent in the period, and what became of them: accepted, declined by reason,
    expired; median times to the first response and to acceptance."""
    return referral_counts(period) + referral_medians(period)


def referral_counts(period: Period) -> list[Figure]:
    start, end = period.bounds()
    sent = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end).annotate(
        d_partner_kind=F("recipient__kind"), d_need_category=F("need_category")
    )
    result = figures("referrals", "referrals_sent", sent, ["partner_kind", "need_category"])
    result += figures(
        "referrals", "referrals_accepted", sent.filter(accepted_at__isnull=False), ["partner_kind", "need_category"]
    )
    declined = sent.filter(status=ReferralStatus.DECLINED).annotate(
        d_reason=F("decline_reason"), d_side=F("decline_side")
    )
    result += figures("referrals", "referrals_declined", declined, ["side", "reason"])
    result += figures("referrals", "referrals_expired", sent.filter(status=ReferralStatus.EXPIRED), ["partner_kind"])
    return result


def referral_medians(period: Period, months: Iterable[Period] = ()) -> list[Figure]:
    """Median times to the first response and to acceptance of the referrals sent in the period
    (and how many each rests on): not additive, always over the whole period (``months`` is
    not used: a median has no stored part)."""
    start, end = period.bounds()
    sent = Referral.objects.filter(sent_at__gte=start, sent_at__lt=end)
    result: list[Figure] = []
    for name, until in (("first_response", "first_response_at"), ("acceptance", "accepted_at")):
        count, median = median_seconds(sent, "sent_at", until)
        result.append(("referrals", f"{name}_n", "", "", count))
        if median is not None:
            result.append(("referrals", f"{name}_median_seconds", "", "", median))
    return result


# --- Housing ---------------------------------------------------------------------------------------


def housing(period: Period) -> list[Figure]:
    """Bed-nights and occupied bed-nights by site kind (from the nightly snapshots), stays ended
    by exit destination and their total length, unmet requests by household size, holds placed."""
    start, end = period.bounds()
    result: list[Figure] = []
    nights = (
        OccupancyNight.objects.filter(night__range=(period.start, period.end))
        .values("site_kind")
        .annotate(beds=Sum("beds"), occupied=Sum("occupied"))
        .order_by("site_kind")
    )
    for row in nights:
        result.append(("housing", "bed_nights", "site_kind", row["site_kind"], row["beds"]))
        result.append(("housing", "occupied_bed_nights", "site_kind", row["site_kind"], row["occupied"]))
    ended = Stay.objects.filter(checked_out_at__gte=start, checked_out_at__lt=end).annotate(
        d_exit_destination=F("exit_destination")
    )
    result += figures("housing", "stays_ended", ended, ["exit_destination"])
    length = ended.aggregate(
        total=Sum(ExpressionWrapper(F("checked_out_at") - F("checked_in_at"), output_field=DurationField()))
    )["total"]
    if length is not None:
        result.append(("housing", "stay_seconds_total", "", "", round(length.total_seconds())))
    sizes = [When(household_size__gte=5, then=Value("5_plus"))]
    sizes += [When(household_size=size, then=Value(str(size))) for size in (1, 2, 3, 4)]
    turned_away = UnmetHousingRequest.objects.filter(recorded_at__gte=start, recorded_at__lt=end).annotate(
        d_household_size=Case(*sizes, output_field=CharField())
    )
    result += figures("housing", "turn_aways", turned_away, ["household_size"])
    holds = Hold.objects.filter(created_at__gte=start, created_at__lt=end).annotate(d_site_kind=F("site__kind"))
    result += figures("housing", "holds_created", holds, ["site_kind"])
    return result


SECTION_FUNCTIONS = {
    "interventions": interventions,
    "people": people,
    "needs": needs,
    "referrals": referrals,
    "housing": housing,
}


# What does not add up over days: counted over the whole of an ad-hoc range (given the stored
# months inside it, which people served unites with the days around them), while the rest is
# the sum of the stored months inside it and of the days around them.
NOT_ADDITIVE = {"people": people_served, "referrals": referral_medians}
NOT_ADDITIVE_MEASURES = {
    "people",
    "first_response_n",
    "first_response_median_seconds",
    "acceptance_n",
    "acceptance_median_seconds",
}
ADDITIVE = {
    "interventions": interventions,
    "people": new_people,
    "needs": needs,
    "referrals": referral_counts,
    "housing": housing,
}


def section_figures(section: str, period: Period) -> list[Figure]:
    return SECTION_FUNCTIONS[section](period)


def all_figures(period: Period) -> list[Figure]:
    return [figure for section in SECTION_FUNCTIONS for figure in section_figures(section, period)]
