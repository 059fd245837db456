"""The today page on a phone (390 px), in French and Spanish: the first item is in the first
screen, and a hub worker goes from it to answering a partner's question ("information requested")
in under five taps."""

import re

import pytest
from django.utils import translation

from organisations.choices import OrganisationKind, Role
from referrals import services as referral_services
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests import factories
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 390, "height": 844}


def make_question(language: str) -> tuple[str, int]:
    """A hub worker (in ``language``) whose referral waits for the hub's answer."""
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    partner = factories.organisation(kind=OrganisationKind.EMPLOYMENT, name="Emploi Québec-Sud")
    worker = factories.member(hub, Role.WORKER, full_name="Hélène Tremblay", language=language)
    agent = factories.member(partner, Role.WORKER, full_name="Marc Gagnon")
    person = factories.person(hub, actor=worker, given_names="Camila", family_names="Rojas Pérez")
    referral = factories.referral(hub, partner, person=person, actor=worker)
    referral_services.referral_transition(
        actor=agent, referral=referral, action="request_info", expected_version=referral.version, note="¿Permiso?"
    )
    return worker.email, referral.pk


@pytest.mark.parametrize(("language", "locale"), [("fr-ca", "fr-CA"), ("es-419", "es-419")])
def test_from_today_to_answering_the_partner_in_under_five_taps(new_page, outside_event_loop, language, locale):
    email, referral_id = outside_event_loop(lambda: make_question(language))
    page = new_page(viewport=SCREEN, locale=locale)
    log_in(page, email)
    page.goto("/")
    assert page.get_attribute("html", "lang") == language
    with translation.override(language):
        assert page.inner_text("h1.today__heading") == translation.gettext("Today")
    first = page.locator(".today-item").first.bounding_box()
    assert first is not None and first["y"] + first["height"] <= SCREEN["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]

    taps = 0
    page.click(f'.today-entry a[href="/referrals/{referral_id}/"]')
    taps += 1
    page.wait_for_url(re.compile(rf"/referrals/{referral_id}/$"))
    page.click("#action-answer_info-open")
    taps += 1
    page.fill("#action-answer_info textarea[name=note]", "Sí, desde marzo.")
    page.click("#action-answer_info-submit")
    taps += 1
    page.wait_for_selector("#referral-status[data-status=sent]")
    assert taps < 5
    referral = outside_event_loop(lambda: Referral.objects.get(pk=referral_id))
    assert referral.status == ReferralStatus.SENT
