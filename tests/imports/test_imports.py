"""The spreadsheet import (people/imports.py): preview writes nothing, commit writes all or
nothing, the services' rules hold, and the reports of the imported year say what the sheet says."""

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from organisations.choices import Role
from organisations.errors import ApplicationError, ConflictError, NotFoundError
from organisations.models import AuditEntry
from people import imports
from people.choices import ImportStatus
from people.models import Household, ImportBatch, Intervention, Person
from reports.models import RollupFigure
from reports.periods import fiscal_year_period
from reports.services import rollup_store
from tests import factories
from tests.imports.conftest import run_import, run_preview
from tests.imports.spreadsheets import (
    HOUSEHOLD_COLUMNS,
    INTERVENTION_COLUMNS,
    PEOPLE_COLUMNS,
    bad_intervention_rows,
    intervention_rows,
    people_rows,
    write_csv,
    write_xlsx,
)

pytestmark = pytest.mark.django_db


def the_year():
    """A fiscal year three years back: within the ten years an intervention's date may be."""
    return fiscal_year_period(timezone.localdate().year - 3)


def test_ten_thousand_rows_with_a_dozen_bad_ones_then_fixed_and_the_reports_of_the_year(hub):
    year = the_year()
    people = people_rows(1_500, start=year.start, days=300)
    run_import(hub, "people", write_csv(people, PEOPLE_COLUMNS))
    generated = intervention_rows(10_000 - 12, people=people, start=year.start, days=year.days)
    bad = bad_intervention_rows(year.start, timezone.localdate() + timedelta(days=3))
    rows = list(generated.rows)
    bad_lines = {}
    for index, (row, _column) in enumerate(bad):
        position = 700 * (index + 1)
        rows.insert(position, row)
    for position, row in enumerate(rows):
        for bad_row, column in bad:
            if row is bad_row:
                bad_lines[position + 2] = column
    assert len(rows) == 10_000 and len(bad_lines) == 12
    people_before, audit_before = Person.objects.count(), AuditEntry.objects.count()

    result = run_preview(hub, "interventions", write_csv(rows, INTERVENTION_COLUMNS))
    assert result.row_count == 10_000
    assert {problem.line: problem.column for problem in result.errors} == bad_lines
    assert not result.can_commit
    assert Intervention.objects.count() == 0 and Person.objects.count() == people_before
    assert not ImportBatch.objects.filter(kind="interventions").exists()

    _preview, batch = run_import(hub, "interventions", write_csv(generated.rows, INTERVENTION_COLUMNS))
    assert batch.status == ImportStatus.COMMITTED and batch.created_count == len(generated.rows)
    assert Intervention.objects.count() == len(generated.rows)
    entries = AuditEntry.objects.filter(action="people.importbatch.imported")
    assert entries.count() == 2  # one for the people, one for the interventions: not one per row
    assert AuditEntry.objects.count() - audit_before <= 3

    rollup_store(period=year)
    stored = {
        (figure.section, figure.measure, figure.dimension, figure.value): figure.count
        for figure in RollupFigure.objects.filter(period__kind=year.kind, period__start=year.start)
    }
    assert stored["interventions", "interventions", "", ""] == len(generated.rows)
    for kind, count in generated.by_type.items():
        assert stored["interventions", "interventions", "type", kind] == count
    for team, count in generated.by_team.items():
        assert stored["interventions", "interventions", "team", team] == count
    assert stored["interventions", "interventions", "need_category", "food"] == len(generated.rows) // 2
    by_reference = {row["reference"]: row for row in people}
    served = [by_reference[reference] for reference in generated.people]
    assert stored["people", "people", "", ""] == len(served)
    for gender, count in Counter(row["gender_identity"] for row in served).items():
        assert stored["people", "people", "gender_identity", gender] == count
    assert stored["people", "new_people", "", ""] == len(people)


