"""Readable PDFs of the privacy app, written with fpdf2 and the reports' embedded DejaVu fonts
(``organisations.pdf``: accents, ñ and « » print anywhere): a person's export (``person_document``) and the notice of a
confidentiality incident to the Commission. Labels are those of the structure given, already
translated; each value is written under its label, so long text wraps on the page."""

from fpdf import FPDF

from organisations.pdf import FAMILY, a4_document


def _document(title: str, language: str) -> FPDF:
    """A4 pages with the reports' fonts and footer, the title written at the top."""
    document = a4_document(title=title, language=language)
    document.set_font(FAMILY, "B", 16)
    document.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    document.ln(2)
    return document


def _heading(document: FPDF, text: str, size: float = 13) -> None:
    if document.get_y() + 25 > document.page_break_trigger:
        document.add_page()
    document.ln(2)
    document.set_font(FAMILY, "B", size)
    document.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def _text(document: FPDF, text: str, *, size: float = 9.5, bold: bool = False) -> None:
    document.set_font(FAMILY, "B" if bold else "", size)
    document.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def _pairs(document: FPDF, pairs: list[tuple[str, str]]) -> None:
    for label, value in pairs:
        _text(document, label, size=8.5, bold=True)
        _text(document, value)
        document.ln(0.8)


def person_export_pdf(document_data: dict, *, empty: str) -> bytes:
    """The export as a PDF, section by section: every data group, then every kind of record
    (``empty`` written where there is none)."""
    document = _document(document_data["title"], document_data["language"])
    _text(document, document_data["intro"])
    for group in document_data["data_groups"].values():
        _heading(document, group["title"])
        _pairs(document, [(field["label"], field["display"]) for field in group["fields"]])
        for member in group.get("members", ()):
            _heading(document, member["title"], size=10.5)
            _pairs(document, [(entry["label"], entry["display"]) for entry in member["entries"]])
        if group.get("notice"):
            _text(document, group["notice"])
    for kind in document_data["records"].values():
        _heading(document, kind["title"])
        if not kind["items"]:
            _text(document, empty)
        for item in kind["items"]:
            _heading(document, item["title"], size=10.5)
            _pairs(document, [(entry["label"], entry["display"]) for entry in item["entries"]])
    return bytes(document.output())


def incident_notice_pdf(*, title: str, language: str, sections: list[tuple[str, str]]) -> bytes:
    """The notice of an incident to the Commission d'accès à l'information: one heading and its
    text per item the regulation lists."""
    document = _document(title, language)
    _pairs(document, sections)
    return bytes(document.output())
