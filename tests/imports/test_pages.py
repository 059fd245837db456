"""The import pages: upload, preview in the reader's language, commit, discard; who may open
them; the page's row limit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.choices import Role
from people import imports
from people.choices import ImportStatus
from people.models import ImportBatch, Person
from tests.auth import login
from tests.imports.spreadsheets import PEOPLE_COLUMNS, people_rows, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def upload(client, side, content: bytes, *, kind="people", name="people.csv"):
    return client.post(
        reverse("people:import"),
        {"organisation": side.organisation.pk, "kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def rows(count=3):
    return people_rows(
        count, start=timezone.localdate().replace(day=1, month=1, year=timezone.localdate().year - 2), days=30
    )


def test_upload_preview_then_import(hub):
    client = client_for(hub[Role.COORDINATOR])
    assert client.get(reverse("people:import")).status_code == 200
    response = upload(client, hub, write_csv(rows(), PEOPLE_COLUMNS, encoding="cp1252", delimiter=";"))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:import-batch", args=[batch.token])
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Nombre0" in page.content and b'id="import-commit"' in page.content
    assert Person.objects.count() == 0
    response = client.post(reverse("people:import-commit", args=[batch.token]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED and bytes(batch.content) == b"" and Person.objects.count() == 3
    assert b"Nombre0" not in client.get(reverse("people:import-batch", args=[batch.token])).content


def test_errors_per_row_with_their_line_in_the_readers_language(hub):
    user = hub[Role.COORDINATOR]
    user.preferred_language = "es-419"
    user.save()
    bad = rows(2)
    bad[1]["date_of_birth"] = "31/02/1990"
    client = client_for(user)
    response = upload(client, hub, write_xlsx(bad, PEOPLE_COLUMNS), name="people.xlsx")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "31/02/1990" in page.content.decode()
    assert b'id="import-commit"' not in page.content and b'id="import-errors"' in page.content
    assert page["Content-Language"].startswith("es")
    response = client.post(reverse("people:import-commit", args=[ImportBatch.objects.get().token]))
    assert Person.objects.count() == 0


def test_a_file_with_wrong_columns_or_too_many_rows_is_answered_on_the_form(hub, monkeypatch):
    client = client_for(hub[Role.ADMIN])
    response = upload(client, hub, b"nom,prenom\r\nA,B\r\n")
    assert response.status_code == 200 and "given_names" in response.content.decode()
    monkeypatch.setattr(imports, "PAGE_MAX_ROWS", 2)
    response = upload(client, hub, write_csv(rows(3), PEOPLE_COLUMNS))
    # The page speaks its reader's language (French here).
    assert response.status_code == 200 and "plus de 2 lignes" in response.content.decode()
    monkeypatch.setattr(imports, "PAGE_MAX_BYTES", 10)
    response = upload(client, hub, write_csv(rows(1), PEOPLE_COLUMNS))
    assert response.status_code == 200 and "Le fichier dépasse" in response.content.decode()
    assert not ImportBatch.objects.exists() and not Person.objects.exists()


def test_discard_forgets_the_file(hub):
    client = client_for(hub[Role.COORDINATOR])
    upload(client, hub, write_csv(rows(), PEOPLE_COLUMNS))
    batch = ImportBatch.objects.get()
    client.post(reverse("people:import-discard", args=[batch.token]))
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and bytes(batch.content) == b""
    client.post(reverse("people:import-commit", args=[batch.token]))
    assert not Person.objects.exists()


def test_the_template_downloads(hub):
    response = client_for(hub[Role.COORDINATOR]).get(reverse("people:import-template", args=["interventions"]))
    assert response.status_code == 200 and response.content.decode().startswith("occurred_on,type,")


@pytest.mark.parametrize("role", [Role.WORKER, Role.LIAISON, Role.PRIVACY_OFFICER])
def test_other_roles_of_the_hub_get_404(hub, role):
    client = client_for(hub[role])
    assert client.get(reverse("people:import")).status_code == 404
    assert client.get(reverse("people:import-template", args=["people"])).status_code == 404
    assert upload(client, hub, write_csv(rows(), PEOPLE_COLUMNS)).status_code == 404
    assert not ImportBatch.objects.exists()


def test_another_organisations_batch_is_404_and_stays_as_it_was(hub, other_hub, network):
    upload(client_for(hub[Role.COORDINATOR]), hub, write_csv(rows(), PEOPLE_COLUMNS))
    batch = ImportBatch.objects.get()
    for user in [
        other_hub[Role.COORDINATOR],
        other_hub[Role.ADMIN],
        network.b[Role.ADMIN],
        network.a[Role.LIAISON],
        hub[Role.WORKER],
    ]:
        client = client_for(user)
        assert client.get(reverse("people:import-batch", args=[batch.token])).status_code == 404
        assert client.post(reverse("people:import-commit", args=[batch.token])).status_code == 404
        assert client.post(reverse("people:import-discard", args=[batch.token])).status_code == 404
    # Into another hub, by naming it in the form: refused as a choice that is not offered.
    response = upload(client_for(other_hub[Role.COORDINATOR]), hub, write_csv(rows(), PEOPLE_COLUMNS))
    assert response.status_code == 200 and ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED and not Person.objects.exists()
