"""Reading spreadsheets (organisations/tabular.py): encodings, delimiters, dates written three
ways, wrong columns, too many rows, XLSX."""

import io
from datetime import date

import pytest

from organisations.tabular import ChoiceReader, Table, TabularError, ValueProblem, parse_bool, parse_date
from people.choices import GenderIdentity
from tests.imports.spreadsheets import write_csv, write_xlsx


def table(content: bytes, max_rows: int = 100, name: str = "f.csv") -> Table:
    return Table(io.BytesIO(content), file_name=name, max_rows=max_rows)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("cp1252", "cp1252"), ("latin-1", "cp1252")],
)
def test_the_encoding_is_found_and_accents_survive(encoding, expected):
    content = write_csv(
        [{"name": "María José Núñez – “Peña”" if encoding == "cp1252" else "María José Núñez"}],
        ["name"],
        encoding=encoding,
    )
    sheet = table(content)
    assert sheet.encoding == expected
    assert sheet.headers == ["name"]
    [row] = list(sheet.rows())
    assert row.get("name").startswith("María José Núñez")


def test_a_latin1_byte_that_cp1252_leaves_undefined_still_reads():
    sheet = table("name\r\nJos\xe9\x81\r\n".encode("latin-1"))
    assert sheet.encoding == "latin-1"
    assert [row.get("name") for row in sheet.rows()] == ["José\x81"]


def test_semicolons_as_excel_writes_them_in_french_and_headers_as_people_write_them():
    content = write_csv(
        [{"Date of birth": "25/03/1990", "Given names": "Ana"}], ["Date of birth", "Given names"], delimiter=";"
    )
    sheet = table(content)
    assert sheet.headers == ["date_of_birth", "given_names"]
    [row] = list(sheet.rows())
    assert row.line == 2 and row.values == {"date_of_birth": "25/03/1990", "given_names": "Ana"}


@pytest.mark.parametrize("text", ["2024-03-25", "25/03/2024", "25-03-2024", "25.03.2024", "2024-03-25 00:00:00"])
def test_three_date_formats_and_a_spreadsheet_date_cell(text):
    assert parse_date(text) == date(2024, 3, 25)


@pytest.mark.parametrize("text", ["31/02/2024", "2024/13/45", "March 25", "25/03/24"])
def test_a_wrong_date_is_a_clear_error(text):
    with pytest.raises(ValueProblem) as raised:
        parse_date(text)
    assert text in str(raised.value.message)


def test_yes_no_in_three_languages_and_choices_by_code_or_label():
    assert [parse_bool(word) for word in ("oui", "Sí", "yes", "x", "non", "", "0")] == [True] * 4 + [False] * 3
    reader = ChoiceReader(GenderIdentity)
    assert reader("Femme") == reader("mujer") == reader("WOMAN") == "woman"
    assert reader("", default="not_asked") == "not_asked"
    with pytest.raises(ValueProblem):
        reader("martian")


def test_wrong_columns_name_what_is_missing_and_what_is_unknown():
    sheet = table(write_csv([{"given_name": "Ana"}], ["given_name", "family_names"]))
    with pytest.raises(TabularError) as raised:
        sheet.check_columns(required=["given_names", "family_names"], known=["given_names", "family_names"])
    message = str(raised.value.message)
    assert "given_names" in message and "given_name" in message and raised.value.code == "wrong_columns"


def test_repeated_and_empty_headers_are_refused():
    with pytest.raises(TabularError, match="twice"):
        table(b"name,Name\r\na,b\r\n")
    with pytest.raises(TabularError) as raised:
        table(b"")
    assert raised.value.code == "empty_file"


def test_too_many_rows_is_refused_with_the_limit_and_blank_lines_do_not_count():
    content = write_csv([{"n": str(i)} for i in range(5)], ["n"]) + b"\r\n,\r\n"
    assert len(list(table(content, max_rows=5).rows())) == 5
    with pytest.raises(TabularError) as raised:
        list(table(content, max_rows=4).rows())
    assert raised.value.code == "too_many_rows" and "4" in str(raised.value.message)


def test_xlsx_rows_dates_and_numbers():
    from datetime import datetime

    content = write_xlsx([{"day": datetime(2024, 3, 25), "n": 30, "name": "Peña"}], ["day", "n", "name"])
    sheet = table(content, name="sheet.xlsx")
    assert sheet.format == "xlsx"
    [row] = list(sheet.rows())
    assert row.values == {"day": "2024-03-25", "n": "30", "name": "Peña"}
    assert parse_date(row.get("day")) == date(2024, 3, 25)


def test_an_old_excel_file_or_a_broken_xlsx_is_refused_clearly():
    with pytest.raises(TabularError) as raised:
        table(b"\xd0\xcf\x11\xe0 old excel", name="old.xls")
    assert raised.value.code == "file_format"
    with pytest.raises(TabularError) as raised:
        table(b"PK\x03\x04 not really a zip", name="x.xlsx")
    assert raised.value.code == "file_format"


def test_a_line_the_csv_module_cannot_read_is_a_problem_of_the_file():
    import csv

    content = b"name\r\n" + b"a" * (csv.field_size_limit() + 10) + b"\r\n"
    with pytest.raises(TabularError) as raised:
        list(table(content).rows())
    assert raised.value.code == "unreadable_line" and "2" in str(raised.value.message)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_quote_inside_a_cell_is_read_as_excel_writes_it(delimiter):
    # Excel doubles a quote inside a cell; the header line has none for a sniffer to see.
    content = delimiter.join(["name", "notes"]) + '\r\n"Juan ""Pepe"""' + delimiter + '"Dijo ""hola"", y se fue"\r\n'
    [row] = list(table(content.encode("cp1252")).rows())
    assert (row.get("name"), row.get("notes")) == ('Juan "Pepe"', 'Dijo "hola", y se fue')


def test_an_xlsx_whose_stated_size_is_wrong_is_read_to_its_last_row():
    import re
    import zipfile

    rows = [{"name": f"Persona {number}"} for number in range(10)]
    original = zipfile.ZipFile(io.BytesIO(write_xlsx(rows, ["name"])))
    rewritten = io.BytesIO()
    with zipfile.ZipFile(rewritten, "w") as archive:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                # The sheet says it holds two rows: read-only openpyxl would stop there.
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', data)
                assert b'<dimension ref="A1:A2"' in data
            archive.writestr(item, data)
    sheet = table(rewritten.getvalue(), name="f.xlsx")
    assert [row.get("name") for row in sheet.rows()] == [f"Persona {number}" for number in range(10)]


def test_a_file_named_xlsx_that_is_not_one_is_refused_as_such():
    with pytest.raises(TabularError) as refused:
        table(b"%PDF-1.4 this is not a spreadsheet\r\n", name="people.xlsx")
    assert refused.value.code == "file_format"