def test_a_latin1_file_from_excel_with_semicolons_keeps_its_accents(hub):
    rows = [{"reference": "R1", "given_names": "José", "family_names": "Peña Muñoz", "first_intake_date": "03/04/2023"}]
    run_import(hub, "people", write_csv(rows, PEOPLE_COLUMNS, encoding="cp1252", delimiter=";"))
    person = Person.objects.get(external_reference="R1")
    assert (person.given_names, person.family_names) == ("José", "Peña Muñoz")
    assert person.first_intake_date == date(2023, 4, 3) and person.created_by == hub[Role.COORDINATOR]


def test_an_xlsx_file(hub):
    rows = [
        {
            "reference": "X1",
            "given_names": "Ana",
            "family_names": "Ríos",
            "date_of_birth": date(1990, 3, 25),
            "gender_identity": "Femme",
            "interpreter_needed": "oui",
            "first_intake_date": date(2023, 5, 1),
        },
    ]
    run_import(hub, "people", write_xlsx(rows, PEOPLE_COLUMNS))
    person = Person.objects.get(external_reference="X1")
    assert (person.date_of_birth, person.gender_identity, person.interpreter_needed) == (
        date(1990, 3, 25),
        "woman",
        True,
    )


def test_wrong_columns_are_answered_before_any_row(hub):
    result = run_preview(hub, "people", write_csv([{"given_name": "Ana"}], ["given_name", "family_names"]))
    assert result.file_error and "given_names" in result.file_error and "given_name" in result.file_error
    assert not result.can_commit and result.row_count == 0


def test_too_many_rows(hub):
    rows = people_rows(30, start=the_year().start, days=10)
    result = run_preview(hub, "people", write_csv(rows, PEOPLE_COLUMNS), max_rows=20)
    assert "20" in result.file_error and not result.can_commit


def test_the_services_rules_apply_to_each_row(hub):
    rows = [
        {"given_names": "Ana", "family_names": "", "first_intake_date": "2023-01-01"},
        {"given_names": "Ana\u202e", "family_names": "Ríos", "first_intake_date": "2023-01-01"},
        {
            "given_names": "Ana",
            "family_names": "Ríos",
            "date_of_birth": "01/01/1850",
            "first_intake_date": "2023-01-01",
        },
        {"given_names": "Ana", "family_names": "Ríos", "email": "not-an-email", "first_intake_date": "2023-01-01"},
        {"given_names": "Ana", "family_names": "Ríos", "first_intake_date": "01/01/2001"},
    ]
    result = run_preview(hub, "people", write_csv(rows, PEOPLE_COLUMNS))
    assert [(problem.line, problem.column) for problem in result.errors] == [
        (2, "family_names"),
        (3, "given_names"),
        (4, "date_of_birth"),
        (5, "email"),
        (6, "first_intake_date"),
    ]


def test_each_problem_of_a_row_is_shown_under_its_own_column_and_the_row_counted_once(hub):
    rows = [
        {
            "given_names": "Ana",
            "family_names": "Ríos",
            "date_of_birth": "30/02/1990",
            "first_intake_date": "13/13/2023",
        },
    ]
    result = run_preview(hub, "people", write_csv(rows, PEOPLE_COLUMNS))
    assert result.error_count == 1
    assert sorted((problem.line, problem.column) for problem in result.errors) == [
        (2, "date_of_birth"),
        (2, "first_intake_date"),
    ]


def test_a_file_with_its_header_line_only_says_there_is_nothing_to_import(hub):
    result = run_preview(hub, "people", write_csv([], PEOPLE_COLUMNS))
    assert (result.row_count, result.error_count, result.can_commit) == (0, 0, False)
    assert "no rows under its header line" in result.file_error


