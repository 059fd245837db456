"""The reports API's input (which period) and output (tables of codes and counts, never a person).

A count a suppressed viewer may not see is ``null`` with its ``display`` ("<5" for 1 to 4, "x" for
a cell hidden so that a small one cannot be worked out): the number itself never leaves the server.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organisations.api import strict
from organisations.api.exceptions import RuleError
from organisations.validators import PlausibleDateValidator
from reports.periods import MAX_CUSTOM_DAYS, custom_period, fiscal_year_of, fiscal_year_period, month_period

# The days a custom range may cover: the years ``year`` takes.
REPORT_DAYS = PlausibleDateValidator(earliest=date(2000, 1, 1), latest=date(2100, 12, 31))


class PeriodQuerySerializer(serializers.Serializer):
    """Which period: a month (this month when nothing is given), a fiscal year or, for the hub's
    coordinators, a custom range. It is compared with the period just before."""

    period = serializers.ChoiceField(
        choices=[("month", _("Month")), ("fiscal_year", _("Fiscal year")), ("custom", _("Custom range"))],
        default="month",
    )
    # The years are those ``year`` takes: a month of year 0 or 9999 has no month before or after.
    month = strict.RegexField(
        r"\A(20[0-9]{2}|2100)-(0[1-9]|1[0-2])\Z",
        required=False,
        help_text="With `period=month`: YYYY-MM, from 2000-01 to 2100-12 (default: this month).",
    )
    year = serializers.IntegerField(
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="With `period=fiscal_year`: the year it starts in (default: the current fiscal year).",
    )
    start = serializers.DateField(
        required=False, validators=[REPORT_DAYS], help_text="With `period=custom`: first day (from 2000-01-01)."
    )
    end = serializers.DateField(
        required=False,
        validators=[REPORT_DAYS],
        help_text="With `period=custom`: last day (inclusive, until 2100-12-31).",
    )

    def validate(self, data):
        today = timezone.localdate()
        kind = data["period"]
        if kind == "month":
            if "month" in data:
                year, month = (int(part) for part in data["month"].split("-"))
                data["resolved"] = month_period(date(year, month, 1))
            else:
                data["resolved"] = month_period(today)
        elif kind == "fiscal_year":
            data["resolved"] = fiscal_year_period(data["year"]) if "year" in data else fiscal_year_of(today)
        else:
            errors = {name: _("Give the first and the last day.") for name in ("start", "end") if name not in data}
            if errors:
                raise RuleError(errors)
            if data["end"] < data["start"]:
                raise RuleError({"end": _("The last day comes before the first.")})
            if (data["end"] - data["start"]).days + 1 > MAX_CUSTOM_DAYS:
                raise RuleError({"end": _("A custom range is at most %(days)s days.") % {"days": MAX_CUSTOM_DAYS}})
            data["resolved"] = custom_period(data["start"], data["end"])
        return data


class PeriodSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["month", "fiscal_year", "custom"])
    start = serializers.DateField()
    end = serializers.DateField()
    label = strict.CharField()


class ComparedCountSerializer(serializers.Serializer):
    value = serializers.FloatField(allow_null=True, help_text="`null` when hidden (see `display`).")
    display = strict.CharField(help_text='The figure as shown: a number, "<5" (1 to 4) or "x" (hidden).')
    previous_value = serializers.FloatField(allow_null=True)
    previous_display = strict.CharField()


class RowSerializer(ComparedCountSerializer):
    code = strict.CharField()
    label = strict.CharField()


class TableSerializer(serializers.Serializer):
    key = strict.CharField()
    measure = strict.CharField()
    dimension = strict.CharField(allow_blank=True, help_text="Empty for a total on its own.")
    title = strict.CharField()
    rows = RowSerializer(many=True)
    total = ComparedCountSerializer()


class DerivedFigureSerializer(ComparedCountSerializer):
    key = strict.CharField()
    title = strict.CharField()


class SectionReportSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=["interventions", "people", "needs", "referrals", "housing"])
    title = strict.CharField()
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    suppressed = serializers.BooleanField(help_text="Whether small counts are hidden in this answer.")
    computed_at = serializers.DateTimeField(allow_null=True, help_text="When these figures were counted.")
    tables = TableSerializer(many=True)
    figures = DerivedFigureSerializer(many=True, help_text="Medians, averages and rates.")


class PointSerializer(serializers.Serializer):
    month = serializers.DateField()
    label = strict.CharField()
    value = serializers.IntegerField(allow_null=True)
    display = strict.CharField()


class SeriesSerializer(serializers.Serializer):
    measure = strict.CharField()
    title = strict.CharField()
    points = PointSerializer(many=True)


class TimeSeriesSerializer(serializers.Serializer):
    period = PeriodSerializer()
    suppressed = serializers.BooleanField()
    series = SeriesSerializer(many=True)


class CounterSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True, help_text="`null` when 1 to 4 for a suppressed viewer.")
    display = strict.CharField(help_text='The figure as shown: a number or "<5".')


class BedStatusCellsSerializer(serializers.Serializer):
    out_of_service = CounterSerializer()
    occupied = CounterSerializer()
    held = CounterSerializer()
    available = CounterSerializer()


class OccupancySerializer(serializers.Serializer):
    """Figures of the moment, never a person: beds by site kind and status, holds and stays now,
    unmet housing requests today and this month. Suppressed viewers get the hour's snapshot,
    rounded to 5 with 1–4 as "<5"."""

    at = serializers.DateTimeField(help_text="When these figures were counted (the hour's snapshot if suppressed).")
    date = serializers.DateField()
    suppressed = serializers.BooleanField(help_text="Whether the figures are rounded and small counts hidden.")
    beds_by_site_kind = serializers.DictField(
        child=BedStatusCellsSerializer(), help_text="Keyed by site kind (emergency, short_term, transitional)."
    )
    beds_free = CounterSerializer()
    bed_allocations_now = CounterSerializer()
    active_holds = CounterSerializer()
    active_stays = CounterSerializer()
    interventions_today = CounterSerializer()
    unmet_requests_today = CounterSerializer()
    unmet_requests_this_month = CounterSerializer()


class LiveCountersSerializer(serializers.Serializer):
    date = serializers.DateField()
    interventions_today = CounterSerializer()
    beds_free = CounterSerializer()
    active_holds = CounterSerializer()
    unmet_requests_today = CounterSerializer()
