"""A referral from end to end in Chromium, in two browser contexts: a hub worker opens a file,
records consent and sends a referral; the partner agent, whose inbox is open, sees it arrive
without reloading, asks for information, the worker answers, the partner accepts, and the
worker's open page shows "accepted"."""

import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from organisations.models import Organisation, Service, User
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests import factories
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# A new referral reaches an open inbox within this time; an open referral page also fetches
# its fresh state after the delta, so it gets a little longer.
LIVE_TIMEOUT_MS = 2_000
PAGE_REFRESH_TIMEOUT_MS = 5_000


@dataclass
class Network:
    hub: Organisation
    worker: User
    partner: Organisation
    agent: User
    service: Service


def make_network() -> Network:
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
    factories.partnership(hub, partner, PartnershipScope.REFERRALS)
    service = factories.service(
        partner, name="Recherche d'emploi", need_categories=[NeedCategory.EMPLOYMENT], languages=["es", "fr"]
    )
    return Network(
        hub=hub,
        worker=factories.member(hub, Role.WORKER, full_name="Hélène Tremblay"),
        partner=partner,
        agent=factories.member(partner, Role.WORKER, full_name="Marc Gagnon"),
        service=service,
    )


def wizard_to_the_data(page, service_id: int) -> None:
    """Through the wizard's first two steps (an employment need, ``service_id``'s partner) to
    the data to share."""
    page.wait_for_selector("#referral-wizard[data-step=need]")
    page.select_option("#id_need_category", "employment")
    page.fill("#id_reason", "Busca trabajo en cocina.")
    page.click("#wizard-next")
    page.wait_for_selector("#referral-wizard[data-step=partner]")
    page.check(f"#service-{service_id}")
    page.click("#wizard-next")
    page.wait_for_selector("#referral-wizard[data-step=data]")


def test_a_referral_from_the_hub_to_a_partner_and_back(new_page, outside_event_loop):
    network = outside_event_loop(make_network)

    # The partner agent's inbox is open before anything is sent.
    agent_page = new_page()
    log_in(agent_page, network.agent.email)
    agent_page.goto("/referrals/")
    agent_page.wait_for_selector("#referral-list[data-live=live]")
    assert agent_page.locator("#referral-list li[data-referral-id]").count() == 0
    assert agent_page.inner_text('[data-count-for="new"]') == "0"

    # The hub worker opens a file for a new person.
    worker_page = new_page(viewport={"width": 1280, "height": 800})
    log_in(worker_page, network.worker.email)
    worker_page.goto("/people/")
    worker_page.fill("#id_given_names", "Camila")
    worker_page.fill("#id_family_names", "Rojas Pérez")
    worker_page.select_option("#id_preferred_language", "es")
    worker_page.click("#person-create-submit")
    worker_page.wait_for_url(re.compile(r"/people/\d+/$"))
    assert worker_page.inner_text("#person-name") == "Camila Rojas Pérez"

    # … records the person's consent to share identity and contact with the partner for employment …
    worker_page.click("#record-consent > summary")
    worker_page.select_option("#id_recipient", str(network.partner.pk))
    worker_page.check("#record-consent input[name=purposes][value=employment]")
    worker_page.check("#record-consent input[name=data_groups][value=identity]")
    worker_page.check("#record-consent input[name=data_groups][value=contact]")
    worker_page.select_option("#id_method", "oral_recorded")
    worker_page.click("#consent-submit")
    worker_page.wait_for_selector("#consent-list li[data-consent-id]")

    # … and sends the referral through the wizard.
    worker_page.click("#refer-link")
    wizard_to_the_data(worker_page, network.service.pk)
    assert worker_page.locator("input[name=shared_groups][value=health]").count() == 0
    worker_page.check("input[name=shared_groups][value=contact]")
    worker_page.click("#wizard-next")
    worker_page.wait_for_selector("#referral-wizard[data-step=review]")
    worker_page.click("#wizard-send")
    worker_page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    referral_id = int(re.search(r"/referrals/(\d+)/$", worker_page.url).group(1))
    worker_page.wait_for_selector("#referral-live[data-live=live]", state="attached")

    # The partner sees it arrive in the open inbox, without reloading.
    row = f'#referral-list li[data-referral-id="{referral_id}"]'
    agent_page.wait_for_selector(row, timeout=LIVE_TIMEOUT_MS)
    assert "Camila Rojas Pérez" in agent_page.inner_text(row)
    assert agent_page.inner_text('[data-count-for="new"]') == "1"

    # The partner asks for information.
    agent_page.click(f"{row} a.referral-row__title")
    agent_page.wait_for_selector("#referral-live[data-live=live]", state="attached")
    agent_page.click("#action-request_info-open")
    agent_page.fill("#action-request_info textarea[name=note]", "¿Tiene permiso de trabajo?")
    agent_page.click("#action-request_info-submit")
    agent_page.wait_for_selector("#referral-status[data-status=info_requested]")

    # The worker's open referral page shows the question; the worker answers there.
    worker_page.wait_for_selector("#action-answer_info", timeout=PAGE_REFRESH_TIMEOUT_MS)
    assert "¿Tiene permiso de trabajo?" in worker_page.inner_text("#thread")
    worker_page.click("#action-answer_info-open")
    worker_page.fill("#action-answer_info textarea[name=note]", "Sí, desde marzo.")
    worker_page.click("#action-answer_info-submit")
    worker_page.wait_for_selector("#referral-status[data-status=sent]")

    # The partner's open page offers to accept again; the partner accepts.
    agent_page.wait_for_selector("#action-accept-submit", timeout=PAGE_REFRESH_TIMEOUT_MS)
    assert "Sí, desde marzo." in agent_page.inner_text("#thread")
    agent_page.click("#action-accept-submit")
    agent_page.wait_for_selector("#referral-status[data-status=accepted]")

    # The worker sees "accepted", in the page's language, without reloading.
    worker_page.wait_for_selector("#referral-status[data-status=accepted]", timeout=PAGE_REFRESH_TIMEOUT_MS)
    language = worker_page.get_attribute("html", "lang")
    with translation.override(language):
        accepted = str(ReferralStatus.ACCEPTED.label)
    assert worker_page.inner_text("#referral-status") == accepted

    referral = outside_event_loop(lambda: Referral.objects.get(pk=referral_id))
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.shared_groups == ["contact", "identity"]


