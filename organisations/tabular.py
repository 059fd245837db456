"""Reading a spreadsheet someone kept by hand: CSV (any of the encodings Excel writes) or XLSX,
one row at a time, with clear errors in the reader's language.

Why not a whole-file library (tablib, django-import-export): they load the whole sheet in memory
as a ``Dataset`` before the first row is looked at, and a hub's past years are 100,000 rows. Here
a CSV is read with the standard ``csv`` module as a stream, after one pass that finds its
encoding (UTF-8 with or without a byte-order mark, else Windows-1252, which Excel in French calls
"CSV" and which holds Latin-1's accented letters), and an XLSX with openpyxl's ``read_only``
mode, which also reads one row at a time. Memory stays flat whatever the number of rows.

What a row holds is the caller's business (``people.imports``, ``organisations.service_import``):
this module gives headers, rows as ``{column: text}`` with their line numbers, and the parsing of
the values every import shares (dates written three ways, yes/no in three languages, lists, codes
or labels of a ``TextChoices``).
"""

import codecs
import contextlib
import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from organisations.errors import ApplicationError

CSV, XLSX = "csv", "xlsx"
# An XLSX file is a zip archive: it starts with the zip signature.
_ZIP_SIGNATURE = b"PK\x03\x04"
_CHUNK = 1 << 16


class TabularError(ApplicationError):
    """The file as a whole cannot be read (wrong format, wrong columns, too large): nothing of it
    is looked at further."""

    default_code = "invalid_file"


@dataclass(frozen=True)
class Row:
    """One line of the sheet: its number as the spreadsheet shows it (the header is line 1) and
    its values by column name, stripped ("" for an empty cell)."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


def column_name(header) -> str:
    """A header as a column name: lowercase, without accents, spaces or dashes as ``_``
    ("Date of birth" and "date_of_birth" are one column)."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def file_format(head: bytes, file_name: str = "") -> str:
    """``xlsx`` or ``csv``, from the file's first bytes (not its name, which may lie)."""
    if head.startswith(_ZIP_SIGNATURE):
        return XLSX
    # Named as a spreadsheet but not one (an old .xls, another program's, a PDF renamed .xlsx):
    # read as CSV it would give a column of nonsense.
    if file_name.lower().endswith((".xls", ".xlsx", ".ods", ".numbers")):
        raise TabularError(_("Save the sheet as CSV or XLSX (Excel) and upload it again."), code="file_format")
    return CSV


