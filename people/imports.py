"""Loading a hub's past years from the spreadsheets it kept before Passerelle: people, households
with their members, and interventions, from CSV or XLSX (docs/imports.md).

Two steps, the same from the page and from ``manage.py import_spreadsheet``:

1. **Preview** (``preview``): every row is read and checked with the rules the pages and the API
   apply (``services.person_build``, ``services.intervention_build``: one place for them), the
   people named are found, possible duplicates are found with the duplicate check's rule
   (``people.names``: the same sounds, names in any order, the same birth date when both have
   one), within the file and against the hub's files. Nothing is written but the batch itself.
2. **Commit** (``commit``): the file is read again, each row checked again, and written in
   batches with ``bulk_create``, in one transaction: all the rows or none. One audit entry names
   the import, its kind and its count (and the people it wrote or named), not one per row.

Why not django-import-export (tablib): it loads the whole sheet as one in-memory ``Dataset`` and
saves row by row through ``Model.save()`` (and, for its preview, in a transaction it rolls
back). That is neither the services' rules (their checks of who may write and of the stored data)
nor constant memory, and a row per ``save()`` with its queries cannot write 100,000 interventions
in two minutes. Reading is ``organisations.tabular`` (``csv`` as a stream after finding the
encoding, openpyxl in ``read_only`` mode); checking is the services' build functions row by
row; writing is batched. Memory grows with the hub's files (the references, ids and duplicate
keys looked up), never with the number of rows of the file.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from organisations import permissions
from organisations.audit import audit_record, audit_rows
from organisations.choices import NeedCategory
from organisations.errors import ApplicationError, ConflictError
from organisations.models import Organisation, User, language_code_validator
from organisations.tabular import (
    ChoiceReader,
    Row,
    Table,
    TabularError,
    ValueProblem,
    control_character_columns,
    parse_bool,
    parse_date,
    parse_int,
    parse_list,
)
from people import services
from people.choices import (
    ClaimPathway,
    FrenchLevel,
    GenderIdentity,
    HouseholdRelationship,
    ImportKind,
    ImportStatus,
    IntakeChannel,
    InterpreterUsed,
    InterventionMode,
    InterventionType,
    Team,
    TransExperience,
)
from people.models import Household, ImportBatch, Intervention, Person
from people.names import names_match
from plumbing.jobs import periodic_job

# A page holds its request while it commits: up to this many rows, which commit in seconds.
# Larger files go through ``manage.py import_spreadsheet``, which prints its progress.
PAGE_MAX_ROWS = 5_000
PAGE_MAX_BYTES = 10 * 1024 * 1024
# The command's ceiling: a hub's busiest years, with room; a larger file is split by year.
COMMAND_MAX_ROWS = 250_000
# Rows written by one INSERT (and checked between two progress lines).
BATCH_SIZE = 2_000
# What a preview keeps to show: the first errors and duplicates (all are counted) and rows.
ERRORS_SHOWN = 200
SAMPLE_ROWS = 10
# A previewed file not imported within this time is forgotten (it is personal data).
PREVIEW_KEPT = timedelta(hours=24)


# --- Layouts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of import; ``one_of``: at least one of these columns is needed."""

    kind: str
    columns: tuple[Column, ...]
    one_of: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    @property
    def known(self) -> list[str]:
        return [column.name for column in self.columns]


def _codes(choices) -> str:
    return ", ".join(choices.values)