def test_an_open_partner_page_loses_the_text_when_the_hub_withdraws_consent(new_page, outside_event_loop):
    """On a phone, the partner's referral page is open on the reason and an answer holding a phone
    number; the hub worker withdraws the consent on the confirmation page; the partner's page
    drops the text and says "withdrawn on …" without a reload, and keeps the status."""
    network = outside_event_loop(make_network)

    referral = outside_event_loop(
        lambda: factories.referral(
            network.hub,
            network.partner,
            actor=network.worker,
            need_category=NeedCategory.EMPLOYMENT,
            reason="Appeler son frère au 514 555-0123",
        )
    )

    agent_page = new_page()
    log_in(agent_page, network.agent.email)
    agent_page.goto(f"/referrals/{referral.pk}/")
    agent_page.wait_for_selector("#referral-live[data-live=live]", state="attached")
    assert "514 555-0123" in agent_page.inner_text("#referral-summary")
    name = outside_event_loop(lambda: Referral.objects.get(pk=referral.pk).person.given_names)
    assert name in agent_page.inner_text("#referral-heading")
    agent_page.evaluate("window.__notReloaded = true")

    worker_page = new_page()
    log_in(worker_page, network.worker.email)
    worker_page.goto(f"/people/{referral.person_id}/consents/{referral.consent_id}/withdraw/")
    worker_page.select_option("#id_method", "oral_recorded")
    worker_page.select_option("#id_language", "es")
    worker_page.click("#consent-withdraw-confirm")
    worker_page.wait_for_url(re.compile(rf"/people/{referral.person_id}/"))

    agent_page.wait_for_selector("[data-testid=text-withheld]", timeout=PAGE_REFRESH_TIMEOUT_MS)
    assert "514 555-0123" not in agent_page.inner_text("main")
    # The heading named the person: it says the name is not shared any more.
    assert name not in agent_page.inner_text("#referral-heading")
    assert agent_page.evaluate("window.__notReloaded") is True
    assert agent_page.get_attribute("#referral-status", "data-status") == ReferralStatus.SENT
    assert agent_page.locator("[data-testid=redacted-notice]").is_visible()


# What the stepper shows on a phone: every box inside the screen, no two visible boxes (numbers and
# labels) overlapping or touching, and the current step named.
STEPPER_LAYOUT_JS = """() => {
  const boxes = [];
  for (const el of document.querySelectorAll('.steps__number, .steps__label')) {
    const r = el.getBoundingClientRect();
    if (r.width > 1 && r.height > 1) boxes.push({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                                                  text: el.textContent.trim()});
  }
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom && b.top < a.bottom)
      overlaps.push([a.text, b.text]);
  }
  const current = document.querySelector('.steps__item--current .steps__label').getBoundingClientRect();
  return {
    overlaps,
    outside: boxes.filter(b => b.left < 0 || b.right > window.innerWidth).map(b => b.text),
    scroll: document.documentElement.scrollWidth - window.innerWidth,
    currentShown: current.width > 1,
    labelsRead: [...document.querySelectorAll('.steps__label')].map(el => el.textContent.trim()),
  };
}"""


def test_the_wizard_stepper_fits_a_phone(new_page, outside_event_loop):
    from tests.casework import consent_for

    def world():
        network = make_network()
        person = factories.person(network.hub, actor=network.worker)
        consent_for(network.worker, person, network.partner)
        return network, person

    network, person = outside_event_loop(world)
    page = new_page(viewport={"width": 390, "height": 844}, locale="fr-CA")
    log_in(page, network.worker.email)
    page.goto(f"/referrals/refer/{person.pk}/")
    page.wait_for_selector("#referral-wizard[data-step=need]")

    def check_stepper():
        layout = page.evaluate(STEPPER_LAYOUT_JS)
        assert layout["overlaps"] == [] and layout["outside"] == [] and layout["scroll"] <= 0
        assert layout["currentShown"]
        # Screen readers still hear the four steps.
        assert len(layout["labelsRead"]) == 4 and all(layout["labelsRead"])

    check_stepper()
    page.select_option("#id_need_category", "employment")
    page.fill("#id_reason", "Busca trabajo en cocina.")
    page.click("#wizard-next")
    page.wait_for_selector("#referral-wizard[data-step=partner]")
    check_stepper()
    page.check(f"#service-{network.service.pk}")
    page.click("#wizard-next")
    page.wait_for_selector("#referral-wizard[data-step=data]")
    check_stepper()
    # Contact was consented: it is ticked in advance, with identity.
    assert page.is_checked("input[name=shared_groups][value=identity]")
    assert page.is_checked("input[name=shared_groups][value=contact]")
