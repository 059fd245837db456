"""The funder report as a PDF, written server-side with fpdf2 (pure Python), A4 portrait.

It is built from the very dicts the HTML funder report renders (``reports.views.funder_report_data``:
``selectors.section_report`` and ``selectors.time_series`` with ``for_export=True``), so its figures
are the suppressed ``display`` strings: a count from 1 to 4 is "<5", a hidden cell "x"; no raw
count is read here. Two steps: ``report_blocks`` turns the figures into text blocks (title,
paragraphs, headings, tables of strings), ``render`` lays them out; tests read the blocks.

Text is embedded with DejaVu Sans (``reports/fonts``, Bitstream Vera licence), so accents, ñ, «»,
’ and non-breaking spaces print on any machine. Call inside the report's language
(``translation.override``): labels, dates and headings are translated when the blocks are built.
"""

import html
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from reports.periods import Period

# fontTools logs ~20 INFO lines each time fpdf2 subsets a font: keep them out of the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
# Widths (mm) of the label column and of each figure column; A4 is 210 mm, 15 mm margins.
LABEL_WIDTH = 100
FIGURE_WIDTH = 40


@dataclass(frozen=True)
class Block:
    """One thing the PDF writes: ``kind`` is "title", "text", "note", "heading" or "table"."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    total: tuple[str, ...] | None = None


def report_blocks(*, period: Period, reports: list[dict], series: dict, generated_at: datetime) -> list:
    """The report as blocks, in the order written: the same content as ``funder_report.html``."""
    blocks = [
        Block("title", _("Activity report — %(period)s") % {"period": period.label}),
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
        Block("heading", _("Month by month — %(period)s") % {"period": series["period"]["label"]}),
    ]
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
        for table in report["tables"]:
            total = table["total"]
            blocks.append(
                Block(
                    "table",
                    text=str(table["title"]),
                    header=(_("Category") if table["dimension"] else "", *columns),
                    rows=tuple((row["label"], row["display"], row["previous_display"]) for row in table["rows"]),
                    total=(_("Total"), total["display"], total["previous_display"]) if total["display"] else None,
                )
            )
    return blocks


class ReportPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")


def a4_document(*, title: str = "", language: str = "") -> ReportPDF:
    """An empty A4 portrait document with the embedded fonts, its first page added (also the
    privacy app's PDFs)."""
    document = ReportPDF(orientation="portrait", unit="mm", format="A4")
    document.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    document.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    document.set_margins(15, 15, 15)
    document.set_auto_page_break(True, margin=18)
    document.set_creator("Passerelle")
    if title:
        document.set_title(title)
    if language:
        document.set_lang(language)
    document.add_page()
    return document


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
        elif block.kind == "table":
            write_table(document, block)
    return bytes(document.output())


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
    blocks = report_blocks(period=period, reports=reports, series=series, generated_at=generated_at)
    return render(blocks, title=blocks[0].text, language=data.get("language_code", ""))
