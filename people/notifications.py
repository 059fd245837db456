"""Notifications about consents: the kind and the reminder that a consent ends in 14 days, so the
hub can renew it before referrals that rely on it stop sharing.

Who is told: whoever recorded the consent while they may still open it, else the owning hub's
coordinators (kept by ``notifications.services.notify`` only if they may open the consent). The
text names the organisation and the date, not the person: emails leave the platform.
"""

from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.jobs import for_each_row_locked, periodic_job
from notifications.kinds import NotificationKind, register_kind
from notifications.models import Delivery
from notifications.services import notify
from organisations.choices import Role
from organisations.permissions import Action, can, role_group_for
from people.models import Consent

CONSENT_EXPIRING = "consent_expiring"
CONSENT_WARNING_DAYS = 14

register_kind(
    NotificationKind(
        code=CONSENT_EXPIRING,
        label=gettext_lazy("Consent expiring in 14 days"),
        model=Consent,
        text=lambda p: (
            _("A consent to share information with %(recipient)s ends on %(date)s: renew it if needed.")
            % {"recipient": p["recipient"], "date": date_format(date.fromisoformat(p["valid_until"]), "DATE_FORMAT")}
        ),
        url=lambda notification: reverse("people:file", args=[notification.params["person_id"]]),
        default=Delivery.DIGEST,
    )
)


def _recipients(consent: Consent) -> list:
    if can(consent.recorded_by, Action.VIEW, consent):
        return [consent.recorded_by]
    return list(role_group_for(consent.person.owner, Role.COORDINATOR).user_set.filter(is_active=True))


@periodic_job("people.remind_consents_expiring", every=timedelta(hours=1))
def consent_remind_expiring(batch_size: int = 100, now: datetime | None = None) -> int:
    """Remind about consents in force that end within 14 days. Idempotent (one reminder per
    consent and end date, unique in the database), safe with two workers (SKIP LOCKED); a worker
    that was down catches up on the consents still in force."""
    today = timezone.localdate(now or timezone.now())
    due = Consent.objects.active(today).filter(valid_until__lte=today + timedelta(days=CONSENT_WARNING_DAYS))

    def remind(consent: Consent) -> int:
        notified = notify(
            kind=CONSENT_EXPIRING,
            subject=consent,
            recipients=_recipients(consent),
            organisation=consent.person.owner,
            occasion=f"until:{consent.valid_until.isoformat()}",
            params={
                "recipient": consent.recipient.name,
                "valid_until": consent.valid_until.isoformat(),
                "person_id": consent.person_id,
            },
        )
        return len(notified)

    return for_each_row_locked(due.select_related("person__owner", "recipient", "recorded_by"), remind, batch_size)
