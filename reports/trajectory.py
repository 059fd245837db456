"""The trajectory's report (docs/trajectory.md, "Report"): people by phase, the steps overdue,
the days from arrival to the milestones that matter, programme outcomes (all, and each
programme's for its funders) and the interpreter requests left unmet, by language. Counted over
the hubs' people opened in the last year; a viewer outside the hub gets every table through the
small-cell suppression (``suppression``), and a median only when at least five people make it."""

from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.choices import SPOKEN_LANGUAGES, OrganisationKind
from people.choices import MilestoneKind
from people.models import Milestone, Person
from reports.suppression import SMALL_MAX, display, protect
from trajectory import selectors as trajectory_selectors
from trajectory.choices import EnrolmentOutcome, InterpreterStatus
from trajectory.models import Enrolment, InterpreterRequest, Programme
from trajectory.texts import content_language, translated

# The people counted: files opened (first visit) within this time.
PERIOD_DAYS = 365
# The milestones whose delay from the arrival is reported.
DELAY_MILESTONES = [MilestoneKind.BOC_SENT, MilestoneKind.WORK_PERMIT_ISSUED, MilestoneKind.EMPLOYMENT_STARTED]


@dataclass
class Table:
    key: str
    title: str
    rows: list[tuple[str, str]]  # (label, display)
    total: str


def _table(key: str, title: str, counts: dict[str, int], *, suppressed: bool) -> Table:
    """A table of counts and its total; outside the hub, suppressed as the reports' tables are."""
    total = sum(counts.values())
    if not suppressed:
        return Table(key, title, [(label, str(count)) for label, count in counts.items()], str(total))
    values = {**counts, "__total__": total}
    status = protect(values, [(list(counts), "__total__")])
    rows = [(label, display(count, status[label])) for label, count in counts.items()]
    return Table(key, title, rows, display(total, status["__total__"]))


def trajectory_report(*, suppressed: bool, today: date | None = None) -> list[Table]:
    today = today or date.today()
    language = content_language(get_language())
    people = list(
        Person.objects.filter(
            owner__kind=OrganisationKind.HUB,
            owner__is_active=True,
            first_intake_date__gte=today - timedelta(days=PERIOD_DAYS),
        )
    )
    paths = trajectory_selectors.paths_for_counting(people=people, today=today)
    by_phase: dict[str, int] = {}
    overdue: dict[str, int] = {}
    for path in paths.values():
        phase = translated(path.current_phase, "name", language).text if path.current_phase else _("No phase")
        by_phase[phase] = by_phase.get(phase, 0) + 1
        for status in path.overdue:
            name = translated(status.step, "name", language).text
            overdue[name] = overdue.get(name, 0) + 1
    outcomes = dict(
        Enrolment.objects.filter(programme__organisation__kind=OrganisationKind.HUB)
        .values_list("outcome")
        .annotate(count=Count("pk"))
    )
    unmet = dict(
        InterpreterRequest.objects.filter(
            status=InterpreterStatus.NOT_FOUND, needed_at__date__gte=today - timedelta(days=PERIOD_DAYS)
        )
        .values_list("language")
        .annotate(count=Count("pk"))
    )
    programme_tables = []
    for programme in Programme.objects.filter(organisation__kind=OrganisationKind.HUB).order_by("-starts_on", "name"):
        counts = dict(programme.enrolments.values_list("outcome").annotate(count=Count("pk")))
        programme_tables.append(
            _table(
                f"programme_{programme.pk}",
                _("%(programme)s (%(start)s – %(end)s, %(places)s places): its people")
                % {
                    "programme": programme.name,
                    "start": date_format(programme.starts_on, "DATE_FORMAT"),
                    "end": date_format(programme.ends_on, "DATE_FORMAT"),
                    "places": programme.capacity,
                },
                {str(label): counts.get(code, 0) for code, label in EnrolmentOutcome.choices},
                suppressed=suppressed,
            )
        )
    return [
        _table("people_by_phase", _("People by phase of their path"), by_phase, suppressed=suppressed),
        _table("overdue_steps", _("Steps overdue, by step"), dict(sorted(overdue.items())), suppressed=suppressed),
        _table(
            "programme_outcomes",
            _("Programme outcomes"),
            {str(label): outcomes.get(code, 0) for code, label in EnrolmentOutcome.choices},
            suppressed=suppressed,
        ),
        _table(
            "unmet_interpreters",
            _("Interpreter requests left unmet, by language"),
            {str(SPOKEN_LANGUAGES.get(code, code)): count for code, count in sorted(unmet.items())},
            suppressed=suppressed,
        ),
        *programme_tables,
    ]


def milestone_delays(*, suppressed: bool, today: date | None = None) -> list[tuple[str, str, str]]:
    """(milestone, people, median days from arrival) for each milestone of ``DELAY_MILESTONES``;
    the median only when at least five people make it outside the hub."""
    today = today or date.today()
    rows = []
    for kind in DELAY_MILESTONES:
        days = [
            (occurred_on - arrival).days
            for occurred_on, arrival in Milestone.objects.filter(
                kind=kind,
                occurred_on__isnull=False,
                person__arrival_date__isnull=False,
                person__owner__kind=OrganisationKind.HUB,
                person__first_intake_date__gte=today - timedelta(days=PERIOD_DAYS),
            ).values_list("occurred_on", "person__arrival_date")
            if occurred_on >= arrival
        ]
        few = suppressed and 0 < len(days) <= SMALL_MAX
        people = "<5" if few else str(len(days))
        middle = "—" if few or not days else str(round(median(days)))
        rows.append((str(MilestoneKind(kind).label), people, middle))
    return rows