def test_duplicates_within_the_file_and_against_the_files_must_be_confirmed(hub):
    factories.person(
        hub.organisation, given_names="María José", family_names="García López", date_of_birth=date(1990, 3, 25)
    )
    rows = [
        {
            "reference": "D1",
            "given_names": "Maria",
            "family_names": "Garsia",
            "date_of_birth": "25/03/1990",
            "first_intake_date": "2023-01-01",
        },
        {"reference": "D2", "given_names": "Pedro", "family_names": "Pérez Soto", "first_intake_date": "2023-01-01"},
        {"reference": "D3", "given_names": "PEREZ", "family_names": "Pedro", "first_intake_date": "2023-01-01"},
    ]
    content = write_csv(rows, PEOPLE_COLUMNS)
    result = run_preview(hub, "people", content)
    assert [duplicate.line for duplicate in result.duplicates] == [2, 4]
    assert "García López" in result.duplicates[0].matches[0] and result.duplicates[1].matches == ["line 3"]
    assert AuditEntry.objects.filter(action="people.person.duplicates.read").exists()
    stream = io.BytesIO(content)
    batch = imports.batch_create(
        stream,
        actor=hub[Role.COORDINATOR],
        organisation=hub.organisation,
        kind="people",
        file_name="f.csv",
        preview_result=result,
        keep_file=False,
    )
    with pytest.raises(ApplicationError) as raised:
        imports.commit(stream, batch=batch, actor=hub[Role.COORDINATOR], max_rows=100)
    assert raised.value.code == "duplicates" and Person.objects.count() == 1
    imports.commit(stream, batch=batch, actor=hub[Role.COORDINATOR], accept_duplicates=True, max_rows=100)
    assert Person.objects.count() == 4


def test_a_reference_already_imported_and_the_same_file_twice_are_refused(hub):
    rows = people_rows(3, start=the_year().start, days=3)
    run_import(hub, "people", write_csv(rows, PEOPLE_COLUMNS))
    # The same people in another file: each reference is taken.
    result = run_preview(hub, "people", write_csv(list(reversed(rows)), PEOPLE_COLUMNS))
    assert result.error_count == 3 and result.errors[0].column == "reference"
    rows = [{"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00000"}]
    content = write_csv(rows, INTERVENTION_COLUMNS)

    # Two previews of one file, then both committed: the second is refused.
    def previewed():
        return imports.batch_create(
            io.BytesIO(content),
            actor=hub[Role.COORDINATOR],
            organisation=hub.organisation,
            kind="interventions",
            file_name="f.csv",
            preview_result=run_preview(hub, "interventions", content),
            keep_file=False,
        )

    def commit(batch):
        return imports.commit(
            io.BytesIO(content), batch=batch, actor=hub[Role.COORDINATOR], max_rows=imports.COMMAND_MAX_ROWS
        )

    first, second = previewed(), previewed()
    commit(first)
    with pytest.raises(ConflictError) as raised:
        commit(second)
    assert raised.value.code == "already_imported" and Intervention.objects.count() == 1
    # Once imported, the same bytes are refused at the preview, before any row is checked.
    again = run_preview(hub, "interventions", content)
    assert "already imported" in again.file_error and not again.can_commit


def test_people_of_another_hub_are_unknown_numbers(hub, other_hub):
    theirs = factories.person(other_hub.organisation)
    rows = [{"occurred_on": "2023-05-01", "type": "follow_up", "person_ids": str(theirs.pk)}]
    result = run_preview(hub, "interventions", write_csv(rows, INTERVENTION_COLUMNS))
    assert result.errors[0].column == "person_ids" and "number" in result.errors[0].message


