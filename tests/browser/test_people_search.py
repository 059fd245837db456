"""Finding people on a phone, in Chromium: "Garsia Lopes" typed for the file of "García López"
brings the duplicate warning first on the page, focused, in the first screen; "None of them" in
the warning still opens a new file."""

import pytest

from organisations.choices import OrganisationKind, Role
from people import services as people_services
from people.models import Person
from tests import factories
from tests.browser.test_reports import PHONE, assert_no_horizontal_scroll
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def make_world():
    hub = factories.organisation(kind=OrganisationKind.HUB, name="Centre d'accueil")
    worker = factories.member(hub, Role.WORKER, language="fr-ca")
    # Enough recent files that the form is far down the page, as on a hub's real list.
    for number in range(12):
        factories.person(hub, actor=worker, given_names=f"Ana{number}", family_names="Quispe")
    garcia = people_services.person_create(actor=worker, owner=hub, given_names="María", family_names="García López")
    return worker, garcia


def test_the_duplicate_warning_is_first_and_focused_on_a_phone(new_page, outside_event_loop):
    worker, garcia = outside_event_loop(make_world)
    page = new_page(viewport=PHONE)
    log_in(page, worker.email)
    page.goto("/people/")
    form = page.locator("#person-create-form")
    form.locator("input[name=given_names]").fill("Maria")
    form.locator("input[name=family_names]").fill("Garsia Lopes")
    form.locator("#person-create-submit").click()

    warning = page.locator("#duplicate-warning")
    warning.wait_for()
    assert page.evaluate("() => document.activeElement.id") == "duplicate-warning"
    box = warning.bounding_box()
    assert 0 <= box["y"] < PHONE["height"] / 2, box
    assert page.locator(f"#duplicate-warning a[href='/people/{garcia.pk}/']").bounding_box()["y"] < PHONE["height"]
    assert_no_horizontal_scroll(page)
    assert Person.objects.filter(family_names="Garsia Lopes").count() == 0

    page.click("#duplicate-confirm-new")
    page.wait_for_url(f"**/people/{garcia.pk + 1}/")
    assert Person.objects.filter(family_names="Garsia Lopes").count() == 1
