"""Notifications about holds and stays: the kinds, and the reminder jobs (hold expiring in 30
minutes, stay ending in 2 days).

Who is told: the person who placed the hold (and, for a stay, whoever recorded the arrival), each
kept by ``notifications.services.notify`` only while they may open the hold or stay — the placing
hub and the hosting provider, never a partner's whole staff. No person's name goes in the text:
emails leave the platform.
"""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.choices import HoldStatus, StayStatus
from housing.models import Hold, Stay
from notifications.kinds import NotificationKind, register_kind
from notifications.models import Delivery
from notifications.services import notify
from plumbing.jobs import for_each_row_locked, periodic_job

HOLD_EXPIRING = "hold_expiring"
HOLD_EXPIRED = "hold_expired"
STAY_ENDING = "stay_ending"

HOLD_WARNING = timedelta(minutes=30)
STAY_WARNING = timedelta(days=2)


def _site_url(notification) -> str:
    site_id = notification.params.get("site_id")
    return reverse("housing:site", args=[site_id]) if site_id else ""


def _when(params, key) -> str:
    value = datetime.fromisoformat(params[key])
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


register_kind(
    NotificationKind(
        code=HOLD_EXPIRING,
        label=gettext_lazy("Hold expiring in 30 minutes"),
        model=Hold,
        text=lambda p: (
            _("Your hold of %(beds)s bed(s) at %(site)s ends at %(time)s unless the household arrives.")
            % {"beds": p["beds"], "site": p["site"], "time": _when(p, "expires_at")}
        ),
        url=_site_url,
        default=Delivery.EMAIL,
    )
)
register_kind(
    NotificationKind(
        code=HOLD_EXPIRED,
        label=gettext_lazy("Hold expired"),
        model=Hold,
        text=lambda p: (
            _("Your hold of %(beds)s bed(s) at %(site)s has expired: the beds are free again.")
            % {"beds": p["beds"], "site": p["site"]}
        ),
        url=_site_url,
    )
)
register_kind(
    NotificationKind(
        code=STAY_ENDING,
        label=gettext_lazy("Stay ending in 2 days"),
        model=Stay,
        text=lambda p: _("A stay at %(site)s ends on %(time)s.") % {"site": p["site"], "time": _when(p, "ends_at")},
        url=_site_url,
        default=Delivery.EMAIL,
    )
)


def _hold_params(hold: Hold) -> dict:
    return {
        "site": hold.site.name,
        "site_id": hold.site_id,
        "beds": hold.allocations.filter(moved_out_by__isnull=True).count(),
        "expires_at": hold.expires_at.isoformat(),
    }


def notify_hold_expired(hold: Hold) -> None:
    """Called by the hold expiry job inside its transaction."""
    notify(
        kind=HOLD_EXPIRED,
        subject=hold,
        recipients=[hold.held_by],
        organisation=hold.organisation,
        occasion="expired",
        params=_hold_params(hold),
    )


def _occasion(moment: datetime) -> str:
    # A hold or stay whose end moves gets a reminder for its new end.
    return f"end:{int(moment.timestamp())}"


@periodic_job("housing.remind_holds_expiring", every=timedelta(minutes=1))
def hold_remind_expiring(batch_size: int = 100, now: datetime | None = None) -> int:
    """Warn whoever placed a hold that ends within 30 minutes. Idempotent (one reminder per hold
    end, unique in the database), safe with two workers (SKIP LOCKED), catches up after downtime
    for the holds still active."""
    now = now or timezone.now()
    due = Hold.objects.filter(status=HoldStatus.ACTIVE, expires_at__gt=now, expires_at__lte=now + HOLD_WARNING)
    return _remind(due, batch_size, lambda hold: (HOLD_EXPIRING, [hold.held_by], _hold_params(hold), hold.expires_at))


@periodic_job("housing.remind_stays_ending", every=timedelta(minutes=15))
def stay_remind_ending(batch_size: int = 100, now: datetime | None = None) -> int:
    """Warn whoever recorded the arrival and whoever placed the hold of a stay that ends within
    two days; same guarantees as the hold reminder."""
    now = now or timezone.now()
    due = Stay.objects.filter(status=StayStatus.ACTIVE, planned_end_at__gt=now, planned_end_at__lte=now + STAY_WARNING)

    def reminder(stay):
        recipients = [stay.recorded_by, stay.hold.held_by if stay.hold_id else None]
        params = {"site": stay.site.name, "site_id": stay.site_id, "ends_at": stay.planned_end_at.isoformat()}
        return STAY_ENDING, recipients, params, stay.planned_end_at

    return _remind(due, batch_size, reminder)


def _remind(due, batch_size: int, reminder) -> int:
    """Notify once per occasion for each due row, each row in a short transaction with its row
    locked (SKIP LOCKED)."""

    def remind(row) -> int:
        kind, recipients, params, end = reminder(row)
        notified = notify(
            kind=kind,
            subject=row,
            recipients=recipients,
            organisation=row.organisation,
            occasion=_occasion(end),
            params=params,
        )
        return len(notified)

    return for_each_row_locked(due.select_related("site"), remind, batch_size)
