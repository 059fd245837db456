"""``manage.py import_spreadsheet``: preview only by default, then commit with a progress line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from organisations.choices import Role
from people import imports
from people.models import Intervention, Person
from tests.imports.spreadsheets import INTERVENTION_COLUMNS, PEOPLE_COLUMNS, people_rows, write_csv

pytestmark = pytest.mark.django_db


def command(side, path, kind, *flags):
    out = StringIO()
    call_command(
        "import_spreadsheet",
        str(path),
        "--kind",
        kind,
        "--organisation",
        side.organisation.slug,
        "--user",
        side[Role.COORDINATOR].email,
        *flags,
        stdout=out,
    )
    return out.getvalue()


def test_preview_then_commit_with_progress(hub, tmp_path, monkeypatch):
    from datetime import date

    people = tmp_path / "people.csv"
    people.write_bytes(write_csv(people_rows(5, start=date(2023, 5, 1), days=5), PEOPLE_COLUMNS))
    # The command speaks its user's language.
    hub[Role.COORDINATOR].preferred_language = "en-ca"
    hub[Role.COORDINATOR].save(update_fields=["preferred_language"])
    output = command(hub, people, "people")
    assert "5 rows" in output and Person.objects.count() == 0
    command(hub, people, "people", "--commit")
    assert Person.objects.count() == 5
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    rows = [{"occurred_on": "2023-06-01", "type": "follow_up", "person_references": "P-00001"}] * 10
    interventions = tmp_path / "interventions.csv"
    interventions.write_bytes(write_csv(rows, INTERVENTION_COLUMNS))
    output = command(hub, interventions, "interventions", "--commit")
    assert "4 of 10 rows" in output and "8 of 10 rows" in output and "10 of 10 rows" in output
    assert Intervention.objects.count() == 10


def test_errors_are_listed_and_nothing_is_written(hub, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        write_csv([{"occurred_on": "2023-06-01", "type": "nap", "person_references": "P-1"}], INTERVENTION_COLUMNS)
    )
    with pytest.raises(CommandError):
        command(hub, path, "interventions", "--commit")
    assert Intervention.objects.count() == 0


def test_a_worker_may_not(hub, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(write_csv([], PEOPLE_COLUMNS))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_spreadsheet",
            str(path),
            "--kind",
            "people",
            "--organisation",
            hub.organisation.slug,
            "--user",
            hub[Role.WORKER].email,
            stdout=out,
        )


def test_a_partners_services_by_its_admin(tmp_path):
    from organisations.choices import OrganisationKind
    from organisations.models import Service
    from organisations.service_import import template_csv
    from tests import factories

    partner = factories.side(OrganisationKind.FOOD_AID)
    path = tmp_path / "services.csv"
    path.write_text(template_csv(), encoding="utf-8")
    arguments = ["import_spreadsheet", str(path), "--kind", "services", "--organisation", partner.organisation.slug]
    call_command(*arguments, "--user", partner[Role.ADMIN].email, stdout=StringIO())
    assert not Service.objects.filter(organisation=partner.organisation).exists()
    call_command(*arguments, "--user", partner[Role.ADMIN].email, "--commit", stdout=StringIO())
    assert Service.objects.filter(organisation=partner.organisation).count() == 1
    with pytest.raises(CommandError):
        call_command(*arguments, "--user", partner[Role.COORDINATOR].email, "--commit", stdout=StringIO())
