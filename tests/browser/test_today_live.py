"""The today page, live, in two browser contexts: a partner agent's today page is open; a hub
worker sends a referral through the wizard; the agent's "New" count goes from nothing to 1
without reload, in one fetch of the page (static/js/today.js), and the sender's own page, opened
after, counts it as waiting for the partner."""

import re
from urllib.parse import urlsplit

import pytest

from organisations.choices import NeedCategory, OrganisationKind, PartnershipScope, Role
from tests import factories
from tests.browser.test_referrals import wizard_to_the_data
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The page waits for a quiet moment (400 ms) before fetching itself again.
LIVE_TIMEOUT_MS = 4_000


def make_network() -> tuple[str, str, int, int]:
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
    factories.partnership(hub, partner, PartnershipScope.REFERRALS)
    service = factories.service(partner, name="Recherche d'emploi", need_categories=[NeedCategory.EMPLOYMENT])
    worker = factories.member(hub, Role.WORKER, full_name="Hélène Tremblay", language="en-ca")
    agent = factories.member(partner, Role.WORKER, full_name="Marc Gagnon", language="en-ca")
    person = factories.person(hub, actor=worker, given_names="Camila", family_names="Rojas Pérez")
    factories.consent(person, partner, actor=worker)
    return worker.email, agent.email, person.pk, service.pk


def count_of(page, label: str) -> str | None:
    return page.evaluate(
        """(label) => {
          const item = [...document.querySelectorAll("#today .today-item")]
            .find((li) => li.querySelector(".today-item__label")?.textContent === label);
          return item ? item.querySelector(".today-item__count").textContent : null;
        }""",
        label,
    )


def test_a_referral_sent_appears_on_the_partners_open_today_page(new_page, outside_event_loop):
    worker_email, agent_email, person_id, service_id = outside_event_loop(make_network)

    agent_page = new_page(locale="en-CA")
    log_in(agent_page, agent_email)
    agent_page.goto("/")
    agent_page.wait_for_selector("#today-live span[data-stream='referrals.inbox'][data-live=live]", state="attached")
    assert "Nothing waiting here today." in agent_page.inner_text("#today")
    fetches = []
    agent_page.on("request", lambda request: fetches.append(request) if urlsplit(request.url).path == "/" else None)

    worker_page = new_page(viewport={"width": 1280, "height": 800}, locale="en-CA")
    log_in(worker_page, worker_email)
    worker_page.goto(f"/referrals/refer/{person_id}/")
    wizard_to_the_data(worker_page, service_id)
    worker_page.click("#wizard-next")
    worker_page.wait_for_selector("#referral-wizard[data-step=review]")
    worker_page.click("#wizard-send")
    worker_page.wait_for_url(re.compile(r"/referrals/\d+/$"))

    # The agent's open page shows it, without reload, after one fetch of the page.
    agent_page.wait_for_function(
        """() => [...document.querySelectorAll("#today .today-item__label")]
                   .some((label) => label.textContent === "New")""",
        timeout=LIVE_TIMEOUT_MS,
    )
    assert count_of(agent_page, "New") == "1"
    agent_page.wait_for_timeout(1_000)  # a second fetch, if any, would have come by now
    assert agent_page.evaluate("document.body.dataset.todayRefreshed") == "1"
    assert [request.resource_type for request in fetches] == ["fetch"]  # one fetch, no reload

    worker_page.goto("/")
    assert count_of(worker_page, "Waiting for the partners") == "1"
