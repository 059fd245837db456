"""Messages a person reads are whole sentences in their language: the API's refusals of a body
it cannot read and of a failed CSRF check, the login error, the membership notifications."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.kinds import get_kind
from notifications.organisation_notices import MEMBERSHIP_ENDED, MEMBERSHIP_GRANTED
from organisations.choices import Role
from tests.auth import login


@pytest.mark.parametrize(
    ("body", "language", "expected"),
    [
        (b'{given_names: "Ana"}', "fr-ca", "pas du JSON valide : ligne 1, colonne 2"),
        (b'{"given_names": "\xff"}', "es-419", "no es un texto utf-8 válido"),
        (b'{"given_names": NaN}', "fr-ca", "NaN"),
    ],
)
def test_a_body_the_api_cannot_read_is_a_translated_400(api, network, body, language, expected):
    api.force_authenticate(network.a[Role.WORKER])
    response = api.generic(
        "POST", reverse("person-list"), body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert response.json()["code"] == "parse_error"
    assert expected.lower() in detail.lower().replace("\u00a0", " "), detail
    for python_words in ("Expecting", "codec", "char ", "decode"):
        assert python_words not in detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"), [("fr-ca", "contrôle de sécurité"), ("es-419", "verificación de seguridad")]
)
def test_a_failed_csrf_check_on_the_api_is_translated_json(network, language, expected):
    client = Client(enforce_csrf_checks=True)
    user = network.a[Role.WORKER]
    user.preferred_language = language
    user.save()
    login(client, user)
    response = client.patch(
        reverse("api-me"), {"full_name": "Ana"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert expected in response.json()["detail"] and "CSRF Failed" not in response.json()["detail"]


@pytest.mark.django_db
def test_the_login_error_is_one_french_sentence(client, network):
    response = client.post(
        reverse("login"),
        {"username": network.a[Role.WORKER].email, "password": "not the password"},
        HTTP_ACCEPT_LANGUAGE="fr-ca",
    )
    page = response.content.decode()
    assert "Saisissez une adresse courriel et un mot de passe valides" in page
    assert "un adresse" not in page


@pytest.mark.parametrize(
    ("language", "granted", "ended"),
    [
        ("fr-ca", "maintenant le rôle", "a pris fin"),
        ("es-419", "Ahora tiene el rol", "terminó"),
    ],
)
def test_the_membership_notifications_name_the_organisation_without_an_elision(language, granted, ended):
    """ "au sein de Organisme Intrus" needed an elision no code can make on a name."""
    params = {"role": Role.WORKER, "organisation": "Organisme Intrus"}
    where = {"fr-ca": "dans l'organisme Organisme Intrus", "es-419": "en la organización Organisme Intrus"}[language]
    with translation.override(language):
        granted_text = get_kind(MEMBERSHIP_GRANTED).text(params)
        ended_text = get_kind(MEMBERSHIP_ENDED).text(params)
    assert granted in granted_text and where in granted_text, granted_text
    assert ended in ended_text and where in ended_text, ended_text


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("EmailField", "x", "Saisissez une adresse de courriel valide."),
        ("DateField", "x", "Saisissez une date valide."),
        ("CharField", "", "Ce champ est obligatoire."),
    ],
)
def test_djangos_own_form_messages_read_right_in_quebec_french(field, typed, expected):
    """Django's catalogue, as the fr_CA pages show it: whole, agreed sentences ("une adresse")."""
    from django import forms
    from django.core.exceptions import ValidationError

    with translation.override("fr-ca"), pytest.raises(ValidationError) as refused:
        getattr(forms, field)().clean(typed)
    assert refused.value.messages == [expected]
