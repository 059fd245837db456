"""Live updates in a real browser: one person's page changes when another person acts."""

import pytest
from django.conf import settings

from notifications.models import OutgoingEmail
from organisations.choices import Role
from organisations.models import Membership
from tests import factories
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_granted_role_appears_on_the_members_open_profile_without_reload(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind="hub", name="Centre d'accueil")
        return hub, factories.member(hub, Role.ADMIN, language="en-ca"), factories.member(hub, Role.WORKER)

    hub, admin, worker = outside_event_loop(make_data)

    worker_page = new_page()
    log_in(worker_page, worker.email)
    worker_page.goto("/profile/")
    worker_page.wait_for_selector("body[data-live-state=open]")
    assert worker_page.locator("#membership-list li.membership").count() == 1

    admin_page = new_page(viewport={"width": 1280, "height": 800})
    log_in(admin_page, admin.email)
    csrf_token = next(c["value"] for c in admin_page.context.cookies() if c["name"] == "csrftoken")
    response = admin_page.request.post(
        "/api/v1/membership-invitations/",
        data={"organisation": hub.pk, "email": worker.email, "role": Role.COORDINATOR},
        headers={"X-CSRFToken": csrf_token},
    )
    assert response.status == 201, response.text()

    # The worker accepts from the emailed link in another tab; the open profile hears of it.
    link = outside_event_loop(lambda: OutgoingEmail.objects.get(address=worker.email).params["link"])
    invitation_tab = worker_page.context.new_page()
    invitation_tab.goto(link.removeprefix(settings.PASSERELLE_BASE_URL.rstrip("/")))
    invitation_tab.click("#invitation-accept")
    invitation_tab.wait_for_selector(".message--success")
    new_membership = outside_event_loop(
        lambda: Membership.objects.get(user=worker, organisation=hub, role=Role.COORDINATOR).pk
    )

    # The delta reaches the open page: the new role is listed, with the worker's language.
    worker_page.wait_for_selector(f'#membership-list li[data-membership-id="{new_membership}"]', timeout=2_000)
    assert worker_page.locator("#membership-list li.membership").count() == 2

    response = admin_page.request.post(
        f"/api/v1/memberships/{new_membership}/end/", headers={"X-CSRFToken": csrf_token}
    )
    assert response.status == 200
    worker_page.wait_for_selector(
        f'#membership-list li[data-membership-id="{new_membership}"]', state="detached", timeout=2_000
    )
    assert not outside_event_loop(lambda: Membership.objects.get(pk=new_membership).is_active)
