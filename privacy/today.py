"""The privacy officer's part of the today page (registered by ``PrivacyConfig.ready``): the
open requests of the people's rights, soonest deadline first, each one tap from its page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.choices import Role
from organisations.today import TodayEntry, TodaySection, counted
from privacy import selectors

# The requests listed by name (the rest are on the privacy desk).
REQUESTS_LISTED = 5


def today_sections(context) -> list[TodaySection]:
    if Role.PRIVACY_OFFICER not in context.roles:
        return []
    today = timezone.localdate()
    open_requests = selectors.request_list(user=context.user).filter(answered_on__isnull=True)
    listed = list(open_requests.order_by("due_on", "pk")[: REQUESTS_LISTED + 1])
    count = len(listed) if len(listed) <= REQUESTS_LISTED else open_requests.count()
    overdue = sum(1 for request in listed if request.due_on < today)
    if len(listed) > REQUESTS_LISTED:
        overdue = open_requests.filter(due_on__lt=today).count()
    entries = [
        TodayEntry(
            label=f"{request.get_kind_display()} — {request.organisation.name}",
            url=reverse("privacy:request", args=[request.pk]),
            hint=_("Answer due on %(date)s") % {"date": date_format(request.due_on, "SHORT_DATE_FORMAT")},
            late=request.due_on < today,
        )
        for request in listed[:REQUESTS_LISTED]
    ]
    desk = reverse("privacy:desk")
    return [
        TodaySection(
            title=_("Privacy requests"),
            items=[
                counted(_("Open requests"), desk, count, entries),
                counted(_("Requests past their deadline"), desk, overdue, late=True),
            ],
            links=[(desk, _("Privacy desk"))],
        )
    ]
