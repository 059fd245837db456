"""A partner organisation's admin keeps its team in pages, on a phone: invites a colleague on the
members page, the colleague opens the emailed link in their own browser, creates their account and
lands in the organisation; the admin then ends the colleague's role, after a confirmation."""

import re
from base64 import b32decode

import pytest
from django.conf import settings

from accounts.two_factor import totp_now
from notifications.models import OutgoingEmail
from organisations.choices import OrganisationKind, Role
from organisations.models import Membership, User
from tests import factories
from tests.browser.test_access import PHONE, fits_the_phone
from tests.browser.test_shell import log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True)

COLLEAGUE = "lucia.fernandez@emploi-nord.example"


def test_a_partner_admin_invites_a_colleague_who_lands_in_the_organisation(new_page, outside_event_loop):
    def make_data():
        partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Nord")
        admin = factories.member(partner, Role.ADMIN, full_name="Ana Pérez")
        return partner, admin

    partner, admin = outside_event_loop(make_data)

    admin_page = new_page(viewport=PHONE)
    log_in(admin_page, admin.email)
    open_menu(admin_page)
    admin_page.click("a.site-nav__link:has-text('Membres')")
    admin_page.wait_for_selector("#invite-heading")
    # A partner's admin brings no organisation in: that is the hub's.
    assert admin_page.locator("#organisation-new-link").count() == 0
    admin_page.fill("#id_email", COLLEAGUE)
    admin_page.select_option("#id_role", Role.WORKER)
    admin_page.select_option("#id_language", "es-419")
    admin_page.click("#invite-submit")
    admin_page.wait_for_selector(".message--success")
    assert COLLEAGUE in admin_page.inner_text("#invitations")
    assert fits_the_phone(admin_page)

    # The link, as the email in the outbox carries it (the worker sends it later).
    email = OutgoingEmail.objects.get(address=COLLEAGUE)
    assert email.language == "es-419"
    path = re.sub(rf"^{re.escape(settings.PASSERELLE_BASE_URL.rstrip('/'))}", "", email.params["link"])

    colleague_page = new_page(viewport=PHONE, locale="es-419")
    colleague_page.goto(path)
    assert colleague_page.locator("#invitation[data-state=new_account]").count() == 1
    assert "Emploi Nord" in colleague_page.inner_text("h1 + .lead")
    assert fits_the_phone(colleague_page)
    colleague_page.fill("#id_full_name", "Lucía Fernández")
    colleague_page.fill("#id_password1", "tortuga-ambar-77")
    colleague_page.fill("#id_password2", "tortuga-ambar-77")
    colleague_page.click("#invitation-create")
    # A worker reads person files: the second step is set up before anything else.
    colleague_page.wait_for_url("**/accounts/two-factor/setup/**")
    key = b32decode(colleague_page.locator("#two-factor-key").inner_text().replace(" ", "")).hex()
    colleague_page.fill("input[name=code]", totp_now(key))
    colleague_page.click("#two-factor-submit")
    colleague_page.click("#recovery-codes-done")
    colleague_page.wait_for_url("**/")
    open_menu(colleague_page)
    assert "Lucía Fernández" in colleague_page.inner_text(".site-account__name")
    assert "Emploi Nord" in colleague_page.inner_text(".role-list")
    colleague = User.objects.get(email=COLLEAGUE)
    membership = Membership.objects.get(user=colleague, organisation=partner)
    assert (membership.role, membership.is_active, colleague.preferred_language) == (Role.WORKER, True, "es-419")

    # The admin finds the colleague among the members and ends the role, confirming first.
    admin_page.reload()
    row = admin_page.locator(f"#members li[data-membership-id='{membership.pk}']")
    assert "Lucía Fernández" in row.inner_text()
    assert row.locator("button[data-action=confirm-end]").is_visible() is False
    row.locator("summary[data-action=end]").click()
    row.locator("button[data-action=confirm-end]").click()
    admin_page.wait_for_selector(".message--success")
    assert admin_page.locator(f"#members li[data-membership-id='{membership.pk}']").count() == 0
    assert fits_the_phone(admin_page)
    membership.refresh_from_db()
    assert not membership.is_active


def test_the_hubs_admin_brings_a_partner_in_on_a_phone(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        return factories.member(hub, Role.ADMIN, full_name="Geneviève Tremblay")

    admin = outside_event_loop(make_data)

    page = new_page(viewport=PHONE)
    log_in(page, admin.email)
    page.goto("/members/")
    page.click("#organisation-new-link")
    page.wait_for_selector("#organisation-new")
    assert fits_the_phone(page)
    page.fill("#id_name", "Emploi Nord")
    page.select_option("#id_kind", OrganisationKind.EMPLOYMENT)
    page.check("input[name=languages_served][value=es]")
    page.fill("#id_first_admin_email", "ana.perez@emploi-nord.example")
    page.select_option("#id_first_admin_language", "es-419")
    page.click("#organisation-new-submit")
    page.wait_for_selector(".message--success")
    assert page.url.endswith("/directory/emploi-nord/")
    assert page.locator("#first-admin [data-state=waiting]").count() == 1
    assert "ana.perez@emploi-nord.example" in page.inner_text("#first-admin")
    assert fits_the_phone(page)
    assert OutgoingEmail.objects.get(address="ana.perez@emploi-nord.example").language == "es-419"
