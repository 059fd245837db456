"""The retention job and the legal hold.

The job walks each kind of record (``KINDS``) and anonymises or destroys what is past its period
(``settings.RETENTION_PERIODS``, in days). What it may do is bounded by the reports: every row a
stored figure or a recomputed one counts (people, interventions, needs, milestones, referrals,
holds, stays) is **anonymised**, never deleted — its names, contact details and free text go, the
coded fields the figures are computed from stay — so recomputing any period gives the same
figures. Only what no figure counts is **destroyed** (notifications, old audit entries).

Safety: each batch is one transaction that locks its rows (``SELECT … FOR UPDATE SKIP LOCKED``,
so a second worker takes other rows), changes them, writes one ``RetentionRecord`` per row
(unique per kind and id) and one audit entry per organisation, all or nothing. A run interrupted
half way leaves whole batches done and recorded; the next call resumes the same run (same
reference time, so the same cut-offs) from the rows not yet recorded. Counts are counted from the
records, so nothing is lost or counted twice.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.models import BedAllocation, Hold, Stay
from notifications.models import Notification
from organisations.audit import audit_record
from organisations.errors import ApplicationError, NotFoundError
from organisations.models import AuditEntry, Organisation
from organisations.permissions import organisation_ids_with_permission
from people.models import Consent, Household, Intervention, Milestone, Need, Person
from plumbing.jobs import periodic_job
from privacy.models import ConfidentialityIncident, EmergencyCommunication, PrivacyRequest, Rectification
from referrals.choices import CLOSED_STATUSES
from referrals.models import Referral, ReferralEvent, ReferralGroupObjectPermission, ReferralMessage
from retention.models import LegalHold, RetentionAction, RetentionRecord, RetentionRun, RunStatus

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Kind:
    """A kind of record with a retention period: which rows are due for a cut-off time, the
    field that names their organisation, and what is done to a batch of them (locked ids, with
    the cut-off time)."""

    name: str
    label: str
    action: str
    due: Callable[[datetime], QuerySet]
    organisation_field: str
    apply: Callable[[list[int], datetime], None]
    available: Callable[[], bool] = lambda: True


def _held_people() -> QuerySet:
    return LegalHold.objects.active().values("person_id")


def _handled(kind: str) -> QuerySet:
    return RetentionRecord.objects.filter(kind=kind).values("object_id")


# --- people's files --------------------------------------------------------------------------


def _people_due(cutoff: datetime) -> QuerySet:
    """Files with no activity since ``cutoff``: not changed, no intervention, no referral moved,
    no stay or hold open or ended since (their own or their household's), and no legal hold."""
    day = timezone.localdate(cutoff)
    recent_stay = Q(checked_out_at__isnull=True) | Q(checked_out_at__gte=cutoff)
    recent_hold = Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff)
    return (
        Person.objects.filter(updated_at__lt=cutoff, first_intake_date__lt=day)
        .exclude(pk__in=_held_people())
        .exclude(pk__in=_handled("person"))
        .exclude(
            Exists(
                Intervention.people.through.objects.filter(person=OuterRef("pk"), intervention__occurred_on__gte=day)
            )
        )
        .exclude(
            Exists(
                Referral.objects.filter(
                    Q(updated_at__gte=cutoff) | ~Q(status__in=CLOSED_STATUSES), person=OuterRef("pk")
                )
            )
        )
        .exclude(Exists(Stay.objects.filter(recent_stay, person=OuterRef("pk"))))
        .exclude(Exists(Stay.objects.filter(recent_stay, household__isnull=False, household=OuterRef("household"))))
        .exclude(Exists(Hold.objects.filter(recent_hold, person=OuterRef("pk"))))
        .exclude(Exists(Hold.objects.filter(recent_hold, household__isnull=False, household=OuterRef("household"))))
    )


