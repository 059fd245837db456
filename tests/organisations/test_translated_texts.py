"""What organisations write for others to read, in three languages: the reader gets theirs, else
French marked "not yet translated"; the author sees what is missing; search and the HSDS export
work in every language."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from organisations.choices import NeedCategory, Role
from organisations.models import AuditEntry, Service
from organisations.texts import missing_languages, translated
from tests import factories
from tests.auth import login

HSDS_SCHEMA = Path(settings.BASE_DIR) / "tests" / "data" / "hsds-3.0" / "organization.json"


@pytest.fixture
def written(network):
    """A service of B written in French and Spanish, not in English."""
    return factories.service(
        network.b.organisation,
        name_fr="Aide à l'emploi",
        name_es="Ayuda para el empleo",
        description_fr="Recherche d'emploi et CV.",
        description_es="Búsqueda de empleo y currículum.",
        eligibility_fr="Permis de travail.",
    )


def set_language(user, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def test_the_reader_gets_their_language_else_french_marked(written):
    spanish = translated(written, "name", "es-419")
    english = translated(written, "name", "en-ca")
    assert (spanish.text, spanish.missing) == ("Ayuda para el empleo", False)
    assert (english.text, english.language, english.missing) == ("Aide à l'emploi", "fr", True)
    # modeltranslation's descriptor gives the same text in each interface language.
    with translation.override("es-419"):
        assert Service.objects.get(pk=written.pk).name == "Ayuda para el empleo"
    with translation.override("en-ca"):
        assert Service.objects.get(pk=written.pk).name == "Aide à l'emploi"


def test_the_author_sees_the_missing_languages(written):
    with translation.override("en-ca"):
        # English is missing in the name and description; Spanish in the eligibility.
        assert missing_languages(written, "name", "description", "eligibility") == ["English", "Spanish"]
        assert missing_languages(written, "name", "description") == ["English"]


def test_the_directory_marks_a_text_not_yet_translated(client, network, written):
    reader = network.a[Role.WORKER]
    set_language(reader, "es-419")
    login(client, reader)
    page = client.get(reverse("directory")).content.decode()
    assert "Ayuda para el empleo" in page
    assert "Aide à l'emploi" not in page
    # The eligibility exists in French only: shown in French, marked, in the page's language.
    assert "Permis de travail." in page
    assert 'lang="fr"' in page
    set_language(reader, "en-ca")
    page = client.get(reverse("directory")).content.decode()
    assert "Aide à l&#x27;emploi" in page and "not yet translated" in page


@pytest.mark.parametrize("words", ["empleo", "EMPLOI", "currículum"])
def test_the_directory_search_finds_words_in_any_language(client, network, written, words):
    factories.service(network.b.organisation, name_fr="Banque alimentaire")
    login(client, network.a[Role.WORKER])
    services = client.get(reverse("directory"), {"text": words}).context["services"]
    assert [service.pk for service in services] == [written.pk]


def test_the_hsds_export_is_in_the_asked_language_and_validates(api, network, written):
    location = factories.location(network.b.organisation, name_fr="Bureau", name_es="Oficina")
    written.locations.set([location])
    schema = json.loads(HSDS_SCHEMA.read_text())
    api.force_authenticate(network.a[Role.WORKER])
    for language, name, eligibility, location_name in [
        ("es", "Ayuda para el empleo", "Permis de travail.", "Oficina"),
        ("en", "Aide à l'emploi", "Permis de travail.", "Bureau"),
        ("fr", "Aide à l'emploi", "Permis de travail.", "Bureau"),
    ]:
        response = api.get(reverse("api-directory-hsds"), {"language": language})
        assert response.status_code == 200
        assert response["Content-Language"] == language
        exported = response.json()
        for organisation in exported:
            jsonschema.validate(organisation, schema, cls=jsonschema.Draft202012Validator)
        [b] = [o for o in exported if o["name"] == network.b.organisation.name]
        [service] = [s for s in b["services"] if s["name"] == name]
        assert service["eligibility_description"] == eligibility
        [place] = b["locations"]
        assert place["name"] == location_name
        # The languages the services are given in, on the service and on the place.
        assert [entry["code"] for entry in place["languages"]] == ["es", "fr"]
        assert {entry["location_id"] for entry in place["languages"]} == {place["id"]}


def test_the_hsds_export_refuses_an_unknown_language(api, network):
    api.force_authenticate(network.a[Role.WORKER])
    response = api.get(reverse("api-directory-hsds"), {"language": "de"})
    assert response.status_code == 400
    assert "language" in response.json()["fields"]


def test_the_api_writes_each_language_and_reads_the_readers(api, network):
    admin = network.b[Role.ADMIN]
    api.force_authenticate(admin)
    body = {
        "organisation": network.b.organisation.pk,
        "name_fr": "Francisation",
        "name_es": "Francés para adultos",
        "need_categories": [NeedCategory.FRANCISATION],
        "languages": ["fr"],
    }
    created = api.post(reverse("service-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="es-419")
    assert created.status_code == 201, created.content
    assert (created.json()["name_en"], created.json()["name_fr"]) == (None, "Francisation")
    without_french = api.post(reverse("service-list"), {**body, "name_fr": ""}, format="json")
    assert without_french.status_code == 400 and "name_fr" in without_french.json()["fields"]
    # ``name`` is read-only: the texts are written by language.
    service = Service.objects.get(pk=created.json()["id"])
    api.patch(reverse("service-detail", args=[service.pk]), {"name": "Autre"}, format="json")
    service.refresh_from_db()
    assert (service.name_fr, service.name_es) == ("Francisation", "Francés para adultos")


def test_an_admin_writes_a_service_in_three_languages_in_pages(client, network):
    admin = network.b[Role.ADMIN]
    login(client, admin)
    new = reverse("organisations:service-create", args=[network.b.organisation.slug])
    refused = client.post(new, {"name_es": "Sin francés", "need_categories": ["food"], "languages": ["es"]})
    assert refused.status_code == 400
    assert not Service.objects.filter(organisation=network.b.organisation).exists()
    response = client.post(
        new,
        {
            "name_fr": "Dépannage alimentaire",
            "name_es": "Ayuda alimentaria",
            "description_fr": "Paniers chaque mardi.",
            "need_categories": ["food"],
            "languages": ["es", "fr"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get(organisation=network.b.organisation)
    assert (service.name_fr, service.name_es, service.name_en) == ("Dépannage alimentaire", "Ayuda alimentaria", None)
    assert service.need_categories == ["food"]
    assert AuditEntry.objects.filter(action="organisations.service.created", object_id=str(service.pk)).exists()
    set_language(admin, "en-ca")
    listing = client.get(reverse("organisations:services", args=[network.b.organisation.slug])).content.decode()
    # Missing: English in the name and the description, Spanish in the description.
    assert "Not yet translated" in listing
    assert "Name of the service: English" in listing and "What the service does: English, Spanish" in listing
    edit = client.get(reverse("organisations:service-edit", args=[service.pk])).content.decode()
    assert 'lang="es"' in edit and "Ayuda alimentaria" in edit


@pytest.mark.parametrize("role", [Role.WORKER, Role.LIAISON, Role.COORDINATOR])
def test_only_the_organisations_admins_write_its_services(client, network, role):
    service = factories.service(network.b.organisation)
    login(client, network.b[role])
    assert client.get(reverse("organisations:services", args=[network.b.organisation.slug])).status_code == 404
    assert client.get(reverse("organisations:service-edit", args=[service.pk])).status_code == 404


def test_another_organisations_admin_gets_not_found(client, network):
    service = factories.service(network.b.organisation, name_fr="Avant")
    login(client, network.a[Role.ADMIN])
    assert client.get(reverse("organisations:services", args=[network.b.organisation.slug])).status_code == 404
    edit = reverse("organisations:service-edit", args=[service.pk])
    assert client.post(edit, {"name_fr": "Après", "need_categories": ["food"], "languages": ["fr"]}).status_code == 404
    service.refresh_from_db()
    assert service.name_fr == "Avant"


def services_file(*lines: str) -> SimpleUploadedFile:
    header = "name_fr,name_es,description_fr,need_categories,languages"
    return SimpleUploadedFile("services.csv", "\n".join([header, *lines]).encode("cp1252"), content_type="text/csv")


def test_an_admin_imports_services_from_a_spreadsheet_after_checking_it(client, network):
    organisation = network.b.organisation
    login(client, network.b[Role.ADMIN])
    page = reverse("organisations:services-import", args=[organisation.slug])
    template = client.get(reverse("organisations:services-import-template", args=[organisation.slug]))
    assert template.status_code == 200 and b"name_fr" in template.content
    # A bad line: nothing is kept, the line is named.
    checked = client.post(page, {"file": services_file("Dépannage,Ayuda,Paniers,food,fr;es", ",Sin nombre,,food,es")})
    assert checked.status_code == 400
    assert checked.context["result"].errors[0][0] == 3
    assert not Service.objects.filter(organisation=organisation).exists()
    # The fixed file (Latin-1, as Excel writes it): checked, then imported as checked.
    checked = client.post(page, {"file": services_file("Dépannage,Ayuda,Paniers,food,fr;es")})
    assert checked.status_code == 200 and not Service.objects.filter(organisation=organisation).exists()
    imported = client.post(page, {"commit": checked.context["fingerprint"]})
    assert imported.status_code == 302
    service = Service.objects.get(organisation=organisation)
    assert (service.name_fr, service.name_es, service.need_categories) == ("Dépannage", "Ayuda", ["food"])
    # The same waiting file is not imported twice.
    again = client.post(page, {"commit": checked.context["fingerprint"]})
    assert again.status_code == 302 and Service.objects.filter(organisation=organisation).count() == 1


@pytest.mark.parametrize("who", ["worker", "other_admin"])
def test_the_services_import_is_the_organisations_admins(client, network, who):
    user = network.b[Role.WORKER] if who == "worker" else network.a[Role.ADMIN]
    login(client, user)
    page = reverse("organisations:services-import", args=[network.b.organisation.slug])
    assert client.get(page).status_code == 404
    assert client.post(page, {"file": services_file("Dépannage,Ayuda,Paniers,food,fr")}).status_code == 404
    assert not Service.objects.filter(organisation=network.b.organisation).exists()
