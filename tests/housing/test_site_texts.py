"""A provider writes its site's texts in three languages; hub workers read them in theirs, else
in French marked "not yet translated"."""

import pytest
from django.urls import reverse

from housing.models import Site
from organisations.choices import OrganisationKind, Role
from organisations.models import AuditEntry
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    return build_housing_world()


def test_the_provider_writes_the_texts_and_the_hub_reads_its_language(client, world):
    login(client, world.provider_staff)
    page = reverse("housing:site-texts", args=[world.site.pk])
    assert 'lang="es"' in client.get(page).content.decode()
    response = client.post(
        page,
        {
            "description_fr": "Maison de trois étages.",
            "meals_fr": "Trois repas",
            "meals_es": "Tres comidas",
            "check_in_hours_fr": "Sonner à la porte de côté",
        },
    )
    assert response.status_code == 302
    site = Site.objects.get(pk=world.site.pk)
    assert (site.meals_fr, site.meals_es, site.meals_en) == ("Trois repas", "Tres comidas", None)
    assert AuditEntry.objects.filter(action="housing.site.updated", object_id=str(site.pk)).exists()
    # The provider's page says what is still missing.
    provider_page = client.get(reverse("housing:provider")).content.decode()
    assert "Not yet translated" in provider_page or "Pas encore traduit" in provider_page

    world.hub_worker.preferred_language = "es-419"
    world.hub_worker.save(update_fields=["preferred_language"])
    login(client, world.hub_worker)
    detail = client.get(reverse("housing:site", args=[site.pk])).content.decode()
    assert "Tres comidas" in detail and "Trois repas" not in detail
    # The description was written in French only: shown, marked, with its language.
    assert '<span lang="fr">Maison de trois étages.</span>' in detail


def test_french_may_not_be_left_out_when_another_language_is_written(client, world):
    login(client, world.provider_staff)
    # An empty French meals with a Spanish one: nothing to fall back to for French readers.
    response = client.post(reverse("housing:site-texts", args=[world.site.pk]), {"meals_es": "Tres comidas"})
    assert response.status_code == 400
    assert Site.objects.get(pk=world.site.pk).meals_es is None


@pytest.mark.parametrize("who", ["hub_worker", "other_provider"])
def test_others_do_not_reach_the_texts_page(client, world, who):
    if who == "other_provider":
        other = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
        user = factories.member(other, Role.WORKER)
    else:
        user = world.hub_worker
    login(client, user)
    page = reverse("housing:site-texts", args=[world.site.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"meals_fr": "Rien"}).status_code == 404
    assert Site.objects.get(pk=world.site.pk).meals_fr in (None, "")
