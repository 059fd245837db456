"""The web shell's pages: what anonymous people and members see."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.two_factor import totp_now
from organisations.choices import NeedCategory, Role
from tests import factories
from tests.auth import login, second_factor


def test_pages_need_a_login(client, db):
    for name in ("home", "directory", "profile"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_with_email_and_password_then_the_second_factor(client, network):
    user = network.a[Role.WORKER]
    device = second_factor(user)
    response = client.post(reverse("login"), {"username": user.email, "password": factories.PASSWORD})
    assert response["Location"] == f"{reverse('two-factor-verify')}?next=%2F"
    assert client.get(reverse("home"))["Location"] == f"{reverse('two-factor-verify')}?next=%2F"

    response = client.post(reverse("two-factor-verify"), {"code": totp_now(device.key), "next": "/"})
    assert response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_said_next_to_the_form(client, network):
    response = client.post(reverse("login"), {"username": network.a[Role.WORKER].email, "password": "nope"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="alert alert--error" role="alert"' in html
    assert "mot de passe valides" in html


def test_password_reset_sends_a_link(client, network, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = network.a[Role.WORKER]
    response = client.post(reverse("password_reset"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "/accounts/reset/" in message.body


def test_directory_filters_and_keeps_the_valid_ones(client, network):
    food = factories.service(network.a.organisation, need_categories=[NeedCategory.FOOD], languages=["es"])
    legal = factories.service(
        network.b.organisation, need_categories=[NeedCategory.LEGAL_IMMIGRATION], languages=["fr"]
    )
    login(client, network.a[Role.WORKER])
    html = client.get(reverse("directory"), {"need_category": "food"}).content.decode()
    assert food.name in html and legal.name not in html
    html = client.get(reverse("directory"), {"need_category": "nope", "language": "fr"}).content.decode()
    assert legal.name in html and food.name not in html


def test_outsiders_see_an_empty_directory_and_a_404_for_an_organisation(client, network):
    factories.service(network.a.organisation, name="Service caché")
    login(client, network.outsider)
    assert "Service caché" not in client.get(reverse("directory")).content.decode()
    url = reverse("directory-organisation", args=[network.a.organisation.slug])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.WORKER, Role.PRIVACY_OFFICER])
def test_navigation_follows_the_role(client, network, role):
    login(client, network.a[role])
    html = client.get(reverse("home")).content.decode()
    assert (reverse("organisations:audit-log") in html) == (role == Role.PRIVACY_OFFICER)
    assert "/api/v1/audit-entries/" not in html


def test_healthz_and_api_404_are_plain(client, db):
    assert client.get("/healthz").content == b"ok"
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_form_address_opened_after_logging_in_again_says_what_to_do(client, network):
    """The session ended while the worker sent a form; the login sends them back to the form's
    address with a GET: a page in their language, not the browser's blank 405."""
    user = network.a[Role.WORKER]
    device = second_factor(user)
    form_address = reverse("people:create")
    assert client.get(form_address)["Location"] == f"{reverse('login')}?next={form_address}"

    response = client.post(
        reverse("login"), {"username": user.email, "password": factories.PASSWORD, "next": form_address}, follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two-factor-verify"))
    response = client.post(
        reverse("two-factor-verify"), {"code": totp_now(device.key), "next": form_address}, follow=True
    )
    assert response.redirect_chain[-1][0] == form_address
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "<h1>Cette adresse reçoit un formulaire</h1>" in html
    assert f'href="{reverse("home")}"' in html


def test_the_api_keeps_its_json_405(client, network):
    login(client, network.a[Role.WORKER])
    response = client.get("/api/v1/housing/holds/999/release/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
