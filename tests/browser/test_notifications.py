"""The bell, live, in Chromium with two browser contexts: the partner agent has two tabs open; the
hub worker sends a referral through the wizard; both of the agent's tabs show one more unread
notification without reloading, and the inbox lists it in the agent's language."""

import re

import pytest

from organisations.choices import Role
from tests import factories
from tests.browser.test_referrals import make_network, wizard_to_the_data
from tests.browser.test_shell import log_in
from tests.casework import consent_for
from tests.notifications.world import referral_number

pytestmark = pytest.mark.django_db(transaction=True)

LIVE_TIMEOUT_MS = 3_000


def test_the_partners_bell_counts_a_referral_sent_by_the_hub(new_page, outside_event_loop):
    def make_data():
        network = make_network()
        person = factories.person(network.hub, actor=network.worker, given_names="Camila", family_names="Rojas")
        consent_for(network.worker, person, network.partner)
        coordinator = factories.member(network.partner, Role.COORDINATOR, language="es-419")
        return network, person, coordinator

    network, person, coordinator = outside_event_loop(make_data)

    # The partner agent has two tabs open, on different pages.
    agent_home = new_page()
    log_in(agent_home, network.agent.email)
    agent_home.wait_for_selector("#notification-bell[data-live=live]")
    before = int(agent_home.inner_text("#notification-count"))
    agent_directory = agent_home.context.new_page()
    agent_directory.goto("/directory/")
    agent_directory.wait_for_selector("#notification-bell[data-live=live]")

    # The hub worker sends a referral through the wizard.
    worker_page = new_page(viewport={"width": 1280, "height": 800})
    log_in(worker_page, network.worker.email)
    worker_before = worker_page.inner_text("#notification-count")
    worker_page.goto(f"/people/{person.pk}/")
    worker_page.click("#refer-link")
    wizard_to_the_data(worker_page, network.service.pk)
    worker_page.check("input[name=shared_groups][value=contact]")
    worker_page.click("#wizard-next")
    worker_page.wait_for_selector("#referral-wizard[data-step=review]")
    worker_page.click("#wizard-send")
    worker_page.wait_for_url(re.compile(r"/referrals/\d+/$"))
    referral_id = int(re.search(r"/referrals/(\d+)/$", worker_page.url).group(1))

    # Both of the agent's tabs count it, without reloading.
    expected = str(before + 1)
    for page in (agent_home, agent_directory):
        page.wait_for_function(
            "expected => document.querySelector('#notification-count').textContent === expected",
            arg=expected,
            timeout=LIVE_TIMEOUT_MS,
        )
    assert "count-badge--zero" not in agent_home.get_attribute("#notification-count", "class")
    # The sender is not notified of what they did themself.
    assert worker_page.inner_text("#notification-count") == worker_before

    # The bell leads to the inbox, where the notification opens the referral and is then read.
    agent_home.click("#notification-bell")
    agent_home.wait_for_url("**/notifications/")
    item = agent_home.locator(".notification--unread").first
    assert referral_number(referral_id, "fr-ca") in item.inner_text()  # the agent reads French
    item.locator("button.notification__open").click()
    agent_home.wait_for_url(f"**/referrals/{referral_id}/")
    agent_directory.wait_for_function(
        "expected => document.querySelector('#notification-count').textContent === expected",
        arg=str(before),
        timeout=LIVE_TIMEOUT_MS,
    )

    # A Spanish-speaking coordinator of the partner reads the same notification in Spanish.
    coordinator_page = new_page(locale="es-419")
    log_in(coordinator_page, coordinator.email)
    coordinator_page.goto("/notifications/?unread=1&kind=referral_received")
    assert coordinator_page.get_attribute("html", "lang") == "es-419"
    assert "Empleo" in coordinator_page.inner_text("#notification-list")