LAYOUTS = {
    ImportKind.PEOPLE: Layout(
        ImportKind.PEOPLE,
        (
            Column(
                "reference",
                _("The file's number in your former register; other imports name the person by it."),
                example="P-0001",
            ),
            Column("given_names", _("Given names."), required=True, example="María José"),
            Column("family_names", _("One or two surnames."), required=True, example="García López"),
            Column("date_of_birth", _("Date of birth: 1990-03-25, 25/03/1990 or 25-03-1990."), example="25/03/1990"),
            Column("date_of_birth_is_approximate", _("Yes or no."), example="no"),
            Column("gender_identity", _codes(GenderIdentity), example="woman"),
            Column("trans_experience", _codes(TransExperience), example="not_asked"),
            Column("preferred_language", _("A two- or three-letter code; es when empty."), example="es"),
            Column("other_languages", _("Codes separated by “;”."), example="fr;en"),
            Column("french_level", _codes(FrenchLevel), example="beginner"),
            Column("interpreter_needed", _("Yes or no."), example="yes"),
            Column("needs_wheelchair_access", _("Yes or no."), example="no"),
            Column("phone", _("Phone."), example="418 555-0101"),
            Column("email", _("Email."), example=""),
            Column("address", _("Address."), example=""),
            Column("arrival_date", _("Arrival in Canada."), example="2023-11-02"),
            Column(
                "first_intake_date",
                _("First intake, in the last ten years; today when empty."),
                required=True,
                example="2023-11-06",
            ),
            Column("intake_channel", _codes(IntakeChannel), example="walk_in"),
            Column("claim_pathway", _codes(ClaimPathway), example="inland_online_portal"),
            Column("notes", _("Notes."), example=""),
        ),
    ),
    ImportKind.HOUSEHOLDS: Layout(
        ImportKind.HOUSEHOLDS,
        (
            Column(
                "household",
                _("The household's key in the file: the rows with the same key are one household."),
                required=True,
                example="H-01",
            ),
            Column("household_name", _("The household's name (its first row's is kept)."), example="García"),
            Column("pets", _("Pets travelling with the household (a whole number)."), example="0"),
            Column("person_reference", _("The member's reference, as the people import stored it."), example="P-0001"),
            Column("person_id", _("Or the member's file number in Passerelle."), example=""),
            Column("relationship", _codes(HouseholdRelationship), example="head"),
        ),
        one_of=("person_reference", "person_id"),
    ),
    ImportKind.INTERVENTIONS: Layout(
        ImportKind.INTERVENTIONS,
        (
            Column("occurred_on", _("The day, in the last ten years."), required=True, example="14/02/2024"),
            Column("type", _codes(InterventionType), required=True, example="intake_welcome"),
            Column("person_references", _("The people's references, separated by “;”."), example="P-0001"),
            Column("person_ids", _("Or their file numbers in Passerelle, separated by “;”."), example=""),
            Column("mode", _codes(InterventionMode), example="in_person"),
            Column("team", _codes(Team), example="welcome_team"),
            Column("language_used", _("A language code; the first person's language when empty."), example="es"),
            Column("interpreter_used", _codes(InterpreterUsed), example="none"),
            Column("duration_minutes", _("A whole number; 15 when empty."), example="30"),
            Column("need_categories", _("Codes separated by “;”: ") + _codes(NeedCategory), example="food;employment"),
            Column("note", _("A short note."), example=""),
        ),
        one_of=("person_references", "person_ids"),
    ),
}


def template_csv(kind: str) -> str:
    """The CSV a hub fills in: the header line and one example row."""
    layout = LAYOUTS[kind]
    header = ",".join(layout.known)
    example = ",".join(_csv_cell(column.example) for column in layout.columns)
    return f"{header}\r\n{example}\r\n"


def _csv_cell(text: str) -> str:
    return f'"{text}"' if any(sign in text for sign in ',;"') else text


@cache
def _reader(choices) -> ChoiceReader:
    return ChoiceReader(choices)


# --- Preview --------------------------------------------------------------------------------------


@dataclass
class Problem:
    """Why one row cannot be imported, at its line of the spreadsheet."""

    line: int
    message: str
    column: str = ""


@dataclass
class Duplicate:
    """A row that may be someone already in the file or in the hub's files."""

    line: int
    name: str
    matches: list[str]


