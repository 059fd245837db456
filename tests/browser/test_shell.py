"""What a person does in the web shell, in Chromium."""

import pytest
from django.utils import translation

from accounts.two_factor import two_factor_needed
from organisations.choices import NeedCategory, Role
from organisations.models import User
from tests import factories
from tests.auth import next_code, second_factor

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, email: str, password: str = factories.PASSWORD):
    """Log in through the pages: the password, then, for a user who needs one, a code computed
    from their authenticator app's key (set up with the test key if they have none)."""
    user = User.objects.get(email=email)
    device = second_factor(user) if two_factor_needed(user) else None
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    if device is not None:
        page.wait_for_url("**/accounts/two-factor/verify/**")
        page.fill("input[name=code]", next_code(device))
        page.click("#two-factor-submit")
    page.wait_for_url("**/")


def open_menu(page):
    """Open the header menu (navigation, account, language) if it is closed: on a phone it hides
    behind one button; on wider screens it is always open and its button hidden."""
    if page.locator("#site-menu-toggle").is_visible() and page.get_attribute("#site-menu", "open") is None:
        page.click("#site-menu-toggle")
    page.wait_for_selector(".site-menu__panel", state="visible")


def test_log_in_switch_to_spanish_and_see_the_directory_in_spanish(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind="hub", name="Centre d'accueil")
        factories.service(hub, name="Dépannage alimentaire", need_categories=[NeedCategory.FOOD], languages=["es"])
        return factories.member(hub, Role.COORDINATOR, language="fr-ca")

    coordinator = outside_event_loop(make_data)

    page = new_page()
    log_in(page, coordinator.email)
    assert page.get_attribute("html", "lang") == "fr-ca"

    open_menu(page)
    page.select_option("#language-select", "es-419")
    page.click("#language-submit")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "es-419"

    page.goto("/directory/")
    with translation.override("es-419"):
        heading, food = translation.gettext("Directory"), str(NeedCategory.FOOD.label)
    with translation.override("fr-ca"):
        assert (translation.gettext("Directory"), str(NeedCategory.FOOD.label)) != (heading, food)
    assert heading in page.inner_text("#directory-heading")
    card = page.locator(".service-card", has_text="Dépannage alimentaire")
    assert food in card.inner_text()

    coordinator.refresh_from_db()
    assert coordinator.preferred_language == "es-419"
