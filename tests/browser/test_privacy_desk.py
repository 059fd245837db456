"""The privacy officer's day, in Spanish, on a 390 px phone (issue 15's "done when"): find Ana on
the desk and see who read her file, record her access request and download her file as a PDF in
Spanish, enter a confidentiality incident, and see what the retention job did."""

import pytest

from organisations.choices import OrganisationKind, Role
from people import selectors as people_selectors
from retention import services as retention_services
from tests import factories
from tests.browser.test_audit_log import PHONE, fits_the_phone
from tests.browser.test_shell import log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_privacy_officer_answers_ana_on_a_phone_in_spanish(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        worker = factories.member(hub, Role.WORKER, full_name="Camila Rojas")
        officer = factories.member(hub, Role.PRIVACY_OFFICER, language="es-419")
        ana = factories.person(hub, actor=worker, given_names="Ana", family_names="Quispe", preferred_language="es")
        people_selectors.person_file(user=worker, person_id=ana.pk)
        retention_services.retention_apply()
        return officer, ana

    officer, ana = outside_event_loop(make_data)
    page = new_page(viewport=PHONE)
    log_in(page, officer.email)
    assert page.locator("a.site-nav__link[href='/privacy/']").count() == 1
    open_menu(page)
    page.click("a.site-nav__link[href='/privacy/']")
    page.wait_for_load_state()
    assert fits_the_phone(page)

    # Who read Ana's file.
    page.fill("input[name=q]", "Ana")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#privacy-people")
    page.click(f"#privacy-people a[href='/audit-log/?person={ana.pk}']")
    page.wait_for_load_state()
    # Among the entries naming Ana (her file's creation, the officer's own search), Camila's read.
    reads = page.locator("#audit-entries .item", has_text="people.person.file.read")
    assert reads.count() == 1 and "Camila Rojas" in reads.first.inner_text()
    assert fits_the_phone(page)

    # Her access request, answered by her file as a PDF in Spanish.
    page.go_back()
    page.wait_for_selector("#privacy-people")
    page.click(f"#privacy-people a[href='/privacy/requests/new/?person={ana.pk}']")
    page.wait_for_load_state()
    assert "30" in page.inner_text("main")
    page.select_option("#id_channel", "in_person")
    page.select_option("#id_language", "es")
    submit = page.locator("main form button[type=submit]").last
    submit.click()
    page.wait_for_selector("#export-pdf")
    assert fits_the_phone(page)
    box = page.locator("#export-pdf").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    with page.expect_download() as download:
        page.click("#export-pdf")
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as stream:
        assert stream.read(5) == b"%PDF-"

    # A confidentiality incident.
    page.goto("/privacy/incidents/")
    page.fill("#id_description", "Un correo con la dirección de una persona enviado al socio equivocado.")
    page.fill("#id_occurred_on", "2026-12-01")
    page.fill("#id_known_on", "2026-12-02")
    page.check("input[name=data_groups][value=contact]")
    page.fill("#id_people_count", "1")
    page.check("input[name=serious_injury_risk][value=no]")
    page.fill("#id_risk_assessment", "Dirección sola, el socio confirmó haber borrado el correo.")
    page.fill("#id_measures", "Doble verificación del destinatario antes de enviar.")
    page.locator("#new-incident button[type=submit]").click()
    page.wait_for_load_state()
    page.wait_for_selector(".message--success")
    assert page.input_value("#id_description").startswith("Un correo con la dirección")
    assert "/privacy/incidents/" in page.url
    assert fits_the_phone(page)

    # What the retention job did.
    page.goto("/retention/")
    assert page.locator("#run-list .item").count() >= 1
    assert fits_the_phone(page)
