"""Logging in with two-step verification, in Chromium, on a phone."""

from base64 import b32decode

import pytest
from django.utils import translation

from accounts.two_factor import totp_now
from organisations.choices import Role
from tests import factories
from tests.auth import next_code, second_factor
from tests.browser.test_reports import assert_no_horizontal_scroll

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_sets_up_the_second_factor_at_the_first_login_in_french(new_page, outside_event_loop):
    def make_worker():
        hub = factories.organisation(kind="hub")
        return factories.member(hub, Role.WORKER, language="fr-ca", full_name="Élise Tremblay")

    worker = outside_event_loop(make_worker)
    page = new_page()  # a 390 px phone, French
    page.goto("/accounts/login/")
    page.fill("input[name=username]", worker.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("#login-submit")

    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.get_attribute("html", "lang") == "fr-ca"
    assert page.locator("h1").inner_text() == "Configurer la vérification en deux étapes"
    assert page.locator("#two-factor-qr svg").is_visible()
    assert_no_horizontal_scroll(page)

    # The phone's app reads the key (here from the text shown for typing it) and shows a code.
    key = b32decode(page.locator("#two-factor-key").inner_text().replace(" ", "")).hex()
    page.fill("input[name=code]", "000000")
    page.click("#two-factor-submit")
    assert "ne correspond pas" in page.locator(".field--error .errorlist").inner_text()
    page.fill("input[name=code]", totp_now(key))
    page.click("#two-factor-submit")

    assert page.locator("h1").inner_text() == "Vos codes de récupération"
    assert page.locator("#recovery-codes li").count() == 10
    assert_no_horizontal_scroll(page)
    page.click("#recovery-codes-done")
    page.wait_for_url("**/")
    assert page.locator(".site-account__name").inner_text() == "Élise Tremblay"


def test_a_coordinator_logs_in_with_a_code_in_spanish(new_page, outside_event_loop):
    def make_coordinator():
        hub = factories.organisation(kind="hub")
        coordinator = factories.member(hub, Role.COORDINATOR, language="es-419")
        return coordinator, second_factor(coordinator)

    coordinator, device = outside_event_loop(make_coordinator)
    page = new_page(locale="es-419")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", coordinator.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("#login-submit")

    page.wait_for_url("**/accounts/two-factor/verify/**")
    with translation.override("es-419"):
        heading = translation.gettext("Two-step verification")
    assert page.get_attribute("html", "lang") == "es-419"
    assert page.locator("h1").inner_text() == heading == "Verificación en dos pasos"
    page.fill("input[name=code]", "123456")
    page.click("#two-factor-submit")
    assert "no es válido" in page.locator(".field--error .errorlist").inner_text()

    page.wait_for_timeout(1100)  # after a wrong code, the next one waits a second (throttling)
    page.fill("input[name=code]", next_code(device))
    page.click("#two-factor-submit")
    page.wait_for_url("**/")
    assert page.locator(".site-account__name").is_visible()