def _people_anonymise(ids: list[int], cutoff: datetime | None = None) -> None:
    """Take out names, contact details and free text of the files and everything written about
    them; keep the coded fields the reports count (birth date for the age band, gender codes,
    language, intake, pathway, milestones' kinds and dates) and every row the figures count."""
    Person.objects.filter(pk__in=ids).update(
        given_names="",
        family_names=Concat(Value("#"), Cast("pk", CharField())),
        name_key="",
        sound_key="",
        gender_self_described="",
        other_languages=[],
        phone="",
        phone_digits="",
        email="",
        address="",
        notes="",
        # The number in the hub's former register (people.imports) names the person there.
        external_reference="",
    )
    Consent.objects.filter(person__in=ids).update(given_by_name="")
    Need.objects.filter(person__in=ids).update(note="")
    Milestone.objects.filter(person__in=ids).update(note="")
    Intervention.objects.filter(people__in=ids).update(note="")
    referrals = list(Referral.objects.filter(person__in=ids).values_list("pk", flat=True))
    _referrals_close_to_partners(referrals)
    Referral.objects.filter(pk__in=referrals).update(reason="", outcome="")
    ReferralEvent.objects.filter(referral__in=referrals).update(note="")
    holds = list(Hold.objects.filter(person__in=ids).values_list("pk", flat=True))
    _holds_anonymise(holds)
    stays = Stay.objects.filter(person__in=ids).values("pk")
    BedAllocation.objects.filter(stay__in=stays).update(reason="")
    # The privacy registers keep that something happened, when and by whom; what it said of the
    # person goes with the file.
    Rectification.objects.filter(person__in=ids).update(old_value="", new_value="", reason="")
    EmergencyCommunication.objects.filter(person__in=ids).update(information="", reason="")
    PrivacyRequest.objects.filter(person__in=ids).update(representative_name="", note="")
    _notifications_about(Person, ids).delete()
    _notifications_about(Referral, referrals).delete()
    # A household's name is its family name: it goes with its last member's file.
    done = RetentionRecord.objects.filter(kind="person").values("object_id")
    Household.objects.filter(members__in=ids).exclude(
        Exists(Person.objects.filter(household=OuterRef("pk")).exclude(pk__in=ids).exclude(pk__in=done))
    ).update(name=Concat(Value("#"), Cast("pk", CharField())))


def _notifications_about(model, ids: list[int]) -> QuerySet:
    from django.contrib.contenttypes.models import ContentType

    return Notification.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)


# --- referrals at partners -------------------------------------------------------------------


def _referrals_at_partners_due(cutoff: datetime) -> QuerySet:
    return (
        Referral.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=cutoff)
        .exclude(person__in=_held_people())
        .exclude(pk__in=_handled("referral_at_partner"))
    )


def _referrals_close_to_partners(ids: list[int], cutoff: datetime | None = None) -> None:
    """The partner's copy ends: its grant goes (the referral is a 404 for it from then on) and
    so does the thread both sides wrote in. The row stays: the reports count it."""
    ReferralGroupObjectPermission.objects.filter(content_object__in=ids).delete()
    ReferralMessage.objects.filter(referral__in=ids).delete()
    _notifications_about(Referral, ids).delete()


# --- holds -----------------------------------------------------------------------------------


def _holds_due(cutoff: datetime) -> QuerySet:
    return (
        Hold.objects.filter(ended_at__lt=cutoff)
        .exclude(person__in=_held_people())
        .exclude(household__members__in=_held_people())
        .exclude(pk__in=_handled("hold"))
    )


def _holds_anonymise(ids: list[int], cutoff: datetime | None = None) -> None:
    """A hold keeps its site, dates and status (the reports count holds placed); its code and
    the written reason for overriding the site's rules go, with its beds' notes."""
    Hold.objects.filter(pk__in=ids).update(code="", override_reason="")
    BedAllocation.objects.filter(hold__in=ids).update(reason="")


# --- confidentiality incidents ---------------------------------------------------------------


def _incidents_due(cutoff: datetime) -> QuerySet:
    """Incidents known before the cut-off (5 years by default) and past their ``keep_until``."""
    return ConfidentialityIncident.objects.filter(
        known_on__lt=timezone.localdate(cutoff), keep_until__lt=timezone.localdate()
    )


