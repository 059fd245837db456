"""What the retention job works from and leaves behind: legal holds that stop it for a person,
its runs, and one record per row it anonymised or destroyed (ids and kinds only, never a value).

The periods themselves are settings (``settings.RETENTION_PERIODS``), read by ``retention.kinds``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from organisations.querysets import RestrictedQuerySet
from people.models import Person


class LegalHoldQuerySet(RestrictedQuerySet):
    def active(self) -> "LegalHoldQuerySet":
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """A legal hold on a person's file: while it is not lifted, the retention job neither
    anonymises nor destroys anything of that person (file, referrals, holds and stays, the audit
    entries that name them). Set and lifted by a privacy officer of the owning organisation, with a
    reason, both audited."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_holds", verbose_name=_("person"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set"), auto_now_add=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(lifted_at__isnull=True), name="one_active_legal_hold_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"legal hold {self.pk} on person {self.person_id}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class RetentionRun(models.Model):
    """One pass of the retention job over every kind of record. ``now`` is fixed when the run
    starts, so a run resumed after an interruption applies the same cut-off dates. At most one
    run is open at a time: two workers work on the same run, row by row."""

    now = models.DateTimeField(_("reference time"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    periods = models.JSONField(_("periods in force"), default=dict, help_text="Days per kind, as applied.")

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["status"], condition=Q(status="running"), name="one_running_retention_run")
        ]

    def __str__(self) -> str:
        return f"retention run {self.pk} ({self.status})"


class RetentionAction(models.TextChoices):
    ANONYMISED = "anonymised", _("Anonymisation")
    DESTROYED = "destroyed", _("Destruction")


class RetentionRecord(models.Model):
    """One row the retention job handled: its kind and id, what was done, in which run, and the
    organisation it belonged to. Written in the same transaction as the change itself, and unique
    per kind and id, so an interrupted or concurrent run never counts a row twice nor loses one.
    Holds no value of the row."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=12, choices=RetentionAction.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention record")
        verbose_name_plural = _("retention records")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_retention_record")]
        indexes = [models.Index(fields=["run", "kind"], name="retention_record_run_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} {self.action}"
