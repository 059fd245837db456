"""Report periods: a calendar month, a fiscal year (its first month is the setting
``REPORTS_FISCAL_YEAR_START_MONTH``) or a custom range, and the period each is compared with.

The fiscal year's first month is a setting, not a request parameter, on purpose: two fiscal years
starting one month apart would overlap in eleven months, and their difference would give a
month's figures without the month's suppression (docs/reports.md).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.models import PeriodKind

# A custom range longer than this would be slower than the dashboard promises (docs/reports.md).
MAX_CUSTOM_DAYS = 1100


def fiscal_start_month() -> int:
    return settings.REPORTS_FISCAL_YEAR_START_MONTH


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """An inclusive range of days with its kind (presets are stored, custom ranges computed)."""

    kind: str
    start: date
    end: date

    @property
    def is_preset(self) -> bool:
        return self.kind != PeriodKind.CUSTOM

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period this one is compared with: the month, fiscal year or equally long range
        just before."""
        if self.kind == PeriodKind.MONTH:
            return month_period(add_months(self.start, -1))
        if self.kind == PeriodKind.FISCAL_YEAR:
            return fiscal_year_period(self.start.year - 1)
        return Period(PeriodKind.CUSTOM, self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def months(self) -> list["Period"]:
        """The calendar months this period touches, in order."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(month_period(day))
            day = add_months(day, 1)
        return months

    def bounds(self) -> tuple[datetime, datetime]:
        """Start of the first day and start of the day after the last, in local time."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.kind == PeriodKind.FISCAL_YEAR:
            return _("Fiscal year %(first)s–%(last)s") % {"first": self.start.year, "last": self.end.year}
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "DATE_FORMAT"),
            "end": date_format(self.end, "DATE_FORMAT"),
        }

    def query(self) -> dict[str, str]:
        """The request parameters that select this period."""
        if self.kind == PeriodKind.MONTH:
            return {"period": "month", "month": self.start.strftime("%Y-%m")}
        if self.kind == PeriodKind.FISCAL_YEAR:
            return {"period": "fiscal_year", "year": str(self.start.year)}
        return {"period": "custom", "start": self.start.isoformat(), "end": self.end.isoformat()}


def month_period(day: date) -> Period:
    first = day.replace(day=1)
    return Period(PeriodKind.MONTH, first, add_months(first, 1) - timedelta(days=1))


def fiscal_year_period(year: int) -> Period:
    """The fiscal year that starts in ``year``."""
    first = date(year, fiscal_start_month(), 1)
    return Period(PeriodKind.FISCAL_YEAR, first, add_months(first, 12) - timedelta(days=1))


def fiscal_year_of(day: date) -> Period:
    year = day.year if day.month >= fiscal_start_month() else day.year - 1
    return fiscal_year_period(year)


def this_month() -> Period:
    return month_period(timezone.localdate())


def custom_period(start: date, end: date) -> Period:
    return Period(PeriodKind.CUSTOM, start, end)
