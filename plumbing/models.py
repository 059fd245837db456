"""The ground floor's two tables: per-key stream versions (live updates) and the schedule of
periodic jobs (background work)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StreamVersion(models.Model):
    """The current version of one key of one live stream (``housing.availability`` / site 12).

    Bumped inside the transaction of every change published on the key, so versions are strictly
    increasing in commit order; clients compare them to notice a lost message and resynchronise.
    """

    stream = models.CharField(_("stream"), max_length=64)
    key = models.CharField(_("key"), max_length=64)
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("stream version")
        verbose_name_plural = _("stream versions")
        constraints = [models.UniqueConstraint(fields=["stream", "key"], name="unique_stream_key")]

    def __str__(self) -> str:
        return f"{self.stream}/{self.key}@{self.version}"


class ScheduledJob(models.Model):
    """When a registered periodic job next runs, and how its last run went.

    A worker claims a due run by moving ``next_run_at`` forward in one conditional UPDATE, so two
    workers never start the same run; the job itself claims its rows with SKIP LOCKED.
    """

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