@dataclass
class Preview:
    """What an import would do: counts, the first rows, every error counted (the first shown)
    and the possible duplicates."""

    kind: str
    row_count: int = 0
    error_count: int = 0
    errors: list[Problem] = field(default_factory=list)
    duplicate_count: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    file_error: str = ""

    @property
    def columns(self) -> list[str]:
        return LAYOUTS[self.kind].known

    @property
    def can_commit(self) -> bool:
        return not self.file_error and not self.error_count and self.row_count > 0

    def add_error(self, problem: Problem) -> None:
        self.add_row_errors([problem])

    def add_row_errors(self, problems: list[Problem]) -> None:
        """One row refused, each of its problems shown under its own column."""
        self.error_count += 1
        for problem in problems:
            if len(self.errors) < ERRORS_SHOWN:
                self.errors.append(problem)

    def summary(self) -> str:
        """One line for the command and the page: rows, errors, duplicates."""
        parts = [
            ngettext("%(count)s row", "%(count)s rows", self.row_count)
            % {"count": number_format(self.row_count, force_grouping=True)}
        ]
        parts.append(
            ngettext("%(count)s row with errors", "%(count)s rows with errors", self.error_count)
            % {"count": number_format(self.error_count, force_grouping=True)}
        )
        parts.append(
            ngettext("%(count)s possible duplicate", "%(count)s possible duplicates", self.duplicate_count)
            % {"count": number_format(self.duplicate_count, force_grouping=True)}
        )
        return ", ".join(parts)


class RowRefused(Exception):
    """One row cannot be imported: its problems, each with its column."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__(problems)


class ImportRefused(ApplicationError):
    """The file cannot be imported as it is; nothing of it was written."""

    default_code = "import_refused"


def _validation_problems(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(name, str(message)) for name, messages in error.message_dict.items() for message in messages]
    return [("", str(message)) for message in error.messages]


class _Files:
    """What an import looks up in the hub's files, read once: references and ids of its people,
    their households and languages (for interventions and households)."""

    def __init__(self, organisation: Organisation):
        rows = Person.objects.filter(owner=organisation).values_list(
            "pk", "external_reference", "household_id", "preferred_language"
        )
        self.by_reference: dict[str, int] = {}
        self.household_of: dict[int, int | None] = {}
        self.language_of: dict[int, str] = {}
        for pk, reference, household_id, language in rows.iterator(chunk_size=5_000):
            if reference:
                self.by_reference[reference] = pk
            self.household_of[pk] = household_id
            self.language_of[pk] = language

    def person_ids(self, row: Row, references_column: str, ids_column: str, *, many: bool) -> list[int]:
        """The people a row names by reference or by file number, in the hub's files only (a
        number of another organisation's file reads as unknown, as a missing one does)."""
        problems, found = [], []
        references = parse_list(row.get(references_column)) if many else [row.get(references_column)]
        for reference in filter(None, references):
            if reference in self.by_reference:
                found.append(self.by_reference[reference])
            else:
                problems.append(
                    (references_column, str(_("No file has the reference “%(value)s”.") % {"value": reference[:40]}))
                )
        numbers = parse_list(row.get(ids_column)) if many else [row.get(ids_column)]
        for number in filter(None, numbers):
            pk = int(number) if number.isascii() and number.isdigit() and len(number) < 19 else None
            if pk in self.household_of:
                found.append(pk)
            else:
                problems.append(
                    (
                        ids_column,
                        str(_("No file of your organisation has the number “%(value)s”.") % {"value": number[:40]}),
                    )
                )
        if problems:
            raise RowRefused(problems)
        if not found:
            raise RowRefused([(references_column, str(_("Name at least one person.")))])
        return list(dict.fromkeys(found))


