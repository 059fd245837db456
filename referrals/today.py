"""The referrals' part of the today page (registered by ``ReferralsConfig.ready``): for a hub,
the answers it owes its partners, the overdue ones and what waits for the partners; for any
organisation that receives referrals (a partner, and a hub that partners or other hubs refer to),
its inbox's new, waiting-for-me and overdue referrals."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from organisations.choices import OrganisationKind
from organisations.selectors import case_organisations
from organisations.today import TodayEntry, TodaySection, counted
from referrals import selectors, sharing
from referrals.choices import WAITING_FOR_RECIPIENT, ReferralStatus
from referrals.streams import ReferralInboxStream

# The referrals listed under "Answers you owe" (the rest is in the inbox's "Sent" tab).
OWED_LISTED = 5


def _inbox(organisation, tab: str) -> str:
    return f"{reverse('referrals:inbox')}?{urlencode({'organisation': organisation.pk, 'tab': tab})}"


def _inbox_stream(organisation) -> tuple[tuple[str, str]]:
    """The organisation's referrals, sent and received, change on its ``referrals.inbox`` key."""
    return ((ReferralInboxStream.name, str(organisation.pk)),)


def _hub_section(user, organisation, now) -> TodaySection:
    sent = selectors.referrals_sent(user=user).filter(sender=organisation)
    owed = sent.filter(status=ReferralStatus.INFO_REQUESTED)
    counts = sent.aggregate(
        owed=Count("pk", filter=Q(status=ReferralStatus.INFO_REQUESTED)),
        overdue=Count("pk", filter=Q(status=ReferralStatus.INFO_REQUESTED, respond_by__lt=now)),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_RECIPIENT)),
    )
    entries = [
        TodayEntry(
            label=_("%(name)s, for %(partner)s")
            % {
                "name": sharing.display_name(referral, organisation.pk) or _("Name not shared"),
                "partner": referral.recipient.name,
            },
            url=reverse("referrals:detail", args=[referral.pk]),
            hint=_("Respond by %(date)s")
            % {"date": date_format(timezone.localtime(referral.respond_by), "SHORT_DATETIME_FORMAT")},
            late=referral.respond_by < now,
        )
        for referral in owed.order_by("respond_by", "pk")[:OWED_LISTED]
    ]
    return TodaySection(
        title=_("Referrals sent by %(organisation)s") % {"organisation": organisation.name},
        items=[
            counted(_("Answers you owe a partner"), _inbox(organisation, "waiting"), counts["owed"], entries),
            counted(_("Answers overdue"), _inbox(organisation, "waiting"), counts["overdue"], late=True),
            counted(_("Waiting for the partners"), _inbox(organisation, "sent"), counts["waiting"]),
        ],
        links=[(_inbox(organisation, "sent"), _("All referrals sent"))],
        streams=_inbox_stream(organisation),
    )


def _received_section(user, organisation, now) -> TodaySection:
    received = selectors.referrals_received(user=user).filter(recipient=organisation)
    counts = received.aggregate(
        new=Count(
            "pk",
            filter=Q(
                status__in=(ReferralStatus.SENT, ReferralStatus.INFO_REQUESTED),
                assignee__isnull=True,
            ),
        ),
        waiting=Count("pk", filter=Q(status__in=WAITING_FOR_RECIPIENT)),
        overdue=Count("pk", filter=Q(status__in=WAITING_FOR_RECIPIENT, respond_by__lt=now)),
    )
    # The new ones by name, each one tap from its answer (as the inbox's "New" tab lists them).
    new = received.filter(status__in=(ReferralStatus.SENT, ReferralStatus.INFO_REQUESTED), assignee__isnull=True)
    entries = [
        TodayEntry(
            label=_("%(name)s, from %(sender)s")
            % {
                "name": sharing.display_name(referral, organisation.pk) or _("Name not shared"),
                "sender": referral.sender.name,
            },
            url=reverse("referrals:detail", args=[referral.pk]),
            hint=_("Respond by %(date)s")
            % {"date": date_format(timezone.localtime(referral.respond_by), "SHORT_DATETIME_FORMAT")},
            late=referral.respond_by < now,
        )
        for referral in new.select_related("sender", "person", "consent").order_by("respond_by", "pk")[:OWED_LISTED]
    ]
    return TodaySection(
        title=_("Referrals received by %(organisation)s") % {"organisation": organisation.name},
        items=[
            counted(_("New"), _inbox(organisation, "new"), counts["new"], entries),
            # The same words, count and tab as the inbox's "Waiting for me".
            counted(_("Waiting for me"), _inbox(organisation, "waiting"), counts["waiting"]),
            counted(_("Overdue"), _inbox(organisation, "overdue"), counts["overdue"], late=True),
        ],
        links=[(_inbox(organisation, "new"), _("Referral inbox"))],
        streams=_inbox_stream(organisation),
    )


def today_sections(context) -> list[TodaySection]:
    """Per organisation whose cases the user works: a hub's outgoing referrals, then the
    referrals it received like any partner's inbox (a housing provider's referrals are in its
    own section)."""
    kinds = context.case_work_kinds
    if not kinds or kinds == {OrganisationKind.HOUSING_PROVIDER}:
        return []
    now = timezone.now()
    sections = []
    for organisation in case_organisations(context.user).order_by("name"):
        if organisation.kind == OrganisationKind.HUB:
            sections.append(_hub_section(context.user, organisation, now))
        if organisation.kind != OrganisationKind.HOUSING_PROVIDER:
            sections.append(_received_section(context.user, organisation, now))
    return sections
