"""What the referrals add to pages other apps draw: the person file's referrals section and the
header's link (both registered in ``ReferralsConfig.ready``)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from people.views import FileSection, TimelineItem
from referrals import selectors
from referrals.choices import ReferralEventKind
from referrals.models import ReferralEvent


def person_file_referrals(request, person) -> FileSection:
    """The referrals of this person, their events on the file's timeline, and the Refer button."""
    referrals = list(
        selectors.referral_list(user=request.user)
        .filter(person=person)
        .prefetch_related(Prefetch("events", ReferralEvent.objects.select_related("organisation")))
    )
    timeline = []
    for referral in referrals:
        url = reverse("referrals:detail", args=[referral.pk])
        for event in referral.events.all():
            if event.kind == ReferralEventKind.CREATED:
                continue
            detail = f"{referral.get_need_category_display()} → {referral.recipient.name}"
            timeline.append(TimelineItem(event.at, _("Referral: %s") % event.get_kind_display(), detail, url))
    return FileSection(
        template="referrals/includes/person_referrals.html",
        context={"referrals": referrals, "toc_anchor": "referrals", "toc_label": _("Referrals")},
        timeline=timeline,
        actions=[(reverse("referrals:refer", args=[person.pk]), _("Refer"))],
    )


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Referrals" in the header for case workers anywhere."""
    return [(reverse("referrals:inbox"), _("Referrals"))] if context.case_work_kinds else []
