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
from organisations.texts import content_language, translated
from people.choices import MilestoneKind
from people.models import Milestone, Person
from reports.suppression import SMALL_MAX, display, protect
from trajectory import selectors as trajectory_selectors
from trajectory.choices import EnrolmentOutcome, InterpreterStatus
from trajectory.models import Enrolment, InterpreterRequest, Programme

# The people counted: files opened (first visit) within this time.
PERIOD_DAYS = 365
# A table's total among the cells of the programmes' tables.
TOTAL = "__total__"
# The milestones whose delay from the arrival is reported.
DELAY_MILESTONES = [MilestoneKind.BOC_SENT, MilestoneKind.WORK_PERMIT_ISSUED, MilestoneKind.EMPLOYMENT_STARTED]


@dataclass
class Table:
    key: str
    title: str
    rows: list[tuple[str, str]]  # (label, display)
    total: str
    unit: str = ""  # what is counted ("People" when empty)


def _table(key: str, title: str, counts: dict[str, int], *, suppressed: bool, unit: str = "") -> Table:
    """A table of counts and its total; outside the hub, suppressed as the reports' tables are."""
    total = sum(counts.values())
    if not suppressed:
        return Table(key, title, [(label, str(count)) for label, count in counts.items()], str(total), unit)
    values = {**counts, "__total__": total}
    status = protect(values, [(list(counts), "__total__")])
    rows = [(label, display(count, status[label])) for label, count in counts.items()]
    return Table(key, title, rows, display(total, status["__total__"]), unit)


def programme_cells(programmes: list) -> tuple[dict, list]:
    """The cells of the programmes' tables and their equations, for the suppression: cells keyed
    (programme id or "all", outcome code), ``TOTAL`` a table's total (the code of "still enrolled"
    is "", an outcome like the others). Each table adds up to its total, and each row (and the
    totals) of the programmes to the overall table's."""
    codes = list(EnrolmentOutcome.values)
    counts = {
        (programme_id, outcome): count
        for programme_id, outcome, count in Enrolment.objects.filter(programme__in=programmes)
        .values_list("programme_id", "outcome")
        .annotate(count=Count("pk"))
    }
    values: dict = {}
    for programme in programmes:
        for code in codes:
            values[(programme.pk, code)] = counts.get((programme.pk, code), 0)
        values[(programme.pk, TOTAL)] = sum(values[(programme.pk, code)] for code in codes)
    for code in [*codes, TOTAL]:
        values[("all", code)] = sum(values[(programme.pk, code)] for programme in programmes)
    owners = ["all", *(programme.pk for programme in programmes)]
    groups = [([(owner, code) for code in codes], (owner, TOTAL)) for owner in owners]
    groups += [([(programme.pk, code) for programme in programmes], ("all", code)) for code in [*codes, TOTAL]]
    return values, groups


def _programme_tables(*, suppressed: bool) -> list[Table]:
    """The outcomes of all programmes, then of each. Outside the hub the tables are suppressed
    together (``programme_cells``): a hidden cell of one programme could otherwise be worked out
    from the overall figure and the other programmes'. A programme is named only for the hub (its
    name is the hub's free text); others read its period and places."""
    programmes = list(Programme.objects.filter(organisation__kind=OrganisationKind.HUB).order_by("-starts_on", "pk"))
    outcomes = [(code, str(label)) for code, label in EnrolmentOutcome.choices]
    values, groups = programme_cells(programmes)
    status = protect(values, groups) if suppressed else None

    def shown(key) -> str:
        return display(values[key], status[key]) if suppressed else str(values[key])

    tables = [
        Table(
            "programme_outcomes",
            _("Programme outcomes"),
            [(label, shown(("all", code))) for code, label in outcomes],
            shown(("all", TOTAL)),
        )
    ]
    for number, programme in enumerate(programmes, start=1):
        details = {
            "start": date_format(programme.starts_on, "DATE_FORMAT"),
            "end": date_format(programme.ends_on, "DATE_FORMAT"),
            "places": programme.capacity,
        }
        if suppressed:
            title = _("Programme %(number)s (%(start)s – %(end)s, %(places)s places): its people") % {
                "number": number,
                **details,
            }
        else:
            title = _("%(programme)s (%(start)s – %(end)s, %(places)s places): its people") % {
                "programme": programme.name,
                **details,
            }
        tables.append(
            Table(
                f"programme_{programme.pk}",
                title,
                [(label, shown((programme.pk, code))) for code, label in outcomes],
                shown((programme.pk, TOTAL)),
            )
        )
    return tables


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
    unmet = dict(
        InterpreterRequest.objects.filter(
            status=InterpreterStatus.NOT_FOUND, needed_at__date__gte=today - timedelta(days=PERIOD_DAYS)
        )
        .values_list("language")
        .annotate(count=Count("pk"))
    )
    return [
        _table("people_by_phase", _("People by phase of their path"), by_phase, suppressed=suppressed),
        _table(
            "overdue_steps",
            _("Steps overdue, by step"),
            dict(sorted(overdue.items())),
            suppressed=suppressed,
            unit=_("Steps overdue"),
        ),
        _table(
            "unmet_interpreters",
            _("Interpreter requests left unmet, by language"),
            {str(SPOKEN_LANGUAGES.get(code, code)): count for code, count in sorted(unmet.items())},
            suppressed=suppressed,
            unit=_("Requests"),
        ),
        *_programme_tables(suppressed=suppressed),
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
