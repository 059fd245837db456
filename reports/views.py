"""Pages of the reports: the dashboard (headline figures, charts, tables with bars, live counters
for today), the CSV export of a section and the funder report in French, English or Spanish (a
printable page and a PDF, from the same figures).

Everything comes from ``reports.selectors``, which applies suppression; exports are suppressed
whoever asks (they leave the hub). Anyone without ``view_aggregates``: 404.
"""

import csv
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.errors import ApplicationError
from reports import charts, pdf, selectors, trajectory
from reports.api.serializers import PeriodQuerySerializer
from reports.catalogue import SECTIONS
from reports.models import PeriodKind
from reports.periods import fiscal_year_of, this_month

# The CSV's columns: (code, header in the reader's language). The first header row is in the
# reader's language, the second holds the codes (stable, for scripts).
CSV_COLUMNS = [
    ("section", gettext_lazy("Section")),
    ("table", gettext_lazy("Table")),
    ("code", gettext_lazy("Code")),
    ("label", gettext_lazy("Label")),
    ("period_start", gettext_lazy("Period start")),
    ("period_end", gettext_lazy("Period end")),
    ("count", gettext_lazy("Count")),
    ("previous_period_start", gettext_lazy("Previous period start")),
    ("previous_count", gettext_lazy("Previous count")),
]
# Excel reads a CSV as UTF-8 only when it starts with the byte order mark.
UTF8_BOM = "\ufeff"
REPORT_LANGUAGES = {"fr": "fr-ca", "en": "en-ca", "es": "es-419"}


def require_viewer(request) -> selectors.Viewer:
    found = selectors.viewer(user=request.user)
    if found is None:
        raise Http404
    return found


def requested_period(request):
    """The period asked for, or this month with the form's errors."""
    query = PeriodQuerySerializer(data=request.GET)
    if query.is_valid():
        return query.validated_data["resolved"], {}
    return this_month(), query.errors


# What a cell shows when nobody is counted in it.
EMPTY_DISPLAYS = {"", "0", "—"}


def with_bars(report: dict) -> dict:
    """Add to each row the width of its bar, relative to the table's largest shown count, and
    fold what is empty: ``rows_shown`` leaves out the rows at 0 in both periods (``folded`` names
    them), ``empty`` marks a table with nobody in either period (listed apart by the page)."""
    for table in report["tables"]:
        largest = max((row["value"] or 0 for row in table["rows"]), default=0)
        for row in table["rows"]:
            row["bar"] = round(100 * row["value"] / largest) if largest and row["value"] else 0
        table["rows_shown"] = [row for row in table["rows"] if not is_empty(row)]
        table["folded"] = [row["label"] for row in table["rows"] if is_empty(row)]
        table["empty"] = not table["rows_shown"] and is_empty(table["total"])
    report["empty_tables"] = [table["title"] for table in report["tables"] if table["empty"]]
    return report


def is_empty(cell: dict) -> bool:
    return cell["display"] in EMPTY_DISPLAYS and cell["previous_display"] in EMPTY_DISPLAYS


def with_charts(user, period, reports: list[dict], series: dict, for_export: bool = False) -> dict:
    """Attach to each section report its charts (``charts``) and return the series' charts and
    the headline figures, all from the figures as the viewer may see them."""
    nights = selectors.occupied_by_night(user=user, period=period, for_export=for_export)
    by_section = charts.section_charts(reports, nights)
    for report in reports:
        report["charts"] = by_section.get(report["section"], [])
    return {"series_charts": charts.series_charts(series), "headline": selectors.headline_figures(reports)}


def dashboard_figures(user, period) -> tuple[list[dict], dict]:
    reports = [with_bars(selectors.section_report(user=user, section=name, period=period)) for name in SECTIONS]
    series = selectors.time_series(user=user, period=period)
    return reports, {"series": series, **with_charts(user, period, reports, series)}


@login_required
def dashboard(request):
    found = require_viewer(request)
    period, errors = requested_period(request)
    try:
        reports, figures = dashboard_figures(request.user, period)
    except ApplicationError as error:
        errors = {"period": [error.message]}
        period = this_month()
        reports, figures = dashboard_figures(request.user, period)
    query = urlencode(period.query())
    return render(
        request,
        "reports/dashboard.html",
        {
            "period": period,
            "period_query": query,
            "errors": errors,
            "reports": reports,
            **figures,
            "suppressed": not found.unsuppressed,
            "live_key": "hub" if found.unsuppressed else "city",
            "live": selectors.live_counters(suppressed=not found.unsuppressed),
            "can_export": period.is_preset,
            "fiscal_year": fiscal_year_of(period.start),
            "report_languages": [("fr", "Français"), ("en", "English"), ("es", "Español")],
            "this_month": this_month(),
        },
    )


