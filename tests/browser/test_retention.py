"""The privacy officer's retention page on a 390 px phone: a file put under legal hold with a
reason, an error said in French, the hold lifted; the page never wider than the screen."""

import pytest

from organisations.choices import OrganisationKind, Role
from retention.models import LegalHold
from tests import factories
from tests.browser.test_access import PHONE, fits_the_phone
from tests.browser.test_shell import log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_privacy_officer_puts_a_file_under_legal_hold_and_lifts_it_on_a_phone(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        officer = factories.member(hub, Role.PRIVACY_OFFICER, full_name="Sophie Bouchard")
        person = factories.person(hub, given_names="Ana", family_names="Morales")
        return officer, person

    officer, person = outside_event_loop(make_data)
    page = new_page(viewport=PHONE)
    log_in(page, officer.email)
    open_menu(page)
    page.click("a.site-nav__link:has-text('Conservation des données')")
    page.wait_for_selector("#holds-heading")
    assert fits_the_phone(page)
    # The main action is in the first screen.
    assert page.locator("#hold-submit").bounding_box()["y"] < PHONE["height"]

    page.fill("#hold-person", "abc")
    page.fill("#hold-reason", "Demande d'accès en cours")
    page.click("#hold-submit")
    page.wait_for_selector("#hold-error")
    assert "Indiquez le numéro du dossier" in page.inner_text("#hold-error")
    assert page.input_value("#hold-reason") == "Demande d'accès en cours"
    assert fits_the_phone(page)

    page.fill("#hold-person", str(person.pk))
    page.click("#hold-submit")
    page.wait_for_selector(".message--success")
    assert f"#{person.pk} Ana Morales" in page.inner_text("#hold-list")
    assert "Demande d'accès en cours" in page.inner_text("#hold-list")
    assert fits_the_phone(page)

    page.click("#hold-list button:has-text('Lever le gel juridique')")
    page.wait_for_selector("#hold-none")
    assert outside_event_loop(lambda: LegalHold.objects.active().count()) == 0
    assert fits_the_phone(page)
