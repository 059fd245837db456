"""API tokens (django-rest-knox): made from a session that passed the second factor, shown once,
stored as a hash, with an expiry; revoked by their owner, by a password change."""

import re
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token

from accounts.models import ApiToken
from organisations.choices import Role
from tests.auth import login

NEW_TOKEN = re.compile(r'<p class="secret-text" id="new-token">([^<]+)</p>')


def make_token_on_the_page(client, name="Reporting script", days=30) -> str:
    response = client.post(reverse("api-tokens"), {"name": name, "lifetime_days": days})
    assert (response.status_code, response["Location"]) == (302, reverse("api-tokens"))
    return NEW_TOKEN.search(client.get(response["Location"]).content.decode()).group(1)


def me(api, text):
    api.credentials(HTTP_AUTHORIZATION=f"Token {text}")
    return api.get(reverse("api-me"))


def test_a_token_is_shown_once_and_stored_as_a_hash(client, api, network):
    worker = network.a[Role.WORKER]
    login(client, worker)
    text = make_token_on_the_page(client)
    assert text.startswith("pas_")

    token = ApiToken.objects.get(user=worker)
    assert token.digest == hash_token(text)
    assert text not in {token.digest, token.token_key, token.name}
    assert text.startswith(token.token_key)
    page = client.get(reverse("api-tokens")).content.decode()
    assert token.token_key in page and "Reporting script" in page and text not in page
    assert token.expiry - timezone.now() > timedelta(days=29, hours=23)

    assert token.last_used_at is None
    assert me(api, text).json()["email"] == worker.email
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_new_token_is_shown_once_after_a_redirect_and_a_reload_makes_no_other(client, network):
    """Post/redirect/get: reloading the page after making a token neither makes a second token
    nor shows the first one again."""
    login(client, network.a[Role.WORKER])
    text = make_token_on_the_page(client)
    reloaded = client.get(reverse("api-tokens"))
    assert reloaded.status_code == 200
    assert NEW_TOKEN.search(reloaded.content.decode()) is None and text not in reloaded.content.decode()
    assert ApiToken.objects.count() == 1


def test_a_token_stops_at_its_expiry(client, api, network):
    login(client, network.a[Role.WORKER])
    text = make_token_on_the_page(client, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert me(api, text).status_code == 401
    assert not ApiToken.objects.exists()


def test_revoking_on_the_page_and_by_a_password_change(client, api, network):
    worker = network.a[Role.WORKER]
    login(client, worker)
    first, second = make_token_on_the_page(client, "one"), make_token_on_the_page(client, "two")
    token = ApiToken.objects.get(name="one")
    assert client.post(reverse("api-token-revoke", args=[token.token_key]))["Location"] == reverse("api-tokens")
    assert me(api, first).status_code == 401
    assert me(api, second).status_code == 200

    worker.set_password("a-new-long-password")
    worker.save()
    assert me(api, second).status_code == 401


def test_another_users_token_cannot_be_revoked(client, network):
    login(client, network.a[Role.WORKER])
    text = make_token_on_the_page(client)
    login(client, network.b[Role.WORKER])
    assert client.post(reverse("api-token-revoke", args=[text[:15]])).status_code == 404
    assert ApiToken.objects.count() == 1


def test_only_a_session_that_passed_the_second_factor_makes_a_token(client, api, network):
    liaison = network.a[Role.LIAISON]  # needs no second factor, has none
    client.force_login(liaison)
    page = client.get(reverse("api-tokens")).content.decode()
    assert 'id="token-create"' not in page
    refused = client.post(reverse("api-tokens"), {"name": "x", "lifetime_days": 30})
    assert refused.status_code == 400 and "la vérification en deux étapes et connectez-vous" in refused.content.decode()

    response = client.post(
        reverse("api-token-list"), {"name": "x", "lifetime_days": 30}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (403, "two_factor_required")
    api.force_authenticate(network.a[Role.WORKER])
    response = api.post(reverse("api-token-list"), {"name": "x", "lifetime_days": 30}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "session_required")
    assert not ApiToken.objects.exists()


def test_the_api_makes_lists_and_revokes_tokens(client, api, network):
    worker = network.a[Role.WORKER]
    login(client, worker)
    response = client.post(
        reverse("api-token-list"), {"name": "Export", "lifetime_days": 7}, content_type="application/json"
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith(created["token_key"]) and created["name"] == "Export"

    # A token cannot make another token; the answer says where tokens are made.
    api.credentials(HTTP_AUTHORIZATION=f"Token {created['token']}")
    again = api.post(
        reverse("api-token-list"), {"name": "more", "lifetime_days": 7}, format="json", HTTP_ACCEPT_LANGUAGE="fr-ca"
    )
    assert (again.status_code, again.json()["code"]) == (403, "session_required")
    assert "session" in again.json()["detail"] and "deux étapes" in again.json()["detail"]
    listed = api.get(reverse("api-token-list")).json()
    assert [row["token_key"] for row in listed] == [created["token_key"]]
    assert "token" not in listed[0]

    too_long = client.post(
        reverse("api-token-list"), {"name": "x", "lifetime_days": 400}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "lifetime_days" in too_long.json()["fields"]

    assert api.delete(reverse("api-token-detail", args=[created["token_key"]])).status_code == 204
    assert api.get(reverse("api-token-list")).status_code == 401