class _DuplicateIndex:
    """The duplicate check's rule (``selectors.person_possible_duplicates``) for a whole file:
    the hub's files and the file's rows indexed by the sounds of their names, each row compared
    with those sharing a sound (names in any order, one or two surnames, spelling variants), with
    the same birth date when both have one."""

    def __init__(self, organisation: Organisation):
        self.by_sound: dict[str, list[tuple[str, object, object]]] = {}
        existing = Person.objects.filter(owner=organisation).only(
            "pk", "owner_id", "given_names", "family_names", "sound_key", "date_of_birth"
        )
        for person in existing.iterator(chunk_size=5_000):
            self._add(person.sound_key, person.date_of_birth, person)

    def _add(self, key: str, born, what) -> None:
        for token in key.split():
            self.by_sound.setdefault(token, []).append((key, born, what))

    def check(self, person: Person, line: int) -> tuple[list[Person], list[int]]:
        """The files and the earlier lines that may be ``person``; then remember this line."""
        key = person.sound_key
        seen, files, lines = set(), [], []
        for token in key.split():
            for other_key, born, what in self.by_sound.get(token, ()):
                if id(what) in seen:
                    continue
                seen.add(id(what))
                if not names_match(key, other_key):
                    continue
                if person.date_of_birth and born and person.date_of_birth != born:
                    continue
                (files if isinstance(what, Person) else lines).append(what)
        self._add(key, person.date_of_birth, line)
        return files, lines


def _person_from(row: Row, *, actor: User, organisation: Organisation, validate: bool = True) -> Person:
    problems: list[tuple[str, str]] = []
    values: dict = {}

    def read(column: str, parse: Callable, **kwargs):
        try:
            values[column] = parse(row.get(column), **kwargs)
        except ValueProblem as problem:
            problems.append((column, str(problem.message)))

    for column in ("date_of_birth", "arrival_date", "first_intake_date"):
        read(column, parse_date)
    for column in ("date_of_birth_is_approximate", "interpreter_needed", "needs_wheelchair_access"):
        read(column, parse_bool)
    read("gender_identity", _reader(GenderIdentity), default=GenderIdentity.NOT_ASKED)
    read("trans_experience", _reader(TransExperience), default=TransExperience.NOT_ASKED)
    read("french_level", _reader(FrenchLevel), default="")
    read("intake_channel", _reader(IntakeChannel), default=IntakeChannel.WALK_IN)
    read("claim_pathway", _reader(ClaimPathway), default=ClaimPathway.UNKNOWN)
    values["preferred_language"] = row.get("preferred_language").lower() or "es"
    values["other_languages"] = [code.lower() for code in parse_list(row.get("other_languages"))]
    for code in values["other_languages"]:
        try:
            language_code_validator(code)
        except ValidationError as error:
            problems.append(("other_languages", str(error.messages[0])))
            break
    if values.get("first_intake_date", True) is None:
        values.pop("first_intake_date")
    for column in ("phone", "email", "address", "notes"):
        values[column] = row.get(column)
    if problems:
        raise RowRefused(problems)
    try:
        return services.person_build(
            actor=actor,
            owner=organisation,
            given_names=row.get("given_names"),
            family_names=row.get("family_names"),
            external_reference=row.get("reference"),
            validate=validate,
            **values,
        )
    except ValidationError as error:
        raise RowRefused(_validation_problems(error)) from None


def _intervention_from(row: Row, *, actor: User, organisation: Organisation, files: _Files, validate: bool = True):
    problems: list[tuple[str, str]] = []
    values: dict = {}

    def read(column: str, parse: Callable, **kwargs):
        try:
            values[column] = parse(row.get(column), **kwargs)
        except ValueProblem as problem:
            problems.append((column, str(problem.message)))

    read("occurred_on", parse_date)
    read("type", _reader(InterventionType))
    read("mode", _reader(InterventionMode), default=InterventionMode.IN_PERSON)
    read("team", _reader(Team), default=Team.WELCOME_TEAM)
    read("interpreter_used", _reader(InterpreterUsed), default=InterpreterUsed.NONE)
    read("duration_minutes", parse_int, default=15)
    categories = []
    for text in parse_list(row.get("need_categories")):
        try:
            categories.append(_reader(NeedCategory)(text))
        except ValueProblem as problem:
            problems.append(("need_categories", str(problem.message)))
    values["need_categories"] = sorted(set(categories))
    try:
        people = files.person_ids(row, "person_references", "person_ids", many=True)
    except RowRefused as refused:
        problems += refused.problems
        people = []
    if values.get("occurred_on", True) is None:
        problems.append(("occurred_on", str(_("Give the day of the intervention."))))
    if problems:
        raise RowRefused(problems)
    language = row.get("language_used").lower() or files.language_of[people[0]]
    try:
        intervention = services.intervention_build(
            actor=actor,
            organisation=organisation,
            language_used=language,
            note=row.get("note"),
            validate=validate,
            **values,
        )
    except ValidationError as error:
        raise RowRefused(_validation_problems(error)) from None
    return intervention, people


