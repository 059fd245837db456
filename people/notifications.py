"""Notifications of person files: a consent that ends in 14 days, so the hub can renew it before
referrals that rely on it stop sharing; a claim deadline coming, to the worker in charge.

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

from notifications.kinds import NotificationKind, register_kind
from notifications.models import Delivery
from notifications.services import notify
from organisations.choices import Role
from organisations.permissions import Action, can, role_group_for
from people.choices import MilestoneKind
from people.models import Consent, DeadlineRule, Intervention, Milestone
from plumbing.jobs import for_each_row_locked, periodic_job

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


# --- Claim deadlines ---------------------------------------------------------------------------------

CLAIM_DEADLINE_DUE = "claim_deadline_due"
# Without a deadline rule for the milestone (a hearing set by hand), the reminder comes this many
# days before; every deadline is reminded again on its day.
DEFAULT_REMIND_DAYS = 3

register_kind(
    NotificationKind(
        code=CLAIM_DEADLINE_DUE,
        label=gettext_lazy("Claim deadline coming"),
        model=Milestone,
        text=lambda p: (
            _("%(milestone)s is due on %(date)s.")
            % {
                "milestone": MilestoneKind(p["kind"]).label,
                "date": date_format(date.fromisoformat(p["due_on"]), "DATE_FORMAT"),
            }
        ),
        url=lambda notification: f"{reverse('people:file', args=[notification.params['person_id']])}#milestones",
        default=Delivery.EMAIL,
        locked=True,
    )
)


def worker_in_charge(person) -> list:
    """Who is reminded of a person's deadlines: the worker who last logged an intervention with
    the person for the file's hub, else who opened the file (``notify`` keeps them only while
    they may still open it); the hub's coordinators when neither may."""
    last = (
        Intervention.objects.filter(people=person, organisation_id=person.owner_id)
        .order_by("-occurred_on", "-created_at")
        .select_related("recorded_by")
        .first()
    )
    for user in (last.recorded_by if last else None, person.created_by):
        if user is not None and user.is_active and can(user, Action.VIEW, person):
            return [user]
    return list(role_group_for(person.owner, Role.COORDINATOR).user_set.filter(is_active=True))


def _remind_days() -> dict[tuple[int | None, str], int]:
    """Days of warning by (hub, milestone due): a hub's own rules, and Passerelle's under None."""
    days: dict[tuple[int | None, str], int] = {}
    for rule in DeadlineRule.objects.all():
        key = (rule.organisation_id, rule.due)
        days[key] = max(days.get(key, 0), rule.remind_days_before)
    return days


@periodic_job("people.remind_claim_deadlines", every=timedelta(hours=1))
def claim_deadline_remind(batch_size: int = 100, now: datetime | None = None) -> int:
    """Remind the worker in charge of a claim deadline (a milestone due, not yet reached): the
    rule's days before it, and again on the day. One reminder per milestone, date and moment
    (unique in the database): safe with two workers, and a worker that was down catches up."""
    today = timezone.localdate(now or timezone.now())
    remind_days = _remind_days()
    furthest = max([DEFAULT_REMIND_DAYS, *remind_days.values()])
    due = Milestone.objects.filter(
        occurred_on__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=furthest)
    )

    def remind(milestone: Milestone) -> int:
        days_left = (milestone.due_on - today).days
        warning = remind_days.get(
            (milestone.person.owner_id, milestone.kind), remind_days.get((None, milestone.kind), DEFAULT_REMIND_DAYS)
        )
        if days_left > warning:
            return 0
        moment = "day" if days_left == 0 else "before"
        notified = notify(
            kind=CLAIM_DEADLINE_DUE,
            subject=milestone,
            recipients=worker_in_charge(milestone.person),
            organisation=milestone.person.owner,
            occasion=f"{moment}:{milestone.due_on.isoformat()}",
            params={"kind": milestone.kind, "due_on": milestone.due_on.isoformat(), "person_id": milestone.person_id},
        )
        return len(notified)

    return for_each_row_locked(due.select_related("person__owner", "person__created_by"), remind, batch_size)
