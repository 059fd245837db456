"""Reads for the privacy officer's retention page: the periods in force, what the job did in the
organisations the reader audits, and the files under legal hold there."""

from dataclasses import dataclass, field

from django.db.models import Count

from organisations.audit import audit_read
from organisations.errors import NotFoundError
from organisations.permissions import organisation_ids_with_permission
from retention import services
from retention.models import LegalHold, RetentionAction, RetentionRecord, RetentionRun

RUNS_SHOWN = 20


@dataclass
class RunSummary:
    """One run and, for the reader's organisations, how many rows of each kind it handled."""

    run: RetentionRun
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (kind label, action, count)

    @property
    def total(self) -> int:
        return sum(count for _label, _action, count in self.counts)


def require_privacy_officer(*, user) -> set[int]:
    """The organisations whose audit log ``user`` reads; none is a 404."""
    organisations = organisation_ids_with_permission(user, "view_audit")
    if not organisations:
        raise NotFoundError()
    return organisations


def periods_in_force() -> list[tuple[str, str, int]]:
    """(kind label, what is done, days) for every kind, as the settings say now."""
    days = services.periods_in_force()
    return [(kind.label, RetentionAction(kind.action).label, days[kind.name]) for kind in services.KINDS]


def run_summaries(*, user) -> list[RunSummary]:
    runs = list(RetentionRun.objects.all()[:RUNS_SHOWN])
    labels = {kind.name: kind.label for kind in services.KINDS}
    summaries = {run.pk: RunSummary(run=run) for run in runs}
    counts = (
        RetentionRecord.objects.restrict(user, "view")
        .filter(run__in=summaries)
        .values("run", "kind", "action")
        .annotate(count=Count("id"))
        .order_by()
    )
    order = {kind.name: number for number, kind in enumerate(services.KINDS)}
    for row in sorted(counts, key=lambda row: (row["run"], order.get(row["kind"], len(order)))):
        summaries[row["run"]].counts.append(
            (labels.get(row["kind"], row["kind"]), RetentionAction(row["action"]).label, row["count"])
        )
    return list(summaries.values())


def legal_holds(*, user) -> list[LegalHold]:
    """Files under legal hold in the reader's organisations; showing a name is a read of the
    person's data, so each is audited."""
    holds = list(LegalHold.objects.restrict(user, "view").active().select_related("person", "set_by"))
    for hold in holds:
        audit_read(actor=user, organisation=hold.organisation, obj=hold.person, what="retention.legal_hold")
    return holds


def legal_hold_get(*, user, legal_hold_id: int) -> LegalHold:
    hold = LegalHold.objects.restrict(user, "view").active().filter(pk=legal_hold_id).first()
    if hold is None:
        raise NotFoundError()
    return hold


def audit_purge_allowed() -> bool:
    return services.audit_purge_allowed()
