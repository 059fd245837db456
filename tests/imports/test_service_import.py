"""A partner's services from a CSV (organisations/service_import.py): through service_create, in
three languages, all or none, by the organisation's admins only."""

import io

import pytest
from django.utils import translation

from organisations.choices import OrganisationKind, Role
from organisations.errors import NotFoundError
from organisations.models import AuditEntry, Service
from organisations.service_import import COLUMNS, services_import, template_csv
from tests import factories
from tests.imports.spreadsheets import write_csv, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return factories.side(OrganisationKind.FOOD_AID)


ROWS = [
    {
        "name_fr": "Banque alimentaire",
        "name_en": "Food bank",
        "name_es": "Banco de alimentos",
        "description_fr": "Paniers chaque semaine.",
        "description_es": "Canastas cada semana.",
        "need_categories": "food;Aide matérielle",
        "languages": "fr;ES",
        "email": "aide@example.org",
        "url": "https://example.org/aide",
    },
    {
        "name_fr": "Vêtements d'hiver",
        "name_es": "Ropa de invierno",
        "need_categories": "material_aid",
        "languages": "es",
    },
]


def run(side, content: bytes, *, commit: bool, role=Role.ADMIN, name="services.csv"):
    return services_import(
        io.BytesIO(content), actor=side[role], organisation=side.organisation, file_name=name, commit=commit
    )


def test_preview_writes_nothing_then_the_import_adds_every_service_in_three_languages(partner):
    content = write_csv(ROWS, COLUMNS, encoding="cp1252", delimiter=";")
    preview = run(partner, content, commit=False)
    assert preview.can_commit and preview.names == ["Banque alimentaire", "Vêtements d'hiver"]
    assert not Service.objects.filter(organisation=partner.organisation).exists()
    assert not preview.committed
    result = run(partner, content, commit=True)
    assert result.committed
    service = Service.objects.get(organisation=partner.organisation, name_fr="Banque alimentaire")
    assert (service.name_en, service.name_es, service.description_es) == (
        "Food bank",
        "Banco de alimentos",
        "Canastas cada semana.",
    )
    assert service.need_categories == ["food", "material_aid"] and service.languages == ["es", "fr"]
    with translation.override("es"):
        assert service.name == "Banco de alimentos"
    assert (
        AuditEntry.objects.filter(action="organisations.service.imported", organisation=partner.organisation).count()
        == 1
    )


def test_one_bad_row_and_nothing_is_imported(partner):
    rows = [
        *ROWS,
        {"name_fr": "", "name_es": "Sin nombre francés", "need_categories": "food", "languages": "es"},
        {"name_fr": "Ateliers", "need_categories": "astrology", "languages": "fr"},
        {"name_fr": "Courriel", "need_categories": "food", "languages": "fr", "email": "pas-un-courriel"},
        {"name_fr": "banque alimentaire", "need_categories": "food", "languages": "fr"},
    ]
    result = run(partner, write_xlsx(rows, COLUMNS), commit=True, name="services.xlsx")
    assert not result.committed
    assert sorted({(line, column) for line, column, _message in result.errors}) == [
        (4, "name_fr"),
        (5, "need_categories"),
        (6, "email"),
        (7, "name_fr"),
    ]
    assert not Service.objects.filter(organisation=partner.organisation).exists()
    assert not AuditEntry.objects.filter(action__startswith="organisations.service.").exists()


def test_the_directorys_rule_french_first_holds_for_each_row(partner):
    rows = [{"name_fr": "Repas", "description_es": "Comidas", "need_categories": "food", "languages": "es"}]
    result = run(partner, write_csv(rows, COLUMNS), commit=True)
    assert [(line, column) for line, column, _m in result.errors] == [(2, "description_fr")]
    assert not Service.objects.filter(organisation=partner.organisation).exists()


def test_a_service_already_listed_is_refused(partner):
    factories.service(partner.organisation, name_fr="Banque alimentaire")
    result = run(partner, write_csv(ROWS, COLUMNS), commit=True)
    assert [(line, column) for line, column, _m in result.errors] == [(2, "name_fr")]
    assert Service.objects.filter(organisation=partner.organisation).count() == 1


def test_wrong_columns_and_the_template(partner):
    result = run(partner, b"nom,categories\r\nA,food\r\n", commit=False)
    assert "name_fr" in result.file_error and "nom" in result.file_error
    assert run(partner, template_csv().encode(), commit=False).can_commit


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.WORKER, Role.LIAISON, Role.PRIVACY_OFFICER])
def test_only_the_organisations_admins(partner, role):
    with pytest.raises(NotFoundError):
        run(partner, write_csv(ROWS, COLUMNS), commit=True, role=role)


def test_nobody_adds_services_to_another_organisation(partner, network):
    for actor in (network.a[Role.ADMIN], network.b[Role.ADMIN], network.outsider):
        with pytest.raises(NotFoundError):
            services_import(
                io.BytesIO(write_csv(ROWS, COLUMNS)), actor=actor, organisation=partner.organisation, commit=True
            )
    assert not Service.objects.filter(organisation=partner.organisation).exists()
