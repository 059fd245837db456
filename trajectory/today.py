"""The trajectory's part of the today page for hub case workers (registered by
``TrajectoryConfig.ready``): on the paths of the people the hub works with, the steps overdue and
the next steps due this week, each one tap from the person's path."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.choices import OrganisationKind
from organisations.texts import content_language, translated
from organisations.today import TodayEntry, TodaySection, counted
from people import selectors as people_selectors
from trajectory import selectors

# The people whose paths are computed: files opened, or seen, within this time.
ACTIVE_DAYS = 365
# The people listed by name (the rest are counted).
LISTED = 5
# "This week": the next steps due within this many days.
WEEK_DAYS = 7


def today_sections(context) -> list[TodaySection]:
    if OrganisationKind.HUB not in context.case_work_kinds:
        return []
    today = timezone.localdate()
    since = today - timedelta(days=ACTIVE_DAYS)
    people = list(people_selectors.person_list(user=context.user).filter(first_intake_date__gte=since).order_by("pk"))
    paths = selectors.paths_for(user=context.user, people=people, today=today)
    links = [
        (reverse("trajectory:complex"), _("Complex situations")),
        (reverse("trajectory:programmes"), _("Programmes")),
    ]
    if not paths:
        return [TodaySection(title=_("Paths"), links=links)]
    language = content_language(get_language())

    def entry(person, status, late: bool) -> TodayEntry:
        return TodayEntry(
            label=f"{person.full_name}: {translated(status.step, 'name', language).text}",
            url=f"{reverse('people:file', args=[person.pk])}#trajectory",
            hint=_("Planned by %(date)s") % {"date": date_format(status.due_on, "SHORT_DATE_FORMAT")},
            late=late,
        )

    late, this_week = [], []
    for person in people:
        path = paths.get(person.pk)
        if path is None:
            continue
        if path.overdue:
            late.append((person, path.overdue[0]))
        coming = [
            status
            for status in path.next_steps
            if status.due_on and today <= status.due_on <= today + timedelta(days=WEEK_DAYS)
        ]
        if coming:
            this_week.append((person, coming[0]))
    late.sort(key=lambda row: row[1].due_on)
    this_week.sort(key=lambda row: row[1].due_on)
    people_list = reverse("people:list")
    return [
        TodaySection(
            title=_("Paths"),
            items=[
                counted(
                    _("People with a step overdue"),
                    people_list,
                    len(late),
                    [entry(person, status, True) for person, status in late[:LISTED]],
                    late=True,
                ),
                counted(
                    _("Next steps this week"),
                    people_list,
                    len(this_week),
                    [entry(person, status, False) for person, status in this_week[:LISTED]],
                ),
            ],
            links=links,
        )
    ]
