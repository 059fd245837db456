"""Households on a phone, in Chromium: a hub worker records a family of four from a person file
(a new member by age, an existing file found by name), names the main contact, and each member's
file shows the household; a child's consent offers the household's adults. In French, English and
Spanish, nothing scrolls sideways."""

import os
from datetime import date

import pytest

from organisations.choices import OrganisationKind, PartnershipScope, Role
from people import services as people_services
from people.choices import GenderIdentity
from people.models import Person
from tests import factories
from tests.browser.test_reports import PHONE, assert_no_horizontal_scroll
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Set to a directory to keep the screenshots of each step (docs, a look at the pages).
SCREENSHOTS = os.environ.get("PASSERELLE_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def make_world(language: str):
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EDUCATION, name="École du quartier")
    factories.partnership(hub, partner, PartnershipScope.REFERRALS)
    worker = factories.member(hub, Role.WORKER, language=language)
    rosa = people_services.person_create(
        actor=worker,
        owner=hub,
        given_names="Rosa",
        family_names="Quispe Mamani",
        date_of_birth=date(1990, 3, 2),
        gender_identity=GenderIdentity.WOMAN,
    )
    jorge = people_services.person_create(
        actor=worker, owner=hub, given_names="Jorge", family_names="Quispe Mamani", date_of_birth=date(1988, 6, 1)
    )
    return worker, rosa, jorge


@pytest.mark.parametrize("language", ["fr-ca", "en-ca", "es-419"])
def test_a_family_of_four_is_recorded_from_a_person_file_on_a_phone(new_page, outside_event_loop, language):
    worker, rosa, jorge = outside_event_loop(lambda: make_world(language))
    page = new_page(viewport=PHONE, locale=language)
    log_in(page, worker.email)
    page.goto(f"/people/{rosa.pk}/")
    shot(page, f"{language}-1-file")

    # "Create a household" is in the phone's first screen, and opens the form.
    assert page.locator("#household-action").bounding_box()["y"] < PHONE["height"]
    page.click("#household-action")
    page.click("#household-create-submit")
    page.wait_for_url("**/people/households/**")
    # The main action is in the first screen of a phone.
    assert page.locator("#add-member-link").bounding_box()["y"] < PHONE["height"]
    assert_no_horizontal_scroll(page)

    # A child without a file, by age.
    form = page.locator("#new-member-form")
    form.locator("input[name=given_names]").fill("Ana")
    form.locator("input[name=family_names]").fill("Quispe Mamani")
    form.locator("input[name=age]").fill("9")
    form.locator("select[name=gender_identity]").select_option("woman")
    form.locator("#new-member-submit").click()
    page.wait_for_selector("#member-list li:nth-child(2)")

    # A second child, who needs wheelchair access.
    form = page.locator("#new-member-form")
    form.locator("input[name=given_names]").fill("Luis")
    form.locator("input[name=family_names]").fill("Quispe Mamani")
    form.locator("input[name=age]").fill("6")
    form.locator("select[name=gender_identity]").select_option("man")
    form.locator("input[name=needs_wheelchair_access]").check()
    form.locator("#new-member-submit").click()
    page.wait_for_selector("#member-list li:nth-child(3)")

    # Jorge has a file: found by name, added as spouse, then named main contact.
    page.fill("input[name=q]", "jorge quispe")
    page.click("#member-search-submit")
    candidate = page.locator(f'[data-candidate-id="{jorge.pk}"]')
    candidate.locator("select[name=relationship]").select_option("spouse_partner")
    candidate.locator("button[type=submit]").click()
    page.wait_for_selector("#member-list li:nth-child(4)")
    page.locator(f'[data-member-id="{jorge.pk}"] form[action$="/contact/"] button').click()
    page.wait_for_selector(f'[data-member-id="{jorge.pk}"] .badge--warning')
    assert "4" in page.locator("#household-composition").inner_text()
    assert_no_horizontal_scroll(page)
    shot(page, f"{language}-2-household")

    household_id = outside_event_loop(lambda: Person.objects.get(pk=rosa.pk).household_id)
    ana = outside_event_loop(lambda: Person.objects.get(given_names="Ana"))
    assert outside_event_loop(lambda: Person.objects.filter(household_id=household_id).count()) == 4

    # Each member's file shows the household and links to the others.
    page.goto(f"/people/{ana.pk}/")
    summary = page.locator("#household-summary")
    for other in ("Rosa", "Jorge", "Luis"):
        assert summary.get_by_role("link", name=other).count() == 1
    assert_no_horizontal_scroll(page)

    # Ana is 9: her consent is given by a parent, offered among the household's adults.
    page.click("#record-consent summary")
    assert page.locator("#guardian-notice").is_visible()
    options = page.locator("select[name=guardian] option").all_inner_texts()
    assert "Rosa Quispe Mamani" in options and "Jorge Quispe Mamani" in options
    assert not any("Luis" in option for option in options)
    shot(page, f"{language}-3-child-file")
