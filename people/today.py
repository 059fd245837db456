"""The people part of the today page for hub case workers (registered by ``PeopleConfig.ready``):
claim deadlines this week and the people seen today."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.choices import OrganisationKind
from organisations.today import TodayEntry, TodaySection, counted
from people import selectors

# The deadlines listed by name (the rest are counted).
DEADLINES_LISTED = 5


def today_sections(context) -> list[TodaySection]:
    if OrganisationKind.HUB not in context.case_work_kinds:
        return []
    today = timezone.localdate()
    due = selectors.milestone_list(user=context.user).filter(
        occurred_on__isnull=True, due_on__gte=today, due_on__lte=today + timedelta(days=7)
    )
    deadlines = list(due.order_by("due_on", "pk")[: DEADLINES_LISTED + 1])
    count = len(deadlines) if len(deadlines) <= DEADLINES_LISTED else due.count()
    entries = [
        TodayEntry(
            label=f"{milestone.person.full_name}: {milestone.get_kind_display()}",
            url=reverse("people:file", args=[milestone.person_id]),
            hint=date_format(milestone.due_on, "SHORT_DATE_FORMAT"),
        )
        for milestone in deadlines[:DEADLINES_LISTED]
    ]
    seen = (
        selectors.intervention_list(user=context.user)
        .filter(occurred_on=today)
        .values("people")
        .exclude(people=None)
        .distinct()
        .count()
    )
    people = reverse("people:list")
    return [
        TodaySection(
            title=_("People"),
            items=[
                counted(_("Claim deadlines this week"), people, count, entries),
                counted(_("People seen today"), people, seen),
            ],
            links=[(f"{reverse('people:list')}#new-person", _("New person"))],
        )
    ]
