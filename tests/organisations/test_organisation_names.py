"""An organisation cannot pass itself off as another (outside test, finding F1): names are unique
as people read them, only the platform's staff rename an organisation, and a proposal shows what
tells the proposing organisation apart from a namesake."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import formats, timezone, translation

from notifications.models import Notification
from notifications.rendering import notification_text
from organisations import services
from organisations.choices import OrganisationKind, PartnershipScope, Role
from organisations.errors import ApplicationError
from organisations.models import AuditEntry, Organisation, organisation_name_key
from tests import factories
from tests.auth import login

HUB_NAME = "Centre multiethnique d’accueil de Québec"


@pytest.mark.parametrize(
    "lookalike",
    [
        HUB_NAME,
        "Centre multiethnique d'accueil de Québec",  # the straight apostrophe
        "centre MULTIETHNIQUE d’accueil de quebec",  # case and accents
        "Centre  multi-ethnique d accueil, de Québec.",  # spaces and punctuation
        "Centre multiethnique d\u2019accueil de Que\u0301bec",  # a decomposed accent
        "Centre\u00a0multiethnique d’accueil de Québec",  # a no-break space
        # (A zero-width space is refused before, as an invisible character: test_bad_input.py.)
    ],
)
def test_a_name_that_reads_the_same_is_refused(db, lookalike):
    factories.organisation(kind=OrganisationKind.HUB, name=HUB_NAME)
    assert organisation_name_key(lookalike) == organisation_name_key(HUB_NAME)
    with pytest.raises(ValidationError) as refused:
        factories.organisation(name=lookalike)
    assert refused.value.error_dict["name"][0].code == "unique"
    assert Organisation.objects.count() == 1


def test_different_names_are_kept_apart(db):
    factories.organisation(name="Centre d’accueil de Québec")
    factories.organisation(name="Centre d’accueil de Lévis")
    assert Organisation.objects.count() == 2


def test_the_database_refuses_a_clash_that_skips_the_checks(db):
    first = factories.organisation(name="Maison Le Phare")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Maison le phare", slug="autre", kind=first.kind, name_key=first.name_key)


def test_an_organisation_admin_cannot_rename_it(api, network):
    organisation = network.a.organisation
    api.force_authenticate(network.a[Role.ADMIN])
    url = reverse("organisation-detail", args=[organisation.pk])
    response = api.patch(url, {"name": network.b.organisation.name, "description_fr": "Nouvelle"}, format="json")
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.name != network.b.organisation.name
    assert organisation.description_fr == "Nouvelle"
    # The service refuses it too, whoever calls it for a user.
    with pytest.raises(ApplicationError) as refused:
        services.organisation_update(actor=network.a[Role.ADMIN], organisation=organisation, name="Autre nom")
    assert refused.value.code == "name_read_only"
    schema = api.get(reverse("api-schema"), {"format": "json"}).json()
    assert schema["components"]["schemas"]["Organisation"]["properties"]["name"]["readOnly"] is True


def test_staff_rename_in_the_django_admin_where_a_clash_is_told_and_the_rename_audited(client, network):
    staff = factories.user(is_staff=True, is_superuser=True)
    login(client, staff)
    organisation = network.a.organisation
    url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
    form = {
        "slug": organisation.slug,
        "kind": organisation.kind,
        "languages_served": "[]",
        "is_active": "on",
    }
    with translation.override("fr-ca"):
        clash = client.post(url, {**form, "name": network.b.organisation.name.upper()}, HTTP_ACCEPT_LANGUAGE="fr")
    assert clash.status_code == 200
    assert clash.context["adminform"].form.errors["name"]
    organisation.refresh_from_db()
    previous = organisation.name

    renamed = client.post(url, {**form, "name": "Carrefour des nouveaux arrivants"})
    assert renamed.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.name_key) == (
        "Carrefour des nouveaux arrivants",
        "carrefourdesnouveauxarrivants",
    )
    entry = AuditEntry.objects.get(action="organisations.organisation.updated", object_id=str(organisation.pk))
    assert "name" in entry.details["fields"] and entry.details["previous_name"] == previous


def test_a_proposal_says_who_proposes_beyond_the_name(client, db):
    hub = factories.side(OrganisationKind.HUB)
    provider = factories.side(OrganisationKind.HOUSING_PROVIDER)
    newcomer = factories.side(OrganisationKind.COMMUNITY)
    services.partnership_propose(
        actor=newcomer[Role.COORDINATOR],
        organisation=newcomer.organisation,
        partner=provider.organisation,
        scope=PartnershipScope.HOUSING,
    )
    joined = timezone.localdate(newcomer.organisation.created_at)

    login(client, provider[Role.COORDINATOR])
    with translation.override("fr-ca"):
        page = client.get(reverse("organisations:partnerships"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        joined_text = formats.date_format(joined, "DATE_FORMAT")
    directory_link = reverse("directory-organisation", args=[newcomer.organisation.slug])
    assert f'data-organisation-identity="{newcomer.organisation.slug}"' in page
    assert f'href="{directory_link}"' in page
    assert "Organisme communautaire" in page or str(OrganisationKind.COMMUNITY.label) in page
    assert f"membre du réseau depuis le {joined_text}" in page

    notification = Notification.objects.get(kind="partnership_proposed", recipient=provider[Role.COORDINATOR])
    with translation.override("es-419"):
        text = notification_text(notification)
        kind = str(OrganisationKind.COMMUNITY.label)
        joined_text = formats.date_format(joined, "DATE_FORMAT")
    assert newcomer.organisation.slug in text and kind in text and joined_text in text
    assert hub.organisation.name not in text


BEFORE_NAME_KEY = ("organisations", "0011_override_housing_rules")


@pytest.mark.django_db(transaction=True)
def test_existing_organisations_get_their_key_and_clashing_ones_still_migrate():
    """``0012_organisation_name_key``: every row gets its key; two old names that read the same
    keep distinct keys (the later one's id appended) for the staff to rename one."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([BEFORE_NAME_KEY])
    try:
        old_apps = executor.loader.project_state([BEFORE_NAME_KEY]).apps
        OldOrganisation = old_apps.get_model("organisations", "Organisation")
        first, twin, other = (
            OldOrganisation.objects.create(name=name, slug=slug, kind="community")
            for name, slug in ((HUB_NAME, "a"), ("Centre multiethnique d'accueil de Quebec", "b"), ("Autre", "c"))
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    keys = dict(Organisation.objects.values_list("pk", "name_key"))
    assert keys[first.pk] == organisation_name_key(HUB_NAME)
    assert keys[twin.pk] == f"{organisation_name_key(HUB_NAME)}#{twin.pk}"
    assert keys[other.pk] == "autre"
