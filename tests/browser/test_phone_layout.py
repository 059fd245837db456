"""The phone layout puts the work first (390×844, French and Spanish): the header is one row of at
most 64 px with one menu button, and each page's main action is in the first screen without
sideways scroll: the today page, the housing board, the person file, the partner's referral."""

import pytest
from django.utils import translation

from organisations.choices import OrganisationKind, Role
from tests import factories
from tests.browser.test_reports import AXE, serious_violations
from tests.browser.test_shell import log_in, open_menu
from tests.housing.world import build_housing_world

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 390, "height": 844}
HEADER_MAX_PX = 64
LANGUAGES = [("fr-ca", "fr-CA"), ("es-419", "es-419")]


def assert_first_screen(page, selector: str):
    """The element is on the first screen of the page, and nothing scrolls sideways."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"], f"{selector} at {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREEN["width"], f"{selector} at {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]


def assert_compact_header(page):
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= HEADER_MAX_PX, f"the header is {header['height']} px"
    assert page.locator(".site-nav").is_hidden()


def set_language(user, language: str):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_the_menu_button_opens_the_navigation_the_account_and_the_language(
    new_page, outside_event_loop, language, locale
):
    def make_worker():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        return factories.member(hub, Role.WORKER, full_name="Hélène Tremblay", language=language)

    worker = outside_event_loop(make_worker)
    page = new_page(viewport=SCREEN, locale=locale)
    log_in(page, worker.email)
    assert_compact_header(page)
    assert page.locator("#notification-bell").is_visible()
    toggle = page.locator("#site-menu-toggle")
    with translation.override(language):
        assert toggle.inner_text().strip() == translation.gettext("Menu")
    assert page.get_attribute("#site-menu", "open") is None

    # By keyboard: the button opens the menu, Escape closes it and gives focus back.
    toggle.focus()
    page.keyboard.press("Enter")
    assert page.locator(".site-nav__link").first.is_visible()
    assert page.locator(".site-account__name").inner_text() == "Hélène Tremblay"
    assert page.locator("#language-select").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    if AXE.exists():  # the open menu: named button, landmarks, contrast
        assert serious_violations(page) == []
    page.keyboard.press("Escape")
    assert page.locator(".site-nav").is_hidden()
    assert page.evaluate("document.activeElement.id") == "site-menu-toggle"

    # The menu's links work once it is open.
    open_menu(page)
    page.click('a.site-nav__link[href="/directory/"]')
    page.wait_for_url("**/directory/")
    assert_compact_header(page)


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_the_header_keeps_its_layout_on_a_desktop(new_page, outside_event_loop, language, locale):
    def make_worker():
        hub = factories.organisation(kind=OrganisationKind.HUB)
        return factories.member(hub, Role.WORKER, language=language)

    worker = outside_event_loop(make_worker)
    page = new_page(viewport={"width": 1280, "height": 800}, locale=locale)
    log_in(page, worker.email)
    assert page.locator("#site-menu-toggle").is_hidden()
    for selector in (".site-nav__link", ".site-account__name", "#language-select", "#notification-bell"):
        assert page.locator(selector).first.is_visible(), selector
    open_menu(page)  # nothing to open: the helper works on every screen
    assert page.locator(".site-header").bounding_box()["height"] <= 130


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_the_main_actions_are_in_the_first_screen_of_a_phone(new_page, outside_event_loop, language, locale):
    def make_world():
        world = build_housing_world()
        set_language(world.hub_worker, language)
        partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
        agent = factories.member(partner, Role.WORKER, language=language)
        referral = factories.referral(world.hub, partner, person=world.person, actor=world.hub_worker)
        return world, agent, referral

    world, agent, referral = outside_event_loop(make_world)

    page = new_page(viewport=SCREEN, locale=locale)
    log_in(page, world.hub_worker.email)
    assert page.get_attribute("html", "lang") == language
    assert_compact_header(page)
    assert_first_screen(page, ".today-item")

    page.goto("/housing/")
    assert_compact_header(page)
    # The first site's card with its action (hold beds, or see the site), the filters folded.
    assert_first_screen(page, f"#site-{world.site.pk} .housing-card__actions .button")
    assert page.locator("#filter-submit").is_hidden()
    page.click("#housing-filters > summary")
    page.check("input[name=families]")
    page.click("#filter-submit")
    page.wait_for_url("**/housing/?*")
    assert page.locator("#filter-submit").is_visible()

    page.goto(f"/people/{world.person.pk}/")
    assert_compact_header(page)
    assert_first_screen(page, ".page-header__actions .button")

    partner_page = new_page(viewport=SCREEN, locale=locale)
    log_in(partner_page, agent.email)
    partner_page.goto(f"/referrals/{referral.pk}/")
    assert_compact_header(partner_page)
    assert_first_screen(partner_page, "#action-accept-submit")