def test_households_follow_the_household_rules(hub):
    run_import(hub, "people", write_csv(people_rows(6, start=the_year().start, days=3), PEOPLE_COLUMNS))
    already = Person.objects.get(external_reference="P-00005")
    factories.people_services.household_create(
        actor=hub[Role.WORKER], owner=hub.organisation, name="Ya", members=[(already, "head")]
    )
    rows = [
        {
            "household": "A",
            "household_name": "García",
            "pets": "1",
            "person_reference": "P-00000",
            "relationship": "head",
        },
        {"household": "A", "person_reference": "P-00001", "relationship": "Enfant"},
        {"household": "B", "household_name": "Soto", "person_reference": "P-00002", "relationship": "head"},
        {"household": "B", "person_reference": "P-00003", "relationship": "head"},
        {"household": "C", "household_name": "Ríos", "person_reference": "P-00001"},
        {"household": "D", "household_name": "Luz", "person_reference": "P-00005"},
    ]
    result = run_preview(hub, "households", write_csv(rows, HOUSEHOLD_COLUMNS))
    assert sorted(problem.line for problem in result.errors) == [5, 6, 7]
    good = rows[:3]
    run_import(hub, "households", write_csv(good, HOUSEHOLD_COLUMNS))
    household = Household.objects.get(name="García")
    assert household.pets == 1 and household.owner == hub.organisation
    assert sorted(household.members.values_list("external_reference", "household_relationship")) == [
        ("P-00000", "head"),
        ("P-00001", "child"),
    ]


@pytest.mark.parametrize("role", [Role.WORKER, Role.LIAISON, Role.PRIVACY_OFFICER])
def test_only_a_hubs_admins_and_coordinators_import(hub, role):
    content = write_csv(people_rows(1, start=the_year().start, days=1), PEOPLE_COLUMNS)
    with pytest.raises(NotFoundError):
        run_preview(hub, "people", content, role=role)
    run_preview(hub, "people", content, role=Role.ADMIN)


def test_nobody_imports_into_another_organisation_or_into_a_partner(hub, other_hub, network):
    content = write_csv(people_rows(1, start=the_year().start, days=1), PEOPLE_COLUMNS)
    for actor, organisation in [
        (other_hub[Role.COORDINATOR], hub.organisation),
        (network.b[Role.ADMIN], network.b.organisation),
        (network.outsider, hub.organisation),
    ]:
        with pytest.raises(NotFoundError):
            imports.preview(io.BytesIO(content), kind="people", actor=actor, organisation=organisation, max_rows=10)


def test_a_row_that_became_wrong_after_the_preview_undoes_the_whole_commit(hub):
    run_import(hub, "people", write_csv(people_rows(3, start=the_year().start, days=3), PEOPLE_COLUMNS))
    rows = [
        {"occurred_on": "2023-05-01", "type": "follow_up", "person_references": f"P-0000{i % 3}"} for i in range(5_000)
    ]
    content = write_csv(rows, INTERVENTION_COLUMNS)
    stream = io.BytesIO(content)
    result = run_preview(hub, "interventions", content)
    batch = imports.batch_create(
        stream,
        actor=hub[Role.COORDINATOR],
        organisation=hub.organisation,
        kind="interventions",
        file_name="f.csv",
        preview_result=result,
        keep_file=False,
    )
    # The reference of the last rows' person changes between the preview and the commit.
    Person.objects.filter(external_reference="P-00002").update(external_reference="P-99")
    with pytest.raises(ApplicationError) as raised:
        imports.commit(stream, batch=batch, actor=hub[Role.COORDINATOR], max_rows=10_000)
    assert raised.value.code == "row_refused" and "4" in str(raised.value.message)
    assert Intervention.objects.count() == 0 and Intervention.people.through.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED


