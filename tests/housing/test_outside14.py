"""Fixes from the outside test of issue 14: the provider's page names the people who consented,
a family unit is kept for families, the board's choices reach the hold form, the person file's
hold shows its code and countdown, and the board for someone the user may not see is a 404."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from housing import selectors, services
from housing.models import Hold
from organisations.choices import OrganisationKind, Role
from organisations.errors import ConflictError
from people import services as people_services
from tests import factories
from tests.auth import login
from tests.housing.test_arrivals_and_rules import EVENING, at, hold, local_form_time
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    with time_machine.travel(EVENING, tick=False):
        yield build_housing_world()


@pytest.fixture
def evening():
    with time_machine.travel(EVENING, tick=True) as traveller:
        yield traveller


def page(user, url, data=None):
    client = Client()
    login(client, user)
    return client.get(url, data or {})


def test_the_provider_page_names_each_member_who_consented(world, evening):
    held = hold(world, world.family_beds, identity_consent=services.IdentityConsent())
    html = page(world.provider_staff, reverse("housing:provider")).content.decode()
    names = html[html.find("data-occupant-names") :][:200]
    assert "Yuliana Rodríguez" in names and "Mateo Rodríguez" in names and "Lía Rodríguez" in names
    # After check-in, the stay shows them too; the hub's site page names its own people.
    services.stay_check_in(actor=world.provider_staff, hold=held)
    html = page(world.provider_staff, reverse("housing:provider")).content.decode()
    assert "Yuliana Rodríguez" in html[html.find("data-occupant-names") :][:200]
    site_html = page(world.hub_worker, reverse("housing:site", args=[world.site.pk])).content.decode()
    assert "Yuliana Rodríguez" in site_html


def test_without_consent_the_provider_page_names_nobody(world, evening):
    hold(world, world.family_beds)
    html = page(world.provider_staff, reverse("housing:provider")).content.decode()
    assert "data-occupant-names" not in html and "Yuliana" not in html


def test_a_person_alone_is_refused_a_family_unit_unless_a_coordinator_overrides(world, evening):
    with pytest.raises(ConflictError) as refused:
        hold(world, world.family_beds, household=None, person=world.person)
    assert refused.value.code == "family_unit_for_families"
    assert not Hold.objects.exists()
    coordinator = factories.member(world.hub, Role.COORDINATOR)
    held = hold(
        world, world.family_beds[:1], household=None, person=world.person, actor=coordinator, override_reason="Seul lit"
    )
    assert held.override_reason == "Seul lit"


def test_a_person_alone_still_holds_a_shared_bed(world, evening):
    assert hold(world, world.shared_beds[:1], household=None, person=world.person).code


def test_the_board_says_a_unit_is_for_a_family_or_too_small(world, evening):
    alone = selectors.board_for(user=world.hub_worker, person=world.person, arrival=at(0, 21))
    [site] = [view for view in alone["fitting"] if view["site"] == world.site]
    assert not site["units"][0]["fits"]
    assert site["units"][0]["refusal"].startswith("Une unité familiale est pour une famille")
    fourth = people_services.person_create(
        actor=world.hub_worker, owner=world.hub, given_names="Tomás", family_names="Rodríguez"
    )
    people_services.household_add_member(
        actor=world.hub_worker, household=world.household, person=fourth, relationship="child"
    )
    html = page(world.hub_worker, reverse("housing:board"), {"person": fourth.pk}).content.decode()
    assert "libre pour tout le séjour — <strong" in html
    assert "Trop petite : 3 lits pour 4 personnes." in html


def test_hold_beds_from_the_board_keeps_the_arrival_and_the_nights(world, evening):
    [member] = world.household.members.filter(given_names="Yuliana")
    arrival = local_form_time(at(0, 21))
    board = page(world.hub_worker, reverse("housing:board"), {"person": member.pk, "arrival": arrival, "nights": 3})
    query = urlencode({"person": member.pk, "arrival": arrival, "nights": 3})
    site_url = f"{reverse('housing:site', args=[world.site.pk])}?{query}"
    assert f'href="{site_url.replace("&", "&amp;")}#hold"' in board.content.decode()
    response = page(world.hub_worker, site_url)
    form = response.context["hold_form"]
    assert form["occupant"].value() == f"household:{world.household.pk}"
    html = response.content.decode()
    assert f'name="expected_arrival_at" value="{arrival}"' in html
    assert 'id="hold-for"' in html and 'href="#hold"' in html and 'id="hold"' in html
    assert "Famille Rodríguez" in html[html.find('id="hold-for"') :][:300]
    # The beds one by one fold away: the arrival and the button come before them on a phone.
    assert html.find('id="hold-beds-one-by-one"') < html.find('name="expected_arrival_at"')


def test_the_person_file_shows_the_hold_code_and_its_countdown(world, evening):
    held = hold(world, world.family_beds)
    [member] = world.household.members.filter(given_names="Mateo")
    html = page(world.hub_worker, reverse("people:file", args=[member.pk])).content.decode()
    row = html[html.find('data-housing="hold"') :]
    assert held.code in row[: row.find("</li>")]
    assert f'data-countdown="{timezone.localtime(held.expires_at).isoformat()}"' in row
    assert 'id="housing-labels"' in html
    # Dates are written as on the site page ("8 décembre 2026"), not "2026-12-08".
    assert "8 décembre 2026" in row[: row.find("</li>")]


def test_the_board_for_someone_of_another_organisation_is_a_404(world, evening):
    stranger_hub = factories.organisation(kind=OrganisationKind.HUB)
    stranger = factories.person(stranger_hub)
    stranger_worker = factories.member(stranger_hub, Role.WORKER)
    household = people_services.household_create(
        actor=stranger_worker, owner=stranger_hub, name="Autre", members=[(stranger, "head")]
    )
    board = reverse("housing:board")
    assert page(world.hub_worker, board, {"person": stranger.pk}).status_code == 404
    assert page(world.hub_worker, board, {"household": household.pk}).status_code == 404
    own = page(world.hub_worker, board, {"household": world.household.pk})
    assert own.status_code == 200 and "Famille Rodríguez" in own.content.decode()
    assert f'<input type="hidden" name="person" value="{own.context["person"].pk}">' in own.content.decode()
    site = reverse("housing:site", args=[world.site.pk])
    assert page(world.hub_worker, site, {"household": household.pk}).status_code == 404


def test_the_board_for_a_dissolved_household_is_a_404(world, evening):
    for member in list(world.household.members.all()):
        people_services.household_remove_member(actor=world.hub_worker, household=world.household, person=member)
    response = page(world.hub_worker, reverse("housing:board"), {"household": world.household.pk})
    assert response.status_code == 404


def test_an_arrival_already_past_is_not_put_in_the_hold_form(world, evening):
    query = {"person": world.person.pk, "arrival": local_form_time(timezone.now() - timedelta(hours=1))}
    response = page(world.hub_worker, reverse("housing:site", args=[world.site.pk]), query)
    assert response.context["hold_form"]["expected_arrival_at"].value() is None