@login_required
def export_csv(request, section: str):
    """One CSV of every table of a section (or of the whole report), always suppressed: UTF-8
    with a byte order mark (so that Excel keeps accents), a header row in the reader's language,
    then a header row of column codes."""
    require_viewer(request)
    period, errors = requested_period(request)
    if errors or section not in [*SECTIONS, "all"]:
        raise Http404
    names = list(SECTIONS) if section == "all" else [section]
    try:
        reports = [
            selectors.section_report(user=request.user, section=name, period=period, for_export=True) for name in names
        ]
    except ApplicationError as error:
        return HttpResponse(str(error.message), status=error.status_code, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"passerelle-{section}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(UTF8_BOM)
    writer = csv.writer(response)
    writer.writerow([str(header) for _code, header in CSV_COLUMNS])
    writer.writerow([code for code, _header in CSV_COLUMNS])
    for report in reports:
        previous = report["previous_period"]
        for table in report["tables"]:
            for row in [*table["rows"], {"code": "", "label": _("Total"), **table["total"]}]:
                if not row["display"] and not row["previous_display"]:
                    continue
                writer.writerow(
                    [
                        report["section"],
                        table["key"],
                        row["code"],
                        row["label"],
                        period.start,
                        period.end,
                        row["display"],
                        previous["start"],
                        row["previous_display"],
                    ]
                )
        for figure in report["figures"]:
            writer.writerow(
                [
                    report["section"],
                    figure["key"],
                    "",
                    figure["title"],
                    period.start,
                    period.end,
                    figure["display"],
                    previous["start"],
                    figure["previous_display"],
                ]
            )
    return response


@contextmanager
def funder_report_data(request, *, exact_period: bool = False):
    """What the funder report (HTML page and PDF) shows, computed and rendered in the language
    asked (``lang``: fr, en or es; the active language otherwise): the viewer check (404), the
    period (this month if the query is wrong) and every section and the monthly series with the
    export suppression. Used as ``with funder_report_data(request) as data:``; the language stays
    active inside the block, for rendering. With ``exact_period`` (a file, whose name says its
    period) a wrong period is a 404, as for the CSV, never this month's figures."""
    require_viewer(request)
    period, errors = requested_period(request)
    if errors and exact_period:
        raise Http404
    language = REPORT_LANGUAGES.get(request.GET.get("lang", ""), translation.get_language())
    with translation.override(language):
        try:
            reports = [
                with_bars(selectors.section_report(user=request.user, section=name, period=period, for_export=True))
                for name in SECTIONS
            ]
            series = selectors.time_series(user=request.user, period=period, for_export=True)
            figures = with_charts(request.user, period, reports, series, for_export=True)
        except ApplicationError as error:
            raise Http404 from error
        yield {
            "period": period,
            "organisation": selectors.hub_name(),
            "reports": reports,
            "series": series,
            **figures,
            "generated_at": timezone.now(),
            "language_code": language,
        }


def funder_report_query(data: dict) -> str:
    """The query string selecting the same period and language (for links between the page and the PDF)."""
    query = data["period"].query()
    short = {long: short for short, long in REPORT_LANGUAGES.items()}.get(data["language_code"])
    if short:
        query["lang"] = short
    return urlencode(query)


@login_required
def funder_report(request):
    """The printable funder report (print it from the browser, or download the PDF), in the
    language asked (``lang``: fr, en or es), with the same suppression as any export."""
    with funder_report_data(request) as data:
        return render(
            request,
            "reports/funder_report.html",
            {
                **data,
                "dashboard_url": reverse("reports:dashboard") + "?" + urlencode(data["period"].query()),
                "pdf_url": reverse("reports:funder-report-pdf") + "?" + funder_report_query(data),
            },
        )


@login_required
def funder_report_pdf(request):
    """The funder report as a PDF file (``reports.pdf``), from the same figures as the page."""
    with funder_report_data(request, exact_period=True) as data:
        content = pdf.funder_report_pdf(**data)
        period = data["period"]
    fiscal_year = period.kind == PeriodKind.FISCAL_YEAR
    name = f"fy{period.start:%Y}-{period.end:%Y}" if fiscal_year else f"{period.start:%Y-%m}"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="passerelle-funder-report-{name}.pdf"'
    return response


@login_required
def trajectory_report(request):
    """The trajectory's report (``reports.trajectory``): a 404 for anyone who sees no aggregates."""
    found = require_viewer(request)
    today = timezone.localdate()
    return render(
        request,
        "reports/trajectory.html",
        {
            "tables": trajectory.trajectory_report(suppressed=not found.unsuppressed, today=today),
            "delays": trajectory.milestone_delays(suppressed=not found.unsuppressed, today=today),
            "suppressed": not found.unsuppressed,
            "since": today - timedelta(days=trajectory.PERIOD_DAYS),
        },
    )


def navigation_links(context) -> list[tuple[str, str]]:
    """ "Reports" in the header for users who may see aggregates (registered in ReportsConfig.ready)."""
    if not {"coordinator", "liaison"} & set(context.roles):
        return []
    if selectors.viewer(user=context.user) is None:
        return []
    return [(reverse("reports:dashboard"), _("Reports"))]
