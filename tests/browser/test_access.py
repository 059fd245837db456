"""Access that both sides grant, in Chromium on a phone, in French: a hub's admin proposes a
partnership that the provider's coordinator accepts in another browser; a new person invited by
email sets a password from the link and lands in the application."""

import re
from base64 import b32decode

import pytest
from django.conf import settings

from accounts.two_factor import totp_now
from notifications.models import OutgoingEmail
from organisations.choices import OrganisationKind, PartnershipStatus, Role
from organisations.models import Membership, Partnership, User
from tests import factories
from tests.browser.test_shell import log_in, open_menu

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# Long enough to widen a phone's page if it did not break.
ADDRESS = "camila.rojas.gutierrez.delafuente@refugioyacompanamiento.example.org"


def fits_the_phone(page) -> bool:
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
    return widths["page"] <= widths["viewport"]


def test_a_partnership_proposed_by_the_hub_is_accepted_by_the_provider(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER, name="Maison Le Phare")
        admin = factories.member(hub, Role.ADMIN, full_name="Geneviève Tremblay")
        coordinator = factories.member(provider, Role.COORDINATOR, full_name="Julie Gagnon")
        return hub, provider, admin, coordinator

    hub, provider, admin, coordinator = outside_event_loop(make_data)

    admin_page = new_page(viewport=PHONE)
    log_in(admin_page, admin.email)
    open_menu(admin_page)
    admin_page.click("a.site-nav__link:has-text('Partenariats')")
    admin_page.wait_for_selector("#propose-heading")
    assert fits_the_phone(admin_page)
    admin_page.select_option("#id_arrangement", "we_hold_beds")
    admin_page.select_option("#id_other", str(provider.pk))
    admin_page.fill("#id_note", "Entente de l'hiver")
    admin_page.click("#partnership-propose-submit")
    admin_page.wait_for_selector(".message--success")
    assert "Maison Le Phare" in admin_page.inner_text(".message--success")
    assert "Centre d'accueil voit les lits libres de l'organisme Maison Le Phare" in admin_page.inner_text("#sent")
    assert "En attente de réponse" in admin_page.inner_text("#sent")
    assert fits_the_phone(admin_page)

    # The provider's coordinator, in another browser, finds it waiting and accepts it.
    provider_page = new_page(viewport=PHONE)
    log_in(provider_page, coordinator.email)
    provider_page.goto("/partnerships/")
    waiting = provider_page.locator("#waiting li[data-partnership-id]")
    assert waiting.count() == 1
    assert "par l'organisme Centre d'accueil" in waiting.inner_text()
    assert "Entente de l'hiver" in waiting.inner_text()
    assert fits_the_phone(provider_page)
    waiting.locator("button[data-action=accept]").click()
    provider_page.wait_for_selector(".message--success")
    assert "Le partenariat est actif." in provider_page.inner_text(".message--success")
    assert provider_page.locator("#active li[data-partnership-id]").count() == 1
    assert provider_page.locator("#waiting li[data-partnership-id]").count() == 0

    partnership = Partnership.objects.get(organisation=hub, partner=provider)
    assert (partnership.status, partnership.answered_by_user_id) == (PartnershipStatus.ACTIVE, coordinator.pk)
    admin_page.reload()
    assert admin_page.locator("#active li[data-partnership-id]").count() == 1

    # Ending asks for a confirmation first.
    provider_page.click("#active summary[data-action=end]")
    provider_page.click("#active button[data-action=confirm-end]")
    provider_page.wait_for_selector(".message--success")
    assert Partnership.objects.get(pk=partnership.pk).status == PartnershipStatus.ENDED


def test_a_new_person_sets_a_password_from_the_emailed_link_and_lands_in_the_app(new_page, outside_event_loop):
    def make_data():
        hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
        admin = factories.member(hub, Role.ADMIN, full_name="Geneviève Tremblay")
        return hub, admin

    hub, admin = outside_event_loop(make_data)

    admin_page = new_page(viewport=PHONE)
    log_in(admin_page, admin.email)
    open_menu(admin_page)
    admin_page.click("a.site-nav__link:has-text('Membres')")
    admin_page.wait_for_selector("#invite-heading")
    admin_page.fill("#id_email", ADDRESS)
    admin_page.select_option("#id_role", Role.WORKER)
    admin_page.select_option("#id_language", "fr-ca")
    admin_page.click("#invite-submit")
    admin_page.wait_for_selector(".message--success")
    assert ADDRESS in admin_page.inner_text("#invitations")
    assert fits_the_phone(admin_page)

    # The link, as the email in the outbox carries it.
    email = OutgoingEmail.objects.get(address=ADDRESS)
    link = email.params["link"]
    path = re.sub(rf"^{re.escape(settings.PASSERELLE_BASE_URL.rstrip('/'))}", "", link)
    assert path.startswith("/invitations/")

    person_page = new_page(viewport=PHONE)
    person_page.goto(path)
    assert "Centre d'accueil vous invite" in person_page.inner_text("h1 + .lead")
    assert fits_the_phone(person_page)
    person_page.fill("#id_full_name", "Camila Rojas")
    person_page.fill("#id_password1", "court")
    person_page.fill("#id_password2", "court")
    person_page.click("#invitation-create")
    # The password validators answer next to the field, in French.
    assert "trop court" in person_page.inner_text(".field--error")
    person_page.fill("#id_password1", "tortue-ambre-77")
    person_page.fill("#id_password2", "tortue-ambre-77")
    person_page.click("#invitation-create")
    # In, with the role; a worker then sets up the second step before anything else.
    person_page.wait_for_url("**/accounts/two-factor/setup/**")
    assert "Bienvenue" in person_page.inner_text(".message--success")
    key = b32decode(person_page.locator("#two-factor-key").inner_text().replace(" ", "")).hex()
    person_page.fill("input[name=code]", totp_now(key))
    person_page.click("#two-factor-submit")
    person_page.click("#recovery-codes-done")
    person_page.wait_for_url("**/")
    open_menu(person_page)
    assert "Camila Rojas" in person_page.inner_text(".site-account__name")
    assert "Centre d'accueil" in person_page.inner_text(".role-list")

    account = User.objects.get(email=ADDRESS)
    assert Membership.objects.get(user=account).organisation == hub
    # The link works once.
    person_page.goto(path)
    assert person_page.locator("#invitation[data-state=accepted]").count() == 1
