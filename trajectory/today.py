"""The trajectory's part of the today page for hub case workers (registered by
``TrajectoryConfig.ready``): the steps overdue on the paths of the people the hub works with."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.choices import OrganisationKind
from organisations.today import TodayEntry, TodaySection, counted
from people import selectors as people_selectors
from trajectory import selectors
from trajectory.texts import content_language, translated

# The people whose paths are computed: files opened, or seen, within this time.
ACTIVE_DAYS = 365
# The people listed by name (the rest are counted).
LISTED = 5


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
    late = sorted(
        ((person, paths[person.pk].overdue[0]) for person in people if person.pk in paths and paths[person.pk].overdue),
        key=lambda row: row[1].due_on,
    )
    entries = [
        TodayEntry(
            label=f"{person.full_name}: {translated(status.step, 'name', language).text}",
            url=f"{reverse('people:file', args=[person.pk])}#trajectory",
            hint=_("Planned by %(date)s") % {"date": date_format(status.due_on, "SHORT_DATE_FORMAT")},
            late=True,
        )
        for person, status in late[:LISTED]
    ]
    return [
        TodaySection(
            title=_("Paths"),
            items=[counted(_("People with a step overdue"), reverse("people:list"), len(late), entries, late=True)],
            links=links,
        )
    ]