@dataclass
class _Member:
    line: int
    key: str
    name: str
    pets: int
    person_id: int
    relationship: str


def _member_from(row: Row, *, files: _Files) -> _Member:
    problems: list[tuple[str, str]] = []
    try:
        relationship = _reader(HouseholdRelationship)(row.get("relationship"), default=HouseholdRelationship.OTHER)
    except ValueProblem as problem:
        problems.append(("relationship", str(problem.message)))
        relationship = ""
    try:
        pets = parse_int(row.get("pets"), default=0)
    except ValueProblem as problem:
        problems.append(("pets", str(problem.message)))
        pets = 0
    try:
        (person_id,) = files.person_ids(row, "person_reference", "person_id", many=False)[:1]
    except RowRefused as refused:
        problems += refused.problems
        person_id = 0
    if problems:
        raise RowRefused(problems)
    return _Member(row.line, row.get("household"), row.get("household_name"), pets, person_id, relationship)


def _open(stream: BinaryIO, *, kind: str, file_name: str, max_rows: int) -> Table:
    table = Table(stream, file_name=file_name, max_rows=max_rows)
    layout = LAYOUTS[kind]
    table.check_columns(required=layout.required, known=layout.known, one_of=layout.one_of)
    return table


def _checked_rows(
    table: Table, *, kind: str, actor: User, organisation: Organisation, files: _Files, validate: bool = True
) -> Iterator[tuple[Row, object | None, list[tuple[str, str]]]]:
    """(row, what it becomes, its problems) for every row of the sheet, one at a time.
    ``validate=False``: the fields' rules were checked by the preview of these very bytes, and
    only what depends on the stored files (the people named, references taken) is checked."""
    for row in table.rows():
        try:
            if controlled := control_character_columns(row):
                message = str(_("Remove the control characters from this text."))
                raise RowRefused([(column, message) for column in controlled])
            if kind == ImportKind.PEOPLE:
                record = _person_from(row, actor=actor, organisation=organisation, validate=validate)
                if record.external_reference and record.external_reference in files.by_reference:
                    raise RowRefused(
                        [("reference", str(_("A file already has this reference: this person was imported before.")))]
                    )
            elif kind == ImportKind.INTERVENTIONS:
                record = _intervention_from(row, actor=actor, organisation=organisation, files=files, validate=validate)
            else:
                record = _member_from(row, files=files)
        except RowRefused as refused:
            yield row, None, refused.problems
        else:
            yield row, record, []