def csv_encoding(stream: BinaryIO) -> str:
    """The encoding of a CSV file: ``utf-8-sig`` (with or without the byte-order mark Excel puts
    first) when the whole file decodes as UTF-8, else ``cp1252`` (Excel's "CSV" on Windows, a
    superset of Latin-1's letters), else ``latin-1`` (which decodes any byte). One pass over
    the bytes, a chunk at a time; the stream is put back at its start."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            encoding = "cp1252"
        except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
            encoding = "latin-1"
    stream.seek(0)
    return encoding


def _csv_delimiter(sample: str) -> str:
    """Comma, semicolon (Excel in French) or tab, found from the header line. Only the delimiter
    is taken from the sniffer: the rest is Excel's dialect, where a quote inside a quoted cell is
    written twice, which a header line cannot show the sniffer."""
    first_line = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


class _Text(io.TextIOWrapper):
    """Text read over the caller's binary stream, which stays open when this is closed or
    collected (the import reads the same upload twice: preview, then commit)."""

    def close(self):
        with contextlib.suppress(ValueError):  # already detached
            self.detach()


class Table:
    """An open sheet: ``headers`` (column names, in order) and ``rows()``, read once, as a stream.

    ``max_rows``: more data rows than this is refused (``too_many_rows``) when the reading gets
    there, so a caller that must refuse before writing reads the whole file first (the preview
    does)."""

    def __init__(self, stream: BinaryIO, *, file_name: str = "", max_rows: int):
        self.max_rows = max_rows
        stream.seek(0)
        self.format = file_format(stream.read(8), file_name)
        stream.seek(0)
        if self.format == XLSX:
            self._raw_rows = _xlsx_rows(stream)
        else:
            self.encoding = csv_encoding(stream)
            text = _Text(stream, encoding=self.encoding, newline="")
            delimiter = _csv_delimiter(text.read(4096))
            text.seek(0)
            self._raw_rows = csv.reader(text, csv.excel, delimiter=delimiter)
        header = next(self._raw_rows, None)
        if header is None or not any(str(cell or "").strip() for cell in header):
            raise TabularError(_("The file is empty: its first line must name the columns."), code="empty_file")
        self.headers = [column_name(cell) for cell in header]
        repeated = sorted({name for name in self.headers if name and self.headers.count(name) > 1})
        if repeated:
            raise TabularError(
                _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(repeated)},
                code="repeated_columns",
            )

    def check_columns(self, *, required: Iterable[str], known: Iterable[str], one_of: Iterable[str] = ()) -> None:
        """Refuse a sheet that lacks a required column (or any of ``one_of``) or has one nobody
        knows (a typing error would otherwise lose a column's values without a word)."""
        present = {name for name in self.headers if name}
        missing = [name for name in required if name not in present]
        one_of = list(one_of)
        if one_of and not present & set(one_of):
            missing.append(" / ".join(one_of))
        unknown = sorted(present - set(known))
        if missing or unknown:
            parts = []
            if missing:
                parts.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
            if unknown:
                parts.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
            raise TabularError(
                " ".join(str(part) for part in parts)
                + " "
                + str(_("Start from the template of this kind of import: its first line names the columns.")),
                code="wrong_columns",
            )

    def rows(self) -> Iterator[Row]:
        """The data rows, blank lines skipped, each numbered as the spreadsheet numbers it."""
        count = 0
        for line, cells in enumerate(_readable(self._raw_rows), start=2):
            values = {name: _cell_text(cell) for name, cell in zip(self.headers, cells, strict=False) if name}
            if not any(values.values()):
                continue
            count += 1
            if count > self.max_rows:
                raise TabularError(
                    _("The file has more than %(limit)s rows: split it, or ask for the import command.")
                    % {"limit": number_format(self.max_rows, force_grouping=True)},
                    code="too_many_rows",
                )
            yield Row(line, values)


def _readable(rows: Iterator) -> Iterator:
    """``rows``, with a line the ``csv`` module cannot read (a field longer than its limit, a
    quote never closed) answered as a problem of the file, not an error of the server."""
    line = 1
    while True:
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise TabularError(
                _("Line %(line)s cannot be read as CSV (%(error)s): save the sheet again as CSV.")
                % {"line": line + 1, "error": str(error)[:80]},
                code="unreadable_line",
            ) from None
        line += 1
        yield cells


# Control characters (C0 but tab and line breaks, DEL, C1): a cell holding one is refused, as a
# form refuses it (``validators.validate_text``); PostgreSQL cannot even store a NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_columns(row: Row) -> list[str]:
    """The columns of ``row`` whose value holds a control character."""
    return [name for name, value in row.values.items() if _CONTROL.search(value)]


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _xlsx_rows(stream: BinaryIO) -> Iterator[tuple]:
    """The first sheet's rows as tuples of cell values, read one at a time."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        raise TabularError(
            _("This file cannot be read as an XLSX workbook: save it again from the spreadsheet."), code="file_format"
        ) from error

    def rows():
        sheet = workbook.worksheets[0]
        # A sheet's stated size (its <dimension>) may be wrong, and read-only mode would stop
        # there, dropping the rows beyond without a word: read to the last row actually stored.
        sheet.reset_dimensions()
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return rows()


# --- Values ---------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]00:00(:00)?$")


class ValueProblem(ValueError):
    """A value of one cell cannot be read; its message is shown next to the row's line number."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def parse_date(text: str) -> date | None:
    """A date written 2024-03-25, 25/03/2024, 25-03-2024 or 25.03.2024 (day first, as in Québec
    and Latin America; a spreadsheet's date cell arrives as the first form). Empty: None."""
    text = text.strip()
    if not text:
        return None
    if match := _ISO_TIME.match(text):
        text = match.group(1)
    if match := _ISO.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, month, year = match.groups()
    else:
        raise ValueProblem(_("“%(value)s” is not a date: write it 2024-03-25 or 25/03/2024.") % {"value": text[:40]})
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueProblem(_("“%(value)s” is not a day of the calendar.") % {"value": text[:40]}) from None


_TRUE = {"yes", "y", "oui", "o", "si", "sí", "true", "vrai", "verdadero", "1", "x"}
_FALSE = {"no", "n", "non", "false", "faux", "falso", "0", ""}


def parse_bool(text: str) -> bool:
    """Yes or no, in French, English or Spanish, or 1/0, or a cross for yes; empty is no."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueProblem(_("“%(value)s” is neither yes nor no.") % {"value": text[:40]})


def parse_int(text: str, *, default: int) -> int:
    value = text.strip()
    if not value:
        return default
    if value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    raise ValueProblem(_("“%(value)s” is not a whole number.") % {"value": text[:40]})


def parse_list(text: str) -> list[str]:
    """Several values in one cell, separated by ``;``, ``|`` or ``,``."""
    return [part.strip() for part in re.split(r"[;|,]", text) if part.strip()]


class ChoiceReader:
    """Reads a ``TextChoices`` value written as its code or as its label in French, English or
    Spanish, whatever the case and accents ("Femme", "woman", "Mujer")."""

    LANGUAGES = ("fr-ca", "en", "es-419")

    def __init__(self, choices):
        self.choices = choices
        self.codes: dict[str, str] = {}
        for code, label in choices.choices:
            self.codes[column_name(code)] = code
            for language in self.LANGUAGES:
                with override(language):
                    self.codes.setdefault(column_name(str(label)), code)

    def __call__(self, text: str, *, default: str | None = None) -> str:
        key = column_name(text)
        if not key and default is not None:
            return default
        try:
            return self.codes[key]
        except KeyError:
            raise ValueProblem(
                _("“%(value)s” is not one of: %(codes)s.")
                % {"value": text[:40], "codes": ", ".join(self.choices.values)}
            ) from None