def _incidents_destroy(ids: list[int], cutoff: datetime | None = None) -> None:
    ConfidentialityIncident.objects.filter(pk__in=ids).delete()


# --- notifications ---------------------------------------------------------------------------


def _notifications_due(cutoff: datetime) -> QuerySet:
    return Notification.objects.filter(created_at__lt=cutoff)


def _notifications_destroy(ids: list[int], cutoff: datetime | None = None) -> None:
    Notification.objects.filter(pk__in=ids).delete()


# --- audit entries ---------------------------------------------------------------------------


def audit_purge_allowed() -> bool:
    """Whether this connection may delete audit entries. The application's database role may not
    (docs/deployment.md): the worker then leaves them, and ``manage.py retention`` run as the
    tables' owner purges them."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege(current_user, %s, 'DELETE')", [AuditEntry._meta.db_table])
        return bool(cursor.fetchone()[0])


def _audit_due(cutoff: datetime) -> QuerySet:
    held = [str(pk) for pk in LegalHold.objects.active().values_list("person_id", flat=True)]
    return AuditEntry.objects.filter(at__lt=cutoff).exclude(object_type="people.person", object_id__in=held)


def _audit_destroy(ids: list[int], cutoff: datetime) -> None:
    """Delete past the append-only guards: the queryset's (raw delete) and, on PostgreSQL, the
    trigger's, which lets a DELETE through only for rows older than the cut-off set for this
    transaction (retention migration 0002)."""
    queryset = AuditEntry.objects.filter(pk__in=ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('passerelle.audit_purge_before', %s, true)", [cutoff.isoformat()])
    queryset._raw_delete(queryset.db)


KINDS = [
    Kind("person", _("Person files"), RetentionAction.ANONYMISED, _people_due, "owner_id", _people_anonymise),
    Kind(
        "referral_at_partner",
        _("Referrals at partners"),
        RetentionAction.ANONYMISED,
        _referrals_at_partners_due,
        "sender_id",
        _referrals_close_to_partners,
    ),
    Kind("hold", _("Bed holds"), RetentionAction.ANONYMISED, _holds_due, "organisation_id", _holds_anonymise),
    Kind(
        "incident",
        _("Confidentiality incidents"),
        RetentionAction.DESTROYED,
        _incidents_due,
        "organisation_id",
        _incidents_destroy,
    ),
    Kind(
        "notification",
        _("Notifications"),
        RetentionAction.DESTROYED,
        _notifications_due,
        "organisation_id",
        _notifications_destroy,
    ),
    Kind(
        "audit",
        _("Audit entries"),
        RetentionAction.DESTROYED,
        _audit_due,
        "organisation_id",
        _audit_destroy,
        audit_purge_allowed,
    ),
]
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def periods_in_force() -> dict[str, int]:
    """Days of retention per kind, from the settings."""
    return {kind.name: int(settings.RETENTION_PERIODS[kind.name]) for kind in KINDS}


def _run_open() -> RetentionRun:
    """The run in progress (an interrupted one is resumed as it was), or a new one."""
    run = RetentionRun.objects.filter(status=RunStatus.RUNNING).first()
    if run is not None:
        return run
    now = timezone.now()
    try:
        with transaction.atomic():
            return RetentionRun.objects.create(now=now, started_at=now, periods=periods_in_force())
    except IntegrityError:
        # Another worker opened it between our read and our insert: work on that one.
        return RetentionRun.objects.get(status=RunStatus.RUNNING)


def _cutoff(run: RetentionRun, kind: Kind) -> datetime:
    return run.now - timedelta(days=run.periods.get(kind.name, periods_in_force()[kind.name]))


def _batch(run: RetentionRun, kind: Kind, batch_size: int) -> int:
    """Lock, change and record one batch of due rows; returns how many (0: none left to take)."""
    cutoff = _cutoff(run, kind)
    with transaction.atomic():
        rows = list(
            kind.due(cutoff)
            .order_by("pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", kind.organisation_field)[:batch_size]
        )
        # A row another worker handled and committed while this one waited for its lock passes
        # the due filter (read before that commit): this read, after the lock, sees its record.
        handled = set(
            RetentionRecord.objects.filter(kind=kind.name, object_id__in=[pk for pk, _ in rows]).values_list(
                "object_id", flat=True
            )
        )
        rows = [(pk, organisation) for pk, organisation in rows if pk not in handled]
        if not rows:
            return 0
        ids = [pk for pk, _organisation in rows]
        kind.apply(ids, cutoff)
        RetentionRecord.objects.bulk_create(
            [
                RetentionRecord(run=run, kind=kind.name, object_id=pk, action=kind.action, organisation_id=organisation)
                for pk, organisation in rows
            ]
        )
        by_organisation = defaultdict(list)
        for pk, organisation in rows:
            by_organisation[organisation].append(pk)
        organisations = Organisation.objects.in_bulk([pk for pk in by_organisation if pk is not None])
        for organisation, organisation_ids in by_organisation.items():
            audit_record(
                actor=None,
                organisation=organisations.get(organisation),
                action=f"retention.{kind.name}.{kind.action}",
                details={"run": run.pk, "count": len(organisation_ids), "ids": organisation_ids},
            )
    return len(rows)


def _finish_if_done(run: RetentionRun) -> None:
    """Close the run once no kind has a due row left, counting rows another worker still holds
    locked (they are not yet recorded), so the run closes only when the last batch committed."""
    for kind in KINDS:
        if kind.available() and kind.due(_cutoff(run, kind)).exists():
            return
    RetentionRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FINISHED, finished_at=timezone.now()
    )


def retention_apply(*, batch_size: int | None = None, progress: Callable[[str, int, str], None] | None = None) -> int:
    """Anonymise or destroy, kind by kind, every row past its retention period; returns how many
    rows this call handled. ``progress(kind, handled so far, action)`` is called after each batch."""
    batch_size = batch_size or settings.RETENTION_BATCH_SIZE
    run = _run_open()
    handled = 0
    for kind in KINDS:
        if not kind.available():
            logger.info("Retention: %s left for the database owner's purge", kind.name)
            continue
        done = 0
        while count := _batch(run, kind, batch_size):
            done += count
            if progress is not None:
                progress(kind.name, done, kind.action)
        handled += done
    _finish_if_done(run)
    return handled


@periodic_job("retention.apply", every=timedelta(hours=6))
def retention_apply_job() -> int:
    return retention_apply()


# --- legal holds -----------------------------------------------------------------------------


def legal_hold_set(*, actor, person_id: int, reason: str) -> LegalHold:
    """Put a person's file under legal hold: a privacy officer of the owning organisation, with a
    reason. The audit entry names the person and the hold, not the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for the legal hold."), code="reason_required")
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(_("The reason is too long."), code="reason_too_long")
    with transaction.atomic():
        person = (
            Person.objects.filter(pk=person_id, owner_id__in=organisation_ids_with_permission(actor, "view_audit"))
            .select_for_update()
            .first()
        )
        if person is None:
            raise NotFoundError()
        if LegalHold.objects.active().filter(person=person).exists():
            raise ApplicationError(_("This file is already under a legal hold."), code="already_held")
        hold = LegalHold.objects.create(person=person, organisation=person.owner, reason=reason, set_by=actor)
        audit_record(
            actor=actor,
            organisation=person.owner,
            action="retention.legal_hold.set",
            obj=hold,
            details={"person": person.pk},
        )
    return hold


def legal_hold_lift(*, actor, hold: LegalHold) -> LegalHold:
    """Lift a legal hold; the retention job applies to the file again from its next run."""
    with transaction.atomic():
        locked = LegalHold.objects.restrict(actor, "view").active().filter(pk=hold.pk).select_for_update().first()
        if locked is None:
            raise NotFoundError()
        locked.lifted_by = actor
        locked.lifted_at = timezone.now()
        locked.save(update_fields=["lifted_by", "lifted_at"])
        audit_record(
            actor=actor,
            organisation=locked.organisation,
            action="retention.legal_hold.lifted",
            obj=locked,
            details={"person": locked.person_id},
        )
    return locked
