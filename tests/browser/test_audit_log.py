"""The privacy officer answers "who read Ana's file" in Chromium on a phone, in French: the menu
opens the audit log page (not the API), the export is in the first screen, the filter on Ana's
file number keeps only the reads of her file, and nothing is wider than the phone."""

import pytest

from organisations.choices import OrganisationKind, Role
from people import selectors as people_selectors
from tests import factories
from tests.browser.test_shell import log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def fits_the_phone(page) -> bool:
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
    return widths["page"] <= widths["viewport"]


def test_the_privacy_officer_finds_who_read_a_file_on_a_phone(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        worker = factories.member(hub, Role.WORKER, full_name="Camila Rojas Gutiérrez de la Fuente")
        officer = factories.member(hub, Role.PRIVACY_OFFICER, language="fr-ca")
        ana = factories.person(hub, actor=worker, given_names="Ana", family_names="Quispe")
        luis = factories.person(hub, actor=worker, given_names="Luis", family_names="Mamani")
        people_selectors.person_file(user=worker, person_id=ana.pk)
        people_selectors.person_file(user=worker, person_id=luis.pk)
        return officer, ana

    officer, ana = outside_event_loop(make_data)
    page = new_page(viewport=PHONE)
    log_in(page, officer.email)
    open_menu(page)
    page.click(".site-nav__link >> text=Journal d'audit")
    page.wait_for_load_state()
    assert page.url.endswith("/audit-log/")
    assert page.locator("#audit-entries .item").count() >= 2
    box = page.locator("#audit-export").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    assert fits_the_phone(page)

    page.click("#audit-filters summary")
    page.fill("#id_person", str(ana.pk))
    page.click("#audit-filter-submit")
    page.wait_for_load_state()
    # Her file's creation and Camila's read of it: Luis's file is filtered out.
    entries = page.locator("#audit-entries .item")
    assert entries.count() == 2
    reads = page.locator("#audit-entries .item", has_text="people.person.file.read")
    assert reads.count() == 1
    assert "Camila Rojas" in reads.first.inner_text()
    assert f"#{ana.pk}" in reads.first.inner_text()
    assert fits_the_phone(page)
