"""The referral inbox of each of the user's organisations, by tab, kept live by
``referrals.streams``; and the labels its script (and the referral page's) needs."""

import json
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from organisations.choices import NeedCategory, OrganisationKind
from organisations.selectors import case_organisations
from organisations.validators import parse_id
from people.choices import NeedUrgency
from referrals import selectors, sharing
from referrals.choices import WAITING_FOR_RECIPIENT, ReferralStatus

INBOX_PAGE_SIZE = 50

RECEIVED_TABS = {
    "new": gettext_lazy("New"),
    "waiting": gettext_lazy("Waiting for me"),
    "mine": gettext_lazy("Assigned to me"),
    "overdue": gettext_lazy("Overdue"),
    # Contexts: tabs name lists of referrals (plural in French and Spanish), not one's status.
    "accepted": pgettext_lazy("inbox tab", "Accepted"),
    "closed": pgettext_lazy("inbox tab", "Closed"),
}
SENT_TAB = {"sent": pgettext_lazy("inbox tab", "Sent")}


def live_labels(**extra) -> str:
    """Labels the live script needs, in the page's language (deltas carry the actor's)."""
    labels = {
        "status": {code: str(label) for code, label in ReferralStatus.choices},
        "need": {code: str(label) for code, label in NeedCategory.choices},
        "urgency": {code: str(label) for code, label in NeedUrgency.choices},
        "words": {
            "name_not_shared": _("Name not shared"),
            "from": _("From"),
            "to": _("To"),
            "respond_by": _("Respond by"),
            "overdue": _("Overdue"),
            "deadline_paused": _("Deadline paused until the sender answers"),
            "assigned_to": _("Assigned to"),
            "household": _("Household"),
        },
    }
    labels.update(extra)
    return json.dumps(labels, ensure_ascii=False)


@dataclass
class InboxRow:
    referral: object
    person_name: str | None
    outgoing: bool
    is_overdue: bool


@login_required
def inbox(request):
    """The referral inbox of one of the user's organisations, by tab, kept live."""
    user = request.user
    organisations = list(case_organisations(user).order_by("name"))
    if not organisations:
        return render(request, "referrals/inbox.html", {"organisations": []})
    requested = request.GET.get("organisation", "")
    organisation = next((org for org in organisations if str(org.pk) == requested), organisations[0])
    is_hub = organisation.kind == OrganisationKind.HUB
    tabs = {**SENT_TAB, **RECEIVED_TABS} if is_hub else dict(RECEIVED_TABS)
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = next(iter(tabs))

    referrals = selectors.inbox_tab(user=user, organisation_id=organisation.pk, tab=tab).order_by("-id")
    before = parse_id(request.GET.get("before", ""))
    if before is not None:
        referrals = referrals.filter(pk__lt=before)
    page = list(referrals[: INBOX_PAGE_SIZE + 1])
    now = timezone.now()
    rows = [
        InboxRow(
            referral=referral,
            person_name=sharing.display_name(referral, organisation.pk),
            outgoing=referral.sender_id == organisation.pk,
            is_overdue=referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < now,
        )
        for referral in page[:INBOX_PAGE_SIZE]
    ]
    counts = selectors.inbox_counts(user=user, organisation_id=organisation.pk)
    tab_links = [
        {"name": name, "label": label, "count": counts.get(name), "current": name == tab}
        for name, label in tabs.items()
    ]
    return render(
        request,
        "referrals/inbox.html",
        {
            "organisations": organisations,
            "organisation": organisation,
            "tab": tab,
            "tab_label": tabs[tab],
            "tabs": tab_links,
            "rows": rows,
            "next_before": page[INBOX_PAGE_SIZE - 1].pk if len(page) > INBOX_PAGE_SIZE else None,
            "paged": bool(before),
            "labels_json": live_labels(),
            "detail_url_pattern": reverse("referrals:detail", args=[0]),
        },
    )
