"""What the organisations app's changes tell people: one's own memberships (a role granted or
ended), partnerships (proposed, accepted, declined, withdrawn, ended), their data-sharing
agreements (recorded, ended, lapsing within 30 days) and the email of an invitation.

The organisations app stands below this one and announces its changes by signals
(``organisations.signals``), sent inside the transaction of the change; the receivers here
write the notifications and emails in that same transaction.

A membership tells the member only, and never when they changed their own membership; a
partnership tells the partnership managers (admins and coordinators) of the side that did not act,
who answer proposals and may end it. An agreement about to lapse tells both sides' partnership
managers, once: either side may record the renewed one.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.kinds import NotificationKind, choice_label, register_kind
from notifications.models import Delivery
from notifications.rendering import absolute
from notifications.services import email_queue, notify
from organisations.choices import OrganisationKind, PartnershipScope, PartnershipStatus, Role
from organisations.models import (
    DataSharingAgreement,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    User,
    partnership_summary,
)
from organisations.permissions import users_with_organisation_permission
from organisations.signals import (
    AGREEMENT_ENDED,
    AGREEMENT_RECORDED,
    PARTNERSHIP_ACCEPTED,
    PARTNERSHIP_DECLINED,
    PARTNERSHIP_ENDED,
    PARTNERSHIP_PROPOSED,
    PARTNERSHIP_WITHDRAWN,
    agreement_changed,
    invitation_created,
    membership_changed,
    partnership_changed,
)
from plumbing.jobs import for_each_row_locked, periodic_job

MEMBERSHIP_GRANTED = "membership_granted"
MEMBERSHIP_ENDED = "membership_ended"


def _profile_url(notification) -> str:
    return reverse("profile")


register_kind(
    NotificationKind(
        code=MEMBERSHIP_GRANTED,
        label=gettext_lazy("Role granted"),
        model=Membership,
        text=lambda p: (
            _("You now have the role “%(role)s” at %(organisation)s.")
            % {"role": choice_label(Role, p["role"]), "organisation": p["organisation"]}
        ),
        url=_profile_url,
    )
)
register_kind(
    NotificationKind(
        code=MEMBERSHIP_ENDED,
        label=gettext_lazy("Role ended"),
        model=Membership,
        text=lambda p: (
            _("Your role “%(role)s” at %(organisation)s has ended.")
            % {"role": choice_label(Role, p["role"]), "organisation": p["organisation"]}
        ),
        url=_profile_url,
    )
)


@receiver(membership_changed, dispatch_uid="notify-membership-changed")
def notify_membership_changed(sender, *, membership: Membership, actor: User | None, **kwargs) -> None:
    """Sent by ``membership_grant`` and ``membership_end`` inside their transaction."""
    notify(
        kind=MEMBERSHIP_GRANTED if membership.is_active else MEMBERSHIP_ENDED,
        subject=membership,
        recipients=[membership.user],
        organisation=membership.organisation,
        actor=actor,
        params={"role": membership.role, "organisation": membership.organisation.name},
    )


# --- Partnerships ------------------------------------------------------------------------------


def _partnerships_url(notification) -> str:
    return reverse("organisations:partnerships")


def _summary(p: dict) -> str:
    scope = p["scope"] if p["scope"] in PartnershipScope.values else PartnershipScope.REFERRALS
    return partnership_summary(p["organisation"], p["partner"], scope)


def _partnership_kind(code: str, label, sentence: Callable[[], str], default: str = Delivery.IN_APP) -> None:
    """``sentence()`` is translated when shown; it names ``%(by)s`` (the side that acted) and
    ``%(summary)s`` (what the partnership allows)."""
    register_kind(
        NotificationKind(
            code=code,
            label=label,
            model=Partnership,
            text=lambda p: sentence() % {"by": p["by"], "summary": _summary(p)},
            url=_partnerships_url,
            default=default,
        )
    )


def _proposal_text(p: dict) -> str:
    """A proposal says who proposes beyond its name (kind, directory entry, when it joined the
    network), so that a namesake or a newcomer is not taken for a known partner. Notifications
    made before these params existed keep the short sentence."""
    if "by_slug" not in p:
        return _("%(by)s proposes a partnership: %(summary)s Accept or decline it.") % {
            "by": p["by"],
            "summary": _summary(p),
        }
    return _(
        "%(by)s (%(kind)s, in the directory as “%(slug)s”, joined the network on %(date)s) proposes a "
        "partnership: %(summary)s Accept or decline it."
    ) % {
        "by": p["by"],
        "kind": choice_label(OrganisationKind, p["by_kind"]),
        "slug": p["by_slug"],
        "date": formats.date_format(date.fromisoformat(p["by_joined"]), "DATE_FORMAT"),
        "summary": _summary(p),
    }


register_kind(
    NotificationKind(
        code=PARTNERSHIP_PROPOSED,
        label=gettext_lazy("Partnership proposed"),
        model=Partnership,
        text=_proposal_text,
        url=_partnerships_url,
        default=Delivery.EMAIL,
    )
)
_partnership_kind(
    PARTNERSHIP_ACCEPTED,
    gettext_lazy("Partnership accepted"),
    lambda: _("%(by)s accepted the partnership: %(summary)s"),
)
_partnership_kind(
    PARTNERSHIP_DECLINED,
    gettext_lazy("Partnership declined"),
    lambda: _("%(by)s declined the partnership: %(summary)s"),
)
_partnership_kind(
    PARTNERSHIP_WITHDRAWN,
    gettext_lazy("Partnership proposal withdrawn"),
    lambda: _("%(by)s withdrew its proposal: %(summary)s"),
)
_partnership_kind(
    PARTNERSHIP_ENDED,
    gettext_lazy("Partnership ended"),
    lambda: _("%(by)s ended the partnership: %(summary)s"),
)


@receiver(partnership_changed, dispatch_uid="notify-partnership-changed")
def notify_partnership_changed(
    sender, *, partnership: Partnership, kind: str, actor: User | None, side: Organisation | None, **kwargs
) -> None:
    """Sent by the partnership services inside their transaction, for what ``actor`` did for
    ``side``. The other side's partnership managers are told: they are the ones who answer a
    proposal or may end the partnership. The platform's own acts (``actor=None``, no side: the
    demo seed setting up agreements made outside Passerelle) tell nobody."""
    if actor is None:
        return
    for organisation in (partnership.organisation, partnership.partner):
        if organisation.pk == side.pk:
            continue
        notify(
            kind=kind,
            subject=partnership,
            recipients=users_with_organisation_permission(organisation, "manage_partnerships"),
            organisation=organisation,
            actor=actor,
            params={
                "organisation": partnership.organisation.name,
                "partner": partnership.partner.name,
                "scope": partnership.scope,
                "by": side.name,
                "by_kind": side.kind,
                "by_slug": side.slug,
                "by_joined": timezone.localdate(side.created_at).isoformat(),
            },
        )


# --- Data-sharing agreements ----------------------------------------------------------------------

AGREEMENT_LAPSING = "agreement_lapsing"
AGREEMENT_LAPSE_WARNING_DAYS = DataSharingAgreement.LAPSE_WARNING_DAYS


def _day(iso: str) -> str:
    return formats.date_format(date.fromisoformat(iso), "DATE_FORMAT")


register_kind(
    NotificationKind(
        code=AGREEMENT_RECORDED,
        label=gettext_lazy("Data-sharing agreement recorded"),
        model=DataSharingAgreement,
        text=lambda p: (
            _(
                "%(by)s recorded the data-sharing agreement “%(reference)s”, in force from %(from)s to %(until)s: "
                "%(summary)s"
            )
            % {
                "by": p["by"],
                "reference": p["reference"],
                "from": _day(p["valid_from"]),
                "until": _day(p["valid_until"]),
                "summary": _summary(p),
            }
        ),
        url=_partnerships_url,
    )
)
register_kind(
    NotificationKind(
        code=AGREEMENT_ENDED,
        label=gettext_lazy("Data-sharing agreement ended"),
        model=DataSharingAgreement,
        text=lambda p: (
            _("%(by)s ended the data-sharing agreement “%(reference)s”: %(summary)s")
            % {"by": p["by"], "reference": p["reference"], "summary": _summary(p)}
        ),
        url=_partnerships_url,
        default=Delivery.EMAIL,
    )
)
register_kind(
    NotificationKind(
        code=AGREEMENT_LAPSING,
        label=gettext_lazy("Data-sharing agreement lapsing in 30 days"),
        model=DataSharingAgreement,
        text=lambda p: (
            _(
                "The data-sharing agreement “%(reference)s” lapses on %(until)s (%(summary)s) Record the renewed "
                "agreement before then: without one, referrals and holds between the two organisations are refused."
            )
            % {"reference": p["reference"], "until": _day(p["valid_until"]), "summary": _summary(p)}
        ),
        url=_partnerships_url,
        default=Delivery.EMAIL,
    )
)


def _agreement_params(agreement: DataSharingAgreement, **extra) -> dict:
    partnership = agreement.partnership
    return {
        "organisation": partnership.organisation.name,
        "partner": partnership.partner.name,
        "scope": partnership.scope,
        "reference": agreement.reference,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        **extra,
    }


def _managers(organisation: Organisation):
    return users_with_organisation_permission(organisation, "manage_partnerships")


@receiver(agreement_changed, dispatch_uid="notify-agreement-changed")
def notify_agreement_changed(
    sender, *, agreement: DataSharingAgreement, kind: str, actor: User | None, side: Organisation, **kwargs
) -> None:
    """Sent by ``agreement_record`` and ``agreement_end`` inside their transaction: the other
    side's partnership managers are told what ``side`` did (theirs knew it). The platform's own
    records (``actor=None``: the demo seed) tell nobody."""
    if actor is None:
        return
    partnership = agreement.partnership
    for organisation in (partnership.organisation, partnership.partner):
        if organisation.pk == side.pk:
            continue
        notify(
            kind=kind,
            subject=agreement,
            recipients=_managers(organisation),
            organisation=organisation,
            actor=actor,
            params=_agreement_params(agreement, by=side.name),
        )


@periodic_job("organisations.agreement_lapse_notice", every=timedelta(hours=1))
def agreement_notify_lapsing(batch_size: int = 100, now: datetime | None = None) -> int:
    """Tell both sides' partnership managers (admins and coordinators), once, that an agreement
    in force lapses within ``AGREEMENT_LAPSE_WARNING_DAYS``: either side may record the renewal.

    Once: ``lapse_notified_at`` is set in the same transaction as the notifications, and each
    notification is unique per recipient and end date (``occasion``), so a second run or a
    second worker (SKIP LOCKED) tells nobody again. An agreement of a closed partnership, or
    one already ended, is not announced. Each recipient reads it in their own language (the
    text is written from codes when shown or sent)."""
    today = timezone.localdate(now or timezone.now())
    due = DataSharingAgreement.objects.in_force(today).filter(
        lapse_notified_at__isnull=True,
        valid_until__lte=today + timedelta(days=AGREEMENT_LAPSE_WARNING_DAYS),
        partnership__status__in=[PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE],
    )

    def announce(agreement: DataSharingAgreement) -> int:
        told = 0
        partnership = agreement.partnership
        for organisation in (partnership.organisation, partnership.partner):
            told += len(
                notify(
                    kind=AGREEMENT_LAPSING,
                    subject=agreement,
                    recipients=_managers(organisation),
                    organisation=organisation,
                    occasion=f"until:{agreement.valid_until.isoformat()}",
                    params=_agreement_params(agreement),
                )
            )
        agreement.lapse_notified_at = timezone.now()
        agreement.save(update_fields=["lapse_notified_at"])
        return told

    return for_each_row_locked(
        due.select_related("partnership__organisation", "partnership__partner"), announce, batch_size
    )


# --- Invitations ------------------------------------------------------------------------------

INVITATION_EMAIL = "organisations/email/invitation"


@receiver(invitation_created, dispatch_uid="email-invitation")
def email_invitation(sender, *, invitation: MembershipInvitation, link: str, sent_by: Organisation | None, **kwargs):
    """Put the invitation's email in the outbox, worded now in the invitee's language: the link
    is the only copy of the secret, and the outbox erases it once the email is sent."""
    with translation.override(invitation.language):
        email_queue(
            address=invitation.email,
            template=INVITATION_EMAIL,
            language=invitation.language,
            params={
                "organisation": invitation.organisation.name,
                "sent_by": sent_by.name if sent_by is not None else "",
                "role": str(Role(invitation.role).label),
                "link": absolute(link),
                "expires_at": formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
            },
        )
