"""The A4 documents every app prints, written server-side with fpdf2 (pure Python): the
funder report, a person's export, an incident notice, a person's path. Text is embedded with
DejaVu Sans (``organisations/fonts``, Bitstream Vera licence), so accents, ñ, «», ’ and
non-breaking spaces print on any machine; pages are numbered "page / pages" at the foot."""

import logging
from pathlib import Path

from fpdf import FPDF

# fontTools logs ~20 INFO lines each time fpdf2 subsets a font: keep them out of the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"


class NumberedPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align="C")


def a4_document(*, title: str = "", language: str = "") -> NumberedPDF:
    """An empty A4 portrait document with the embedded fonts, its first page added."""
    document = NumberedPDF(orientation="portrait", unit="mm", format="A4")
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
