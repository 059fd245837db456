"""The privacy officer's retention page: runs and their counts, periods in force, legal holds set
and lifted with clear errors; nobody else reaches it."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from organisations.models import AuditEntry
from retention import services
from retention.models import LegalHold
from tests import factories
from tests.auth import login
from tests.retention.world import LATER


def client_for(user) -> Client:
    client = Client()
    login(client, user)
    return client


def test_the_page_shows_runs_periods_and_holds_in_french(world):
    with time_machine.travel(LATER, tick=False):
        services.retention_apply()
    response = client_for(world.officer).get(reverse("retention:overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dossiers de personnes : 5 (anonymisation)" in body
    assert "Terminée" in body
    assert "Anonymisation après 2557 jours" in body
    assert f"#{world.held.pk} Rosa García" in body
    # Showing a held file's name is a read of it, audited.
    assert AuditEntry.objects.filter(
        action="retention.legal_hold.read", actor=world.officer, object_id=str(world.held.pk)
    ).exists()
    assert "Conservation des données" in client_for(world.officer).get(reverse("home")).content.decode()


def test_a_hold_is_set_and_lifted_from_the_page(world):
    client = client_for(world.officer)
    response = client.post(reverse("retention:hold-set"), {"person": f"#{world.recent.pk}", "reason": "Plainte"})
    assert response.status_code == 302
    hold = LegalHold.objects.active().get(person=world.recent)
    assert hold.set_by == world.officer and hold.reason == "Plainte"
    response = client.post(reverse("retention:hold-lift", args=[hold.pk]))
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == world.officer
    assert AuditEntry.objects.filter(action="retention.legal_hold.lifted", object_id=str(hold.pk)).exists()


def test_bad_input_gets_a_clear_error_and_writes_nothing(world):
    client = client_for(world.officer)
    stranger = factories.person(factories.organisation(kind="hub"))
    cases = [
        ({"person": "abc", "reason": "x"}, "Indiquez le numéro du dossier"),
        ({"person": str(world.recent.pk), "reason": "  "}, "Indiquez la raison"),
        ({"person": str(world.held.pk), "reason": "x"}, "déjà sous gel juridique"),
        ({"person": str(stranger.pk), "reason": "x"}, "Aucun dossier ne porte ce numéro"),
        ({"person": "999999999", "reason": "x"}, "Aucun dossier ne porte ce numéro"),
    ]
    holds = LegalHold.objects.count()
    for data, message in cases:
        response = client.post(reverse("retention:hold-set"), data)
        assert response.status_code == 400
        assert message in response.content.decode(), data
    assert LegalHold.objects.count() == holds


@pytest.mark.parametrize("language", ["es-419", "en-ca"])
def test_the_page_reads_in_spanish_and_english(world, language):
    world.officer.preferred_language = language
    world.officer.save()
    with translation.override(language):
        body = client_for(world.officer).get(reverse("retention:overview"), HTTP_ACCEPT_LANGUAGE=language)
    text = body.content.decode()
    expected = {"es-419": "Expedientes bajo retención legal", "en-ca": "Files under legal hold"}[language]
    assert expected in text


def test_nobody_but_a_privacy_officer_reaches_it(world):
    hold = LegalHold.objects.get()
    other_officer = factories.member(factories.organisation(kind="hub"), "privacy_officer")
    for user in (world.worker, world.partner_agent):
        client = client_for(user)
        assert client.get(reverse("retention:overview")).status_code == 404
        assert client.post(reverse("retention:hold-set"), {"person": world.recent.pk, "reason": "x"}).status_code == 404
    for user in (world.worker, other_officer):
        assert client_for(user).post(reverse("retention:hold-lift", args=[hold.pk])).status_code == 404
    body = client_for(other_officer).get(reverse("retention:overview")).content.decode()
    assert "Rosa" not in body
    assert LegalHold.objects.active().count() == 1
