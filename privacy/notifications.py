"""The reminder that an access or portability request is due: a few days before its 30-day
deadline, the one who recorded it (while they may still open it) and the organisation's other
privacy managers are told. The text names the date, not the person: emails leave the platform."""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.kinds import NotificationKind, register_kind
from notifications.models import Delivery
from notifications.services import notify
from organisations.permissions import users_with_organisation_permission
from plumbing.jobs import for_each_row_locked, periodic_job
from privacy.models import PrivacyRequest
from privacy.selectors import requests_due

PRIVACY_REQUEST_DUE = "privacy_request_due"
# How many days before its deadline an open request is reminded.
REQUEST_WARNING_DAYS = 5


def register() -> None:
    """Register the notification kind (from ``PrivacyConfig.ready``)."""
    register_kind(
        NotificationKind(
            code=PRIVACY_REQUEST_DUE,
            label=gettext_lazy("Privacy request due soon"),
            model=PrivacyRequest,
            text=lambda p: (
                _("An access or portability request must be answered by %(date)s.")
                % {"date": date_format(date.fromisoformat(p["due_on"]), "DATE_FORMAT")}
            ),
            url=lambda notification: reverse("privacy:request", args=[notification.object_id]),
            default=Delivery.EMAIL,
            locked=True,
        )
    )


@periodic_job("privacy.remind_requests_due", every=timedelta(hours=1))
def request_remind_due(batch_size: int = 100, now: datetime | None = None) -> int:
    """Remind about open requests due within ``REQUEST_WARNING_DAYS`` days (or overdue). One
    reminder per request and deadline (unique in the database), safe with two workers."""
    today = timezone.localdate(now or timezone.now())

    def remind(request: PrivacyRequest) -> int:
        recipients = [
            request.recorded_by,
            *users_with_organisation_permission(request.organisation, "manage_privacy_requests"),
        ]
        notified = notify(
            kind=PRIVACY_REQUEST_DUE,
            subject=request,
            recipients=recipients,
            organisation=request.organisation,
            occasion=f"due:{request.due_on.isoformat()}",
            params={"due_on": request.due_on.isoformat()},
        )
        return len(notified)

    due = requests_due(on=today, within_days=REQUEST_WARNING_DAYS).select_related("organisation", "recorded_by")
    return for_each_row_locked(due, remind, batch_size)
