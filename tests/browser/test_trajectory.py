"""Issue 17's journey on a 390 px phone: a hub worker opens a new arrival's file, sees the next
steps, records the Basis of Claim sent, sees the step done and the next one proposed, and prints
"Mi trayecto" in Spanish."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations.choices import OrganisationKind, Role
from people import services as people_services
from people.choices import ClaimPathway, InterventionType, MilestoneKind
from tests import factories
from tests.browser.test_audit_log import PHONE, fits_the_phone
from tests.browser.test_shell import log_in
from tests.pdf_text import pdf_text
from trajectory import services as trajectory_services

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_follows_a_new_arrivals_path_and_prints_it_in_spanish(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        worker = factories.member(hub, Role.WORKER)
        coordinator = factories.member(hub, Role.COORDINATOR)
        trajectory = trajectory_services.proposed_content_install(actor=coordinator, organisation=hub, publish=True)
        person = factories.person(
            hub,
            actor=worker,
            given_names="Valentina",
            family_names="Muñoz",
            preferred_language="es",
            claim_pathway=ClaimPathway.PORT_OF_ENTRY_AIR,
        )
        for kind in (InterventionType.INTAKE_WELCOME, InterventionType.NEEDS_ASSESSMENT):
            people_services.intervention_log(
                actor=worker, organisation=hub, people=[person], type=kind, language_used="es"
            )
        for kind, days_ago in ((MilestoneKind.CLAIM_MADE, 4), (MilestoneKind.ELIGIBILITY_INTERVIEW, 2)):
            people_services.milestone_record(
                actor=worker, person=person, kind=kind, occurred_on=timezone.localdate() - timedelta(days=days_ago)
            )
        boc = trajectory.phases.get(position=2).steps.get(milestone_kind=MilestoneKind.BOC_SENT)
        return worker, person, boc

    worker, person, boc = outside_event_loop(make_data)
    page = new_page(viewport=PHONE)
    log_in(page, worker.email)
    page.goto(f"/people/{person.pk}/")
    next_steps = page.locator("#trajectory-next")
    assert "Formulaire Fondement de la demande d'asile envoyé" in next_steps.inner_text()
    assert fits_the_phone(page)

    page.click("#record-milestone summary")
    page.select_option("#record-milestone select[name=kind]", MilestoneKind.BOC_SENT)
    page.locator("#record-milestone button[type=submit]").click()
    page.wait_for_selector(".message--success")
    next_steps = page.locator("#trajectory-next").inner_text()
    assert "Fondement de la demande" not in next_steps
    assert "Examen médical" in next_steps  # the next one proposed
    assert page.locator(f"#trajectory-all [data-step='{boc.pk}']").get_attribute("data-state") == "done"

    page.click("#my-path-link")
    page.wait_for_selector("#document-form")
    page.select_option("#id_language", "es")
    page.check("#id_immigration")
    page.click("#document-show")
    page.wait_for_selector("#person-document")
    document = page.inner_text("#person-document")
    assert "Mi trayecto" in document and "Sus próximos pasos" in document
    assert "Asistencia jurídica" in document and "Examen médico" not in document  # health not ticked
    assert fits_the_phone(page)
    # The PDF button submits the form as it is on screen to the PDF's address.
    query = page.evaluate("() => new URLSearchParams(new FormData(document.forms['document-form'])).toString()")
    assert "immigration=on" in query and "language=es" in query
    pdf = page.request.get(f"{page.get_attribute('#document-pdf', 'formaction')}?{query}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    assert "Mi trayecto" in text and "Valentina Muñoz" in text