def _household_problems(members: list[_Member], files: _Files, organisation: Organisation) -> list[Problem]:
    """The rules of ``services.household_create`` and ``household_add_member`` over a whole file:
    a household has a valid name and one main contact at most; nobody is in two households (one
    already kept in Passerelle, or two in the file)."""
    problems: list[Problem] = []
    placed: dict[int, int] = {}
    heads: dict[str, int] = {}
    names: dict[str, tuple[str, int]] = {}
    for member in members:
        if member.key not in names:
            names[member.key] = (member.name, member.pets)
            household = Household(owner=organisation, name=member.name.strip(), pets=member.pets)
            try:
                household.full_clean(exclude=["owner"])
            except ValidationError as error:
                problems += [Problem(member.line, message, column) for column, message in _validation_problems(error)]
        if files.household_of.get(member.person_id) is not None:
            problems.append(
                Problem(member.line, str(_("This person is already in a household. Remove them from it first.")))
            )
        elif member.person_id in placed:
            problems.append(
                Problem(
                    member.line, str(_("This person is also on line %(line)s.") % {"line": placed[member.person_id]})
                )
            )
        placed.setdefault(member.person_id, member.line)
        if member.relationship == HouseholdRelationship.HEAD:
            if member.key in heads:
                problems.append(
                    Problem(
                        member.line,
                        str(
                            _("The household already has its main contact on line %(line)s.")
                            % {"line": heads[member.key]}
                        ),
                        "relationship",
                    )
                )
            heads.setdefault(member.key, member.line)
    return problems


def preview(
    stream: BinaryIO, *, kind: str, actor: User, organisation: Organisation, file_name: str = "", max_rows: int
) -> Preview:
    """Read and check every row of the sheet, and find possible duplicates; write nothing but the
    audit of the files the duplicate check names. A file that cannot be read at all is
    ``file_error``; each row's problems are errors at its line."""
    permissions.require_import(actor, organisation)
    result = Preview(kind=kind)
    # The same bytes imported before: said at once, not after the rows are checked.
    if already := _already_imported(organisation, kind, fingerprint(stream)):
        result.file_error = already
        return result
    try:
        table = _open(stream, kind=kind, file_name=file_name, max_rows=max_rows)
        files = _Files(organisation)
        duplicates = _DuplicateIndex(organisation) if kind == ImportKind.PEOPLE else None
        references: dict[str, int] = {}
        members: list[_Member] = []
        matched_files: dict[int, Person] = {}
        for row, record, problems in _checked_rows(
            table, kind=kind, actor=actor, organisation=organisation, files=files
        ):
            result.row_count += 1
            if len(result.sample) < SAMPLE_ROWS:
                result.sample.append({"line": row.line, "values": [row.get(name) for name in result.columns]})
            if kind == ImportKind.PEOPLE and record is not None:
                reference = record.external_reference
                if reference and reference in references:
                    problems = [
                        ("reference", str(_("Line %(line)s has the same reference.") % {"line": references[reference]}))
                    ]
                elif reference:
                    references[reference] = row.line
            if problems:
                result.add_row_errors([Problem(row.line, message, column) for column, message in problems])
                continue
            if duplicates is not None:
                found_files, lines = duplicates.check(record, row.line)
                if found_files or lines:
                    result.duplicate_count += 1
                    for person in found_files:
                        matched_files[person.pk] = person
                    if len(result.duplicates) < ERRORS_SHOWN:
                        matches = [
                            str(_("file no. %(number)s, %(name)s") % {"number": p.pk, "name": p}) for p in found_files
                        ]
                        matches += [str(_("line %(line)s") % {"line": line}) for line in lines]
                        result.duplicates.append(Duplicate(row.line, str(record), matches))
            if kind == ImportKind.HOUSEHOLDS:
                members.append(record)
        for problem in _household_problems(members, files, organisation):
            result.add_error(problem)
        audit_rows(actor=actor, rows=list(matched_files.values()), what="people.person.duplicates")
        if result.row_count == 0:
            result.file_error = str(_("The file has no rows under its header line: nothing to import."))
    except TabularError as error:
        result.file_error = str(error.message)
    return result


# --- Commit ---------------------------------------------------------------------------------------


Progress = Callable[[int, int], None]


def _write_people(rows, *, progress: Progress, total: int) -> tuple[int, list[int]]:
    written: list[int] = []
    pending: list[Person] = []
    for done, (_row, person) in enumerate(rows, start=1):
        pending.append(person)
        if len(pending) == BATCH_SIZE:
            written += [person.pk for person in Person.objects.bulk_create(pending)]
            pending = []
            progress(done, total)
    if pending:
        written += [person.pk for person in Person.objects.bulk_create(pending)]
        progress(len(written), total)
    return len(written), written


