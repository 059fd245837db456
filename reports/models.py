"""Stored figures of the preset periods (calendar months and fiscal years), the nightly bed
occupancy, and the state of the jobs that keep them fresh.

Why store figures: counting a year of interventions, or the distinct people they served, from the
domain tables takes seconds at the hub's scale; a dashboard must answer in milliseconds. Distinct
people are not additive (a person served in March and in April is one person in the year), so a
fiscal year is never summed from its months: each preset period stores its own exact figures,
computed by the same SQL as an ad-hoc range (``reports.compute``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.suppression import SHOWN


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    FISCAL_YEAR = "fiscal_year", _("Fiscal year")
    CUSTOM = "custom", _("Custom range")


class RollupPeriod(models.Model):
    """A preset period whose figures are stored, and when they were last computed."""

    kind = models.CharField(max_length=16, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField(help_text="Inclusive.")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored report period")
        verbose_name_plural = _("stored report periods")
        constraints = [models.UniqueConstraint(fields=["kind", "start"], name="unique_rollup_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}–{self.end}"


class RollupFigure(models.Model):
    """One stored count of a period: ``measure`` (interventions, people…) broken down by
    ``dimension`` (empty for the total) into ``value`` (a code, never a person)."""

    period = models.ForeignKey(RollupPeriod, on_delete=models.CASCADE, related_name="figures")
    section = models.CharField(max_length=20)
    measure = models.CharField(max_length=40)
    dimension = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=40, blank=True)
    count = models.BigIntegerField()
    status = models.CharField(
        max_length=8,
        default=SHOWN,
        help_text="For viewers outside the hub: shown, small (1–4, shown as <5) or hidden (x), decided with "
        "the whole fiscal year when the figures are stored (reports.suppression).",
    )

    class Meta:
        verbose_name = _("stored figure")
        verbose_name_plural = _("stored figures")
        indexes = [models.Index(fields=["period", "section"], name="rollup_figure_section_idx")]

    def __str__(self) -> str:
        return f"{self.measure}/{self.dimension}/{self.value}: {self.count}"


class OccupancyNight(models.Model):
    """Beds and occupied beds of one site kind on one night (at 23:00 local time), written once
    the night is over by the rollup job: the base of the nightly occupancy rate."""

    night = models.DateField()
    site_kind = models.CharField(max_length=20)
    beds = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("night of occupancy")
        verbose_name_plural = _("nights of occupancy")
        constraints = [models.UniqueConstraint(fields=["night", "site_kind"], name="unique_occupancy_night")]

    def __str__(self) -> str:
        return f"{self.night} {self.site_kind}: {self.occupied}/{self.beds}"


class ReportState(models.Model):
    """What a reports job remembers between runs: the rollup watermark (changes after it are not
    yet in the stored figures) and the live counters last published."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("reports job state")
        verbose_name_plural = _("reports job states")

    def __str__(self) -> str:
        return self.name


class ServedMonth(models.Model):
    """A person served in at least one intervention of a calendar month (``month``: its first
    day), written with the month's stored figures by the rollup job (``reports.services``).

    Distinct people do not add up over months, but sets unite: the people served over a custom
    range are exactly the union of these rows for the whole months inside it and of the people
    of the interventions of the days around them (``reports.compute.people_served``). A plain
    integer rather than a foreign key: a month's rows are written in bulk by one statement, and a
    person since deleted is left out by the join to the people table. No name, only the id."""

    month = models.DateField()
    person_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "person_id"], name="unique_served_month_person")]

    def __str__(self) -> str:
        return f"{self.month} {self.person_id}"
