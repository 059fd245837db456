"""The privacy notice at collection (Law 25, s. 8): versioned per organisation, in French, English
and Spanish, shown on the consent form; each consent keeps the version the person was shown, the
language it was explained in and whether an interpreter helped."""

from datetime import timedelta

from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from organisations.choices import NeedCategory
from people import selectors
from people.choices import ConsentMethod, DataGroup
from people.models import Consent, PrivacyNotice
from tests.auth import login
from tests.people.test_pages import make_person

CONTACT = "Responsable vie privée, 418 555-0100"


def notice(world, version: int, **fields) -> PrivacyNotice:
    fields.setdefault("published_on", timezone.localdate() - timedelta(days=1))
    return PrivacyNotice.objects.create(
        organisation=world.hub,
        version=version,
        privacy_officer_contact=CONTACT,
        text_fr=f"Avis v{version} : fins, destinataires, vos droits.",
        text_en=f"Notice v{version}: purposes, recipients, your rights.",
        text_es=f"Aviso v{version}: fines, destinatarios, sus derechos.",
        **fields,
    )


def consent_form(world, **fields) -> dict:
    return {
        "recipient": world.partner.pk,
        "purposes": [NeedCategory.EMPLOYMENT],
        "data_groups": [DataGroup.IDENTITY],
        "method": ConsentMethod.ORAL_RECORDED,
        "language": "es",
        "interpreter_assisted": "on",
        "given_by": "person",
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **fields,
    }


def test_the_notice_in_force_is_the_highest_version_already_published(world):
    assert selectors.privacy_notice_in_force(world.hub) is None
    notice(world, 1)
    second = notice(world, 2)
    notice(world, 3, published_on=timezone.localdate() + timedelta(days=5))
    assert selectors.privacy_notice_in_force(world.hub) == second


def test_the_consent_form_shows_the_notice_in_three_languages_and_the_consent_keeps_its_version(client, world):
    current = notice(world, 1)
    person = make_person(world, preferred_language="es")
    login(client, world.worker)
    html = client.get(reverse("people:file", args=[person.pk])).content.decode()
    for text in (current.text_fr, current.text_en, current.text_es, CONTACT):
        assert text in html
    assert 'id="privacy-notice" data-version="1"' in html
    assert 'name="notice_version" value="1"' in html

    response = client.post(reverse("people:consent-create", args=[person.pk]), consent_form(world, notice_version=1))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.notice, consent.language, consent.interpreter_assisted) == (current, "es", True)


def test_a_notice_changed_while_the_form_was_open_refuses_the_consent(client, world):
    notice(world, 1)
    person = make_person(world)
    login(client, world.worker)
    notice(world, 2)
    response = client.post(reverse("people:consent-create", args=[person.pk]), consent_form(world, notice_version=1))
    assert response.status_code == 200
    assert "The privacy notice changed while the form was open" in response.content.decode()
    assert not Consent.objects.exists()


def test_without_a_notice_the_form_says_so(client, world):
    person = make_person(world)
    login(client, world.worker)
    html = client.get(reverse("people:file", args=[person.pk])).content.decode()
    assert 'id="privacy-notice-missing"' in html


def test_the_api_gives_the_version_shown(api, world):
    notice(world, 4)
    person = make_person(world)
    api.force_authenticate(world.worker)
    data = {**consent_form(world, interpreter_assisted=True), "recipient": world.partner.pk}
    response = api.post(reverse("person-consents", args=[person.pk]), data, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["notice_version"] == 4


def test_a_recorded_version_cannot_be_changed_or_deleted_in_the_admin(world):
    recorded = notice(world, 1)
    admin = site._registry[PrivacyNotice]
    request = RequestFactory().get("/")
    request.user = type("Staff", (), {"has_perm": lambda self, perm, obj=None: True, "is_active": True})()
    assert admin.has_change_permission(request) is True  # the add form
    assert admin.has_change_permission(request, recorded) is False
    assert admin.has_delete_permission(request, recorded) is False