def _write_interventions(rows, *, progress: Progress, total: int) -> tuple[int, list[int]]:
    link = Intervention.people.through
    named: set[int] = set()
    count = 0
    pending: list[tuple[Intervention, list[int]]] = []

    # The links are plain pairs of ids: one executemany (pipelined by psycopg), without a model
    # instance per pair, which would cost as much as the interventions themselves.
    statement = f"INSERT INTO {link._meta.db_table} (intervention_id, person_id) VALUES (%s, %s)"  # noqa: S608

    def flush():
        saved = Intervention.objects.bulk_create([intervention for intervention, _people in pending])
        pairs = [
            (intervention.pk, person_id)
            for intervention, (_same, people) in zip(saved, pending, strict=True)
            for person_id in people
        ]
        with connection.cursor() as cursor:
            cursor.executemany(statement, pairs)
        for _intervention, people in pending:
            named.update(people)

    for _row, (intervention, people) in rows:
        pending.append((intervention, people))
        count += 1
        if len(pending) == BATCH_SIZE:
            flush()
            pending = []
            progress(count, total)
    if pending:
        flush()
        progress(count, total)
    return count, sorted(named)


def _write_households(rows, *, organisation: Organisation, progress: Progress, total: int) -> tuple[int, list[int]]:
    members = [member for _row, member in rows]
    households: dict[str, Household] = {}
    for member in members:
        households.setdefault(member.key, Household(owner=organisation, name=member.name.strip(), pets=member.pets))
    Household.objects.bulk_create(list(households.values()), batch_size=BATCH_SIZE)
    now = timezone.now()
    people = []
    for member in members:
        people.append(
            Person(
                pk=member.person_id,
                household=households[member.key],
                household_relationship=member.relationship,
                updated_at=now,
            )
        )
    Person.objects.bulk_update(people, ["household", "household_relationship", "updated_at"], batch_size=BATCH_SIZE)
    progress(len(members), total)
    return len(households), sorted(member.person_id for member in members)


def _already_imported(organisation: Organisation, kind: str, sha256: str) -> str:
    """Why these bytes may not be imported again into ``organisation`` (they were), or ""."""
    earlier = ImportBatch.objects.filter(
        organisation=organisation, kind=kind, sha256=sha256, status=ImportStatus.COMMITTED
    ).first()
    if earlier is None:
        return ""
    return _("This file was already imported on %(day)s.") % {
        "day": date_format(timezone.localdate(earlier.committed_at), "DATE_FORMAT")
    }