def test_a_database_failure_in_a_later_batch_leaves_nothing(hub, monkeypatch):
    run_import(hub, "people", write_csv(people_rows(2, start=the_year().start, days=2), PEOPLE_COLUMNS))
    people_before = Person.objects.count()
    rows = [{"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00001"}] * (
        imports.BATCH_SIZE * 2 + 1
    )
    original = Intervention.objects.bulk_create
    calls = []

    def failing(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return original(objs, *args, **kwargs)

    monkeypatch.setattr(Intervention.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        run_import(hub, "interventions", write_csv(rows, INTERVENTION_COLUMNS))
    assert len(calls) == 2
    assert Intervention.objects.count() == 0 and Person.objects.count() == people_before
    assert not ImportBatch.objects.filter(kind="interventions", status=ImportStatus.COMMITTED).exists()


def test_progress_is_reported_batch_by_batch(hub):
    run_import(hub, "people", write_csv(people_rows(2, start=the_year().start, days=2), PEOPLE_COLUMNS))
    rows = [{"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00001"}] * (
        imports.BATCH_SIZE + 5
    )
    seen = []
    run_import(
        hub,
        "interventions",
        write_csv(rows, INTERVENTION_COLUMNS),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(imports.BATCH_SIZE, len(rows)), (len(rows), len(rows))]


def test_an_interventions_language_defaults_to_the_persons(hub):
    rows = [
        {
            "reference": "L1",
            "given_names": "Jean",
            "family_names": "Pierre",
            "preferred_language": "ht",
            "first_intake_date": "2023-01-01",
        }
    ]
    run_import(hub, "people", write_csv(rows, PEOPLE_COLUMNS))
    run_import(
        hub,
        "interventions",
        write_csv([{"occurred_on": "2023-05-01", "type": "Suivi", "person_references": "L1"}], INTERVENTION_COLUMNS),
    )
    intervention = Intervention.objects.get()
    assert (intervention.language_used, intervention.type, intervention.recorded_by) == (
        "ht",
        "follow_up",
        hub[Role.COORDINATOR],
    )


def test_stale_previews_are_forgotten(hub):
    content = write_csv(people_rows(1, start=the_year().start, days=1), PEOPLE_COLUMNS)
    result = run_preview(hub, "people", content)
    batch = imports.batch_create(
        io.BytesIO(content),
        actor=hub[Role.COORDINATOR],
        organisation=hub.organisation,
        kind="people",
        file_name="f.csv",
        preview_result=result,
        keep_file=True,
    )
    assert bytes(batch.content) == content
    assert imports.import_previews_forget() == 0
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert imports.import_previews_forget() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and bytes(batch.content) == b""


def test_the_templates_are_what_the_import_reads(hub):
    for kind in imports.LAYOUTS:
        content = imports.template_csv(kind).encode()
        result = run_preview(hub, kind, content)
        assert not result.file_error and result.row_count == 1


def test_other_bytes_than_the_previewed_ones_are_refused(hub):
    run_import(hub, "people", write_csv(people_rows(2, start=the_year().start, days=2), PEOPLE_COLUMNS))
    content = write_csv(
        [{"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00001"}], INTERVENTION_COLUMNS
    )
    result = run_preview(hub, "interventions", content)
    batch = imports.batch_create(
        io.BytesIO(content),
        actor=hub[Role.COORDINATOR],
        organisation=hub.organisation,
        kind="interventions",
        file_name="f.csv",
        preview_result=result,
        keep_file=False,
    )
    changed = content.replace(b"2023-05-01", b"2099-05-01")
    with pytest.raises(ConflictError) as raised:
        imports.commit(io.BytesIO(changed), batch=batch, actor=hub[Role.COORDINATOR], max_rows=10)
    assert raised.value.code == "file_changed" and not Intervention.objects.exists()


def test_control_characters_are_refused_row_by_row(hub):
    run_import(hub, "people", write_csv(people_rows(1, start=the_year().start, days=1), PEOPLE_COLUMNS))
    rows = [
        {"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00000", "note": "a\x00b"},
        {"occurred_on": "2023-05-01", "type": "follow_up", "person_references": "P-00000", "note": "line\nbreak"},
    ]
    result = run_preview(hub, "interventions", write_csv(rows, INTERVENTION_COLUMNS))
    assert [(problem.line, problem.column) for problem in result.errors] == [(2, "note")]


def test_anonymising_a_file_takes_its_former_reference_too(hub):
    from retention.services import _people_anonymise

    run_import(hub, "people", write_csv(people_rows(1, start=the_year().start, days=1), PEOPLE_COLUMNS))
    person = Person.objects.get(external_reference="P-00000")
    _people_anonymise([person.pk])
    person.refresh_from_db()
    assert person.external_reference == "" and person.given_names == ""
