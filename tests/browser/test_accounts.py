"""Logging in with two-step verification, in Chromium, on a phone."""

from base64 import b32decode

import pytest
from django.utils import translation

from accounts.two_factor import totp_now
from organisations.choices import Role
from tests import factories
from tests.auth import next_code, second_factor
from tests.browser.test_reports import assert_no_horizontal_scroll
from tests.browser.test_shell import open_menu

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
    open_menu(page)
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
    open_menu(page)
    assert page.locator(".site-account__name").is_visible()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_the_set_up_page_shows_a_whole_qr_code_and_the_key_in_groups(new_page, outside_event_loop, viewport, tmp_path):
    """The QR code is drawn at a size a camera reads, whole, inside the screen's width, on a phone
    and on a desktop; the key wraps between its groups of four; the button follows the steps."""

    def make_worker():
        hub = factories.organisation(kind="hub")
        return factories.member(hub, Role.WORKER, language="fr-ca")

    worker = outside_event_loop(make_worker)
    page = new_page(viewport=viewport)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", worker.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("#login-submit")
    page.wait_for_url("**/accounts/two-factor/setup/**")
    page.screenshot(path=tmp_path / f"two-factor-setup-{viewport['width']}.png", full_page=True)

    qr = page.locator("#two-factor-qr svg").bounding_box()
    assert qr["width"] >= 160 and qr["height"] >= 160, qr
    assert abs(qr["width"] - qr["height"]) < 1, "the code is drawn square, not cropped"
    assert qr["x"] >= 0 and qr["x"] + qr["width"] <= viewport["width"], qr
    # The SVG's drawing fills its box: its viewBox is what scales.
    assert page.get_attribute("#two-factor-qr svg", "viewBox")

    key = page.locator("#two-factor-key")
    groups = key.inner_text().split()
    assert len(groups) == 8 and all(len(group) == 4 for group in groups)
    line_height = float(key.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)"))
    assert key.bounding_box()["height"] <= 2 * line_height + 2, "the key wraps between groups only"
    assert key.bounding_box()["x"] + key.bounding_box()["width"] <= viewport["width"]

    button = page.locator("#two-factor-submit")
    assert button.is_visible()
    assert button.inner_text() == "Activer"
    steps = page.locator(".setup-steps__item")
    assert steps.count() == 3
    boxes = [steps.nth(index).bounding_box() for index in range(3)]
    assert boxes[0]["y"] + boxes[0]["height"] <= boxes[1]["y"] <= boxes[2]["y"], "the steps are stacked"
    if viewport["width"] == 390:
        assert_no_horizontal_scroll(page)
