"""The funder report as a PDF, written server-side with fpdf2 (pure Python), A4 portrait.

It is built from the very dicts the HTML funder report renders (``reports.views.funder_report_data``:
``selectors.section_report`` and ``selectors.time_series`` with ``for_export=True``), so its figures
are the suppressed ``display`` strings: a count from 1 to 4 is "<5", a hidden cell "x"; no raw
count is read here. Two steps: ``report_blocks`` turns the figures into text blocks (title,
paragraphs, headings, tables of strings), ``render`` lays them out; tests read the blocks.

Text is embedded with DejaVu Sans (``organisations.pdf``, Bitstream Vera licence), so accents, ñ, «»,
’ and non-breaking spaces print on any machine. Call inside the report's language
(``translation.override``): labels, dates and headings are translated when the blocks are built.
"""

import html
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from organisations.pdf import FAMILY, a4_document
from reports.periods import Period

# Widths (mm) of the label column and of each figure column; A4 is 210 mm, 15 mm margins.
LABEL_WIDTH = 100
FIGURE_WIDTH = 40


@dataclass(frozen=True)
class Block:
    """One thing the PDF writes: ``kind`` is "title", "organisation", "text", "note", "heading",
    "table" or "chart" (``chart``: the geometry of ``reports.charts.bar_chart``; ``rows``: its
    labels and figures as written)."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    total: tuple[str, ...] | None = None
    chart: dict | None = None


def chart_block(chart: dict) -> Block:
    """A chart, or the line saying it has nothing to draw (as the page says it)."""
    if chart.get("empty"):
        return Block("note", text=_("%(title)s: none in this period.") % {"title": chart["title"]})
    return Block(
        "chart", text=chart["title"], rows=tuple((bar["label"], bar["display"]) for bar in chart["bars"]), chart=chart
    )


def report_blocks(
    *,
    period: Period,
    reports: list[dict],
    series: dict,
    generated_at: datetime,
    organisation: str = "",
    headline: list[dict] = (),
    series_charts: list[dict] = (),
) -> list:
    """The report as blocks, in the order written: the same content as ``funder_report.html``.
    Page one: the title and period, the organisation, the headline figures and the monthly charts."""
    blocks = [
        Block("title", _("Activity report — %(period)s") % {"period": period.label}),
        *([Block("organisation", organisation)] if organisation else []),
        # The page's msgid, "&lt;" included, so its translations apply; unescaped for the PDF.
        Block(
            "text",
            html.unescape(
                _(
                    "Aggregate figures of the welcome network: no person can be identified. Counts from 1 to 4 "
                    "are shown as “&lt;5”; “x” marks a figure hidden so that a small count cannot be worked out "
                    "from the others."
                )
            ),
        ),
        Block(
            "note", _("Produced on %(at)s.") % {"at": date_format(timezone.localtime(generated_at), "DATETIME_FORMAT")}
        ),
    ]
    if headline:
        blocks.append(
            Block(
                "table",
                header=(_("Figure"), period.label),
                rows=tuple((figure["title"], figure["display"]) for figure in headline),
            )
        )
    blocks.append(Block("heading", _("Month by month — %(period)s") % {"period": series["period"]["label"]}))
    blocks += [chart_block(chart) for chart in series_charts]
    lines = series["series"]
    months = list(zip(*(line["points"] for line in lines), strict=True))
    blocks.append(
        Block(
            "table",
            header=(_("Month"), *(line["title"] for line in lines)),
            rows=tuple((points[0]["label"], *(point["display"] for point in points)) for points in months),
        )
    )
    for report in reports:
        blocks.append(Block("heading", report["title"]))
        blocks += [chart_block(chart) for chart in report.get("charts", [])]
        columns = (report["period"]["label"], report["previous_period"]["label"])
        if report["figures"]:
            blocks.append(
                Block(
                    "table",
                    header=("", *columns),
                    rows=tuple(
                        (figure["title"], figure["display"], figure["previous_display"]) for figure in report["figures"]
                    ),
                )
            )
        # As on the page (``views.with_bars``): rows at 0 in both periods and tables with nobody
        # folded into a line.
        for table in report["tables"]:
            if table.get("empty"):
                continue
            total = table["total"]
            blocks.append(
                Block(
                    "table",
                    text=str(table["title"]),
                    header=(_("Category") if table["dimension"] else "", *columns),
                    rows=tuple(
                        (row["label"], row["display"], row["previous_display"])
                        for row in table.get("rows_shown", table["rows"])
                    ),
                    total=(_("Total"), total["display"], total["previous_display"]) if total["display"] else None,
                )
            )
            if table.get("folded"):
                blocks.append(Block("note", folded_line(table["folded"])))
        if report.get("empty_tables"):
            blocks.append(Block("note", nobody_line(report["empty_tables"])))
    return blocks


def folded_line(labels: list[str]) -> str:
    # The page's msgid, so its translations apply.
    return _("At 0 in both periods: %(labels)s.") % {"labels": ", ".join(labels)}


def nobody_line(titles: list[str]) -> str:
    return _("Nobody in either period: %(titles)s.") % {"titles": "; ".join(str(title) for title in titles)}


def render(blocks: list, *, title: str = "", language: str = "") -> bytes:
    """Lay the blocks out on A4 portrait pages, numbered "page / pages" at the foot."""
    document = a4_document(title=title, language=language)
    for block in blocks:
        if block.kind == "title":
            document.set_font(FAMILY, "B", 16)
            document.multi_cell(0, 8, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            document.ln(2)
        elif block.kind in ("text", "note"):
            document.set_font(FAMILY, "", 9 if block.kind == "text" else 8)
            document.set_text_color(0 if block.kind == "text" else 90)
            document.multi_cell(0, 4.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            document.set_text_color(0)
            document.ln(1.5)
        elif block.kind == "heading":
            keep_room(document, 30)
            document.ln(3)
            document.set_font(FAMILY, "B", 13)
            document.multi_cell(0, 7, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            document.ln(1)
        elif block.kind == "organisation":
            document.set_font(FAMILY, "B", 12)
            document.multi_cell(0, 6, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            document.ln(1.5)
        elif block.kind == "table":
            write_table(document, block)
        elif block.kind == "chart":
            draw_chart(document, block)
    return bytes(document.output())


# A chart's height on the page (mm); its width is the page's.
CHART_HEIGHT = 42
BAR_COLOUR = (47, 111, 159)
HIDDEN_COLOUR = (138, 59, 0)


def draw_chart(document: FPDF, block: Block) -> None:
    """Draw a chart's bars and texts (``reports.charts`` geometry, scaled to the page): a hidden
    figure has no bar, only its text on the baseline."""
    chart = block.chart
    keep_room(document, CHART_HEIGHT + 8)
    document.set_font(FAMILY, "B", 9)
    document.multi_cell(0, 5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    left, top = document.l_margin, document.get_y()
    scale_x, scale_y = document.epw / chart["width"], CHART_HEIGHT / chart["height"]
    document.set_draw_color(85)
    baseline = top + chart["baseline"] * scale_y
    document.line(left, baseline, left + document.epw, baseline)
    document.set_font(FAMILY, "", 6)
    for bar in chart["bars"]:
        center = left + bar["center"] * scale_x
        if not bar["hidden"] and bar["height"]:
            document.set_fill_color(*BAR_COLOUR)
            document.rect(
                left + bar["x"] * scale_x,
                top + bar["y"] * scale_y,
                bar["width"] * scale_x,
                bar["height"] * scale_y,
                "F",
            )
        if bar["show_text"]:
            document.set_text_color(*(HIDDEN_COLOUR if bar["hidden"] else (0, 0, 0)))
            centred_text(document, center, top + bar["text_y"] * scale_y, bar["display"])
        if bar["show_label"]:
            document.set_text_color(60)
            centred_text(document, center, top + chart["label_y"] * scale_y, bar["short_label"])
    document.set_text_color(0)
    document.set_y(top + CHART_HEIGHT + 2)


def centred_text(document: FPDF, center: float, baseline: float, text: str) -> None:
    document.text(center - document.get_string_width(text) / 2, baseline, text)


def keep_room(document: FPDF, height: float) -> None:
    """Start a new page unless ``height`` mm are left, so a heading or caption is not left alone."""
    if document.get_y() + height > document.page_break_trigger:
        document.add_page()


def write_table(document: FPDF, block: Block) -> None:
    if block.text:
        keep_room(document, 20)
        document.set_font(FAMILY, "B", 9)
        document.multi_cell(0, 5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    document.set_font(FAMILY, "", 8.5)
    figures = len(block.header) - 1
    if figures <= 2:
        widths = (LABEL_WIDTH, *[FIGURE_WIDTH] * figures)
    else:  # the monthly series: one column per line
        widths = (document.epw - 35 * figures, *[35] * figures)
    with document.table(
        width=sum(widths),
        col_widths=widths,
        align="LEFT",
        text_align=("LEFT", *["RIGHT"] * figures),
        borders_layout="HORIZONTAL_LINES",
        line_height=4.8,
        padding=(0.8, 1.5),
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        for cells in (block.header, *block.rows):
            row = table.row()
            for cell in cells:
                row.cell(cell)
        if block.total:
            row = table.row()
            for cell in block.total:
                row.cell(cell, style=FontFace(emphasis="BOLD"))
    document.ln(3)


def funder_report_pdf(*, period: Period, reports: list[dict], series: dict, generated_at: datetime, **data) -> bytes:
    """The PDF of the funder report, from the figures of ``reports.views.funder_report_data``."""
    blocks = report_blocks(
        period=period,
        reports=reports,
        series=series,
        generated_at=generated_at,
        organisation=data.get("organisation", ""),
        headline=data.get("headline", []),
        series_charts=data.get("series_charts", []),
    )
    return render(blocks, title=blocks[0].text, language=data.get("language_code", ""))