@transaction.atomic
def commit(
    stream: BinaryIO,
    *,
    batch: ImportBatch,
    actor: User,
    accept_duplicates: bool = False,
    max_rows: int,
    progress: Progress | None = None,
) -> ImportBatch:
    """Write every row of the previewed ``batch``'s file in one transaction, or nothing: the
    rows are checked again (the hub's files may have changed since the preview), and the first
    row refused undoes all. One audit entry names the import and its count."""
    progress = progress or (lambda done, total: None)
    organisation = batch.organisation
    permissions.require_import(actor, organisation)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ConflictError(_("This file was already imported or discarded."), code="import_done")
    if already := _already_imported(organisation, batch.kind, batch.sha256):
        raise ConflictError(already, code="already_imported")
    if batch.error_count:
        raise ImportRefused(_("Correct the rows with errors first, then upload the file again."))
    if batch.duplicate_count and not accept_duplicates:
        raise ImportRefused(
            _("Some rows may be people who already have a file: check them, then confirm."), code="duplicates"
        )
    # The preview checked every field of these bytes with the services' rules; the commit
    # checks again only what depends on the stored files, which may have changed since. Other
    # bytes than the preview's are refused.
    if fingerprint(stream) != batch.sha256:
        raise ConflictError(_("The file changed since it was checked: upload it again."), code="file_changed")
    table = _open(stream, kind=batch.kind, file_name=batch.file_name, max_rows=max_rows)
    files = _Files(organisation)
    references: set[str] = set()
    kind = batch.kind

    def rows():
        for row, record, problems in _checked_rows(
            table, kind=kind, actor=actor, organisation=organisation, files=files, validate=False
        ):
            if kind == ImportKind.PEOPLE and record is not None and record.external_reference:
                if record.external_reference in references:
                    problems = [("reference", "")]
                references.add(record.external_reference)
            if problems:
                raise ImportRefused(
                    _("Line %(line)s can no longer be imported: %(problem)s Nothing was imported.")
                    % {"line": row.line, "problem": "; ".join(message for _c, message in problems if message)},
                    code="row_refused",
                )
            yield row, record

    if kind == ImportKind.PEOPLE:
        count, people = _write_people(rows(), progress=progress, total=batch.row_count)
    elif kind == ImportKind.INTERVENTIONS:
        count, people = _write_interventions(rows(), progress=progress, total=batch.row_count)
    else:
        members = list(rows())
        problems = _household_problems([member for _row, member in members], files, organisation)
        if problems:
            raise ImportRefused(
                _("Line %(line)s can no longer be imported: %(problem)s Nothing was imported.")
                % {"line": problems[0].line, "problem": problems[0].message},
                code="row_refused",
            )
        count, people = _write_households(members, organisation=organisation, progress=progress, total=batch.row_count)
    batch.status = ImportStatus.COMMITTED
    batch.content = b""
    batch.created_count = count
    batch.committed_at = timezone.now()
    batch.save(update_fields=["status", "content", "created_count", "committed_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="people.importbatch.imported",
        obj=batch,
        details={"kind": kind, "rows": batch.row_count, "created": count},
        people=people,
    )
    return batch


# --- Batches ----------------------------------------------------------------------------------------


def fingerprint(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1 << 20):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


@transaction.atomic
def batch_create(
    stream: BinaryIO,
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    file_name: str,
    preview_result: Preview,
    keep_file: bool,
) -> ImportBatch:
    """Record a previewed file; ``keep_file``: keep its bytes until it is imported or discarded
    (the page, whose commit is a later request), not for the command."""
    permissions.require_import(actor, organisation)
    stream.seek(0)
    batch = ImportBatch.objects.create(
        organisation=organisation,
        kind=kind,
        file_name=file_name[:255],
        content=stream.read() if keep_file else b"",
        sha256=fingerprint(stream),
        row_count=preview_result.row_count,
        error_count=preview_result.error_count + (1 if preview_result.file_error else 0),
        duplicate_count=preview_result.duplicate_count,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="people.importbatch.created",
        obj=batch,
        details={"kind": kind, "rows": batch.row_count, "file_kept": keep_file},
    )
    return batch


@transaction.atomic
def batch_discard(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Forget a previewed file that will not be imported."""
    permissions.require_import(actor, batch.organisation)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportStatus.PREVIEWED:
        batch.status = ImportStatus.DISCARDED
        batch.content = b""
        batch.save(update_fields=["status", "content"])
        audit_record(actor=actor, organisation=batch.organisation, action="people.importbatch.discarded", obj=batch)
    return batch


def batch_list(*, user):
    """The batches of the hubs whose files ``user`` may import, newest first."""
    return ImportBatch.objects.filter(organisation__in=permissions.import_organisation_ids(user)).select_related(
        "organisation", "created_by"
    )


@periodic_job("people.import_previews_forget", every=timedelta(hours=1))
def import_previews_forget() -> int:
    """Forget the files previewed and neither imported nor discarded within a day: an uploaded
    file is personal data kept only for the step between the preview and the commit."""
    stale = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED, created_at__lt=timezone.now() - PREVIEW_KEPT)
    return stale.update(status=ImportStatus.DISCARDED, content=b"")
