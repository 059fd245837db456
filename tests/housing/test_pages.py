"""The housing pages with Django's test client: who sees which site, the hold form and its
conflict message, and the provider's page."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from housing import services
from housing.availability import bed_statuses
from housing.choices import BedStatus, HoldStatus, RoomKind, SiteKind, StayStatus, UnmetReason
from housing.models import Hold, Site, Stay, UnmetHousingRequest
from organisations.choices import OrganisationKind, PartnershipScope, Role
from tests import factories
from tests.auth import login
from tests.housing.world import build_housing_world


@pytest.fixture
def world(db):
    return build_housing_world()


@pytest.fixture
def other_site(world):
    """A site of another provider, with no partnership with the world's hub."""
    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    site = Site.objects.create(provider=provider, name="Refuge du Nord", address="9, rue Nord", kind=SiteKind.EMERGENCY)
    services.room_create(actor=None, site=site, name="Dortoir nord", kind=RoomKind.SHARED_ROOM, beds=2)
    return site


def logged_in(client, user):
    """Log in, reading the pages in English (the source language these tests quote)."""
    login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-ca"
    return client


def hold_post(world, beds, occupant, **fields):
    arrival = timezone.localtime() + timedelta(minutes=30)
    fields.setdefault("expected_arrival_at", arrival.strftime("%Y-%m-%dT%H:%M"))
    return {"beds": [bed.pk for bed in beds], "occupant": occupant, **fields}


# --- Who sees what -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url in (reverse("housing:board"), reverse("housing:site", args=[world.site.pk]), reverse("housing:provider")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_board_shows_only_the_sites_the_user_may_see(client, world, other_site, django_assert_max_num_queries):
    logged_in(client, world.hub_worker)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("housing:board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maison Saint-Roch" in html
    assert "Refuge du Nord" not in html
    assert f'data-stream="housing.availability" data-key="{world.site.pk}"' in html
    assert f'data-key="{other_site.pk}"' not in html
    # One family unit of three beds, two shared beds, all free.
    card = response.context["sites"][0]["summary"]
    assert (card["family_units_free"], card["family_units_total"], card["shared_beds_free"]) == (1, 1, 2)
    assert 'id="housing-labels"' in html


def test_the_board_filters(client, world):
    logged_in(client, world.hub_worker)
    assert len(client.get(reverse("housing:board"), {"families": "on"}).context["sites"]) == 1
    assert len(client.get(reverse("housing:board"), {"women_only": "on"}).context["sites"]) == 0
    assert len(client.get(reverse("housing:board"), {"language": "fa"}).context["sites"]) == 0
    # A bad value is shown next to its field and the page still answers.
    response = client.get(reverse("housing:board"), {"language": "xx"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_another_provider_s_site_is_a_404_for_an_unrelated_hub(client, world, other_site):
    logged_in(client, world.hub_worker)
    assert client.get(reverse("housing:site", args=[other_site.pk])).status_code == 404
    stranger = factories.member(factories.organisation(kind=OrganisationKind.HUB), Role.WORKER)
    logged_in(client, stranger)
    assert client.get(reverse("housing:site", args=[world.site.pk])).status_code == 404
    assert client.get(reverse("housing:site", args=[999_999])).status_code == 404
    response = client.post(
        reverse("housing:hold-create", args=[world.site.pk]),
        hold_post(world, world.shared_beds, f"person:{world.person.pk}"),
    )
    assert response.status_code == 404
    assert not Hold.objects.exists()


def test_names_of_holds_show_only_to_the_placing_hub_and_the_provider(client, world):
    services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now(),
    )
    url = reverse("housing:site", args=[world.site.pk])
    assert "Famille Rodríguez" in logged_in(client, world.hub_worker).get(url).content.decode()
    # The provider, without the people's consent, reads the hold code and the composition.
    hold = Hold.objects.get()
    provider_page = logged_in(client, world.provider_staff).get(url).content.decode()
    assert "Famille Rodríguez" not in provider_page and "Yuliana" not in provider_page
    assert f"{hold.code}: 1 adult, 2 children, arriving" in provider_page
    # A second hub partnered with the same provider sees the site and its counts, not the names.
    other_hub = factories.organisation(kind=OrganisationKind.HUB)
    factories.partnership(other_hub, world.provider, PartnershipScope.HOUSING)
    response = logged_in(client, factories.member(other_hub, Role.WORKER)).get(url)
    assert response.status_code == 200
    assert "Famille Rodríguez" not in response.content.decode()
    assert response.context["summary"]["held"] == 3


# --- The hold form -----------------------------------------------------------------------------------


def test_a_hub_worker_holds_a_family_unit_for_a_household(client, world):
    logged_in(client, world.hub_worker)
    response = client.post(
        reverse("housing:hold-create", args=[world.site.pk]),
        hold_post(world, world.family_beds, f"household:{world.household.pk}", in_transit="on"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("housing:site", args=[world.site.pk]) + "#holds"
    hold = Hold.objects.get()
    assert (hold.household, hold.in_transit, hold.status) == (world.household, True, HoldStatus.ACTIVE)
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.HELD}
    page = client.get(response["Location"])
    assert "Famille Rodríguez" in page.content.decode()
    assert page.context["summary"]["family_units_free"] == 0


def test_the_hold_form_says_the_bed_was_just_taken(client, world):
    bed = world.family_beds[0]
    services.hold_create(
        actor=factories.member(world.hub, Role.COORDINATOR),
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
        override_reason="Plus rien d'autre ce soir",
    )
    logged_in(client, world.hub_worker)
    response = client.post(
        reverse("housing:hold-create", args=[world.site.pk]),
        hold_post(world, world.family_beds, f"household:{world.household.pk}"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This bed was just taken. The board shows what is free now." in html
    assert "Traceback" not in html
    # The page drawn with the message is fresh: the taken bed can no longer be chosen.
    assert f'value="{bed.pk}" id="bed-choice-{bed.pk}" class="housing-bed__choice" disabled' in html
    assert not Hold.objects.filter(household=world.household).exists()


def test_the_hold_form_explains_what_is_missing(client, world):
    logged_in(client, world.hub_worker)
    response = client.post(reverse("housing:hold-create", args=[world.site.pk]), {"occupant": ""})
    assert response.status_code == 400
    form = response.context["hold_form"]
    assert set(form.errors) == {"__all__", "occupant", "expected_arrival_at"}
    html = response.content.decode()
    assert "Choose beds, a family unit, or beds in shared rooms." in html
    assert "Give the expected arrival time." in html


def test_a_link_from_a_person_file_preselects_the_person(client, world):
    logged_in(client, world.hub_worker)
    response = client.get(reverse("housing:site", args=[world.site.pk]), {"person": world.person.pk})
    assert response.context["hold_form"]["occupant"].value() == f"person:{world.person.pk}"
    assert f'<option value="person:{world.person.pk}" selected>' in response.content.decode()
    board = client.get(reverse("housing:board"), {"person": world.person.pk})
    assert "Ibrahim Diallo" in board.content.decode()
    assert f"?person={world.person.pk}" in board.content.decode()
    # Someone else's person is a 404, like the person's own file.
    stranger_hub = factories.organisation(kind=OrganisationKind.HUB)
    stranger_person = factories.person(stranger_hub)
    response = client.get(reverse("housing:site", args=[world.site.pk]), {"person": stranger_person.pk})
    assert response.status_code == 404
    assert stranger_person.full_name not in response.content.decode()


def test_the_hub_releases_its_hold(client, world):
    hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    logged_in(client, world.hub_worker)
    response = client.post(reverse("housing:hold-release", args=[hold.pk]))
    assert response.status_code == 302
    assert Hold.objects.get().status == HoldStatus.RELEASED


def test_forms_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    login(client, world.hub_worker)
    response = client.post(
        reverse("housing:hold-create", args=[world.site.pk]),
        hold_post(world, world.shared_beds, f"person:{world.person.pk}"),
    )
    assert response.status_code == 403
    assert not Hold.objects.exists()


# --- Unmet requests ------------------------------------------------------------------------------------


def test_hub_staff_record_an_unmet_request_in_one_click(client, world):
    logged_in(client, world.hub_worker)
    response = client.post(
        reverse("housing:unmet-request-create"),
        {"household_size": 4, "reason": UnmetReason.NO_FAMILY_ROOM, "organisation": world.hub.pk},
    )
    assert response.status_code == 302
    request = UnmetHousingRequest.objects.get()
    assert (request.household_size, request.reason, request.organisation) == (4, "no_family_room", world.hub)

    response = client.post(
        reverse("housing:unmet-request-create"),
        {"household_size": 0, "reason": UnmetReason.NO_BED, "organisation": world.hub.pk},
    )
    assert response.status_code == 400
    assert response.context["unmet_form"].errors["household_size"]


def test_provider_staff_do_not_record_unmet_requests(client, world):
    logged_in(client, world.provider_staff)
    assert 'id="unmet"' not in client.get(reverse("housing:board")).content.decode()
    response = client.post(
        reverse("housing:unmet-request-create"),
        {"household_size": 2, "reason": UnmetReason.NO_BED, "organisation": world.provider.pk},
    )
    assert response.status_code == 404
    assert not UnmetHousingRequest.objects.exists()


# --- The provider's page --------------------------------------------------------------------------------


def test_the_provider_page_is_refused_to_hub_staff(client, world):
    logged_in(client, world.hub_worker)
    assert client.get(reverse("housing:provider")).status_code == 404
    bed = world.shared_beds[0]
    assert (
        client.post(reverse("housing:bed-out-of-service", args=[bed.pk]), {f"bed{bed.pk}-reason": "x"}).status_code
        == 404
    )
    assert client.post(reverse("housing:site-confirm", args=[world.site.pk])).status_code == 404
    assert bed_statuses([bed])[bed.pk] == BedStatus.AVAILABLE
    logged_in(client, world.provider_staff)
    response = client.get(reverse("housing:provider"))
    assert response.status_code == 200
    assert "Maison Saint-Roch" in response.content.decode()


def test_the_provider_takes_a_bed_out_of_service_and_back(client, world):
    bed = world.shared_beds[0]
    logged_in(client, world.provider_staff)
    until = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("housing:bed-out-of-service", args=[bed.pk]),
        {f"bed{bed.pk}-reason": "Punaises", f"bed{bed.pk}-until": until.isoformat()},
    )
    assert response.status_code == 302
    assert bed_statuses([bed])[bed.pk] == BedStatus.OUT_OF_SERVICE
    assert bed_statuses([bed], timezone.now() + timedelta(days=4))[bed.pk] == BedStatus.AVAILABLE

    response = client.post(reverse("housing:bed-in-service", args=[bed.pk]))
    assert response.status_code == 302
    assert bed_statuses([bed])[bed.pk] == BedStatus.AVAILABLE


def test_a_bed_someone_holds_cannot_go_out_of_service(client, world):
    bed = world.shared_beds[0]
    services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    logged_in(client, world.provider_staff)
    response = client.post(reverse("housing:bed-out-of-service", args=[bed.pk]), {f"bed{bed.pk}-reason": "Fuite"})
    assert response.status_code == 409
    assert "Someone holds or occupies this bed: confirm their departure first." in response.content.decode()
    assert bed_statuses([bed])[bed.pk] == BedStatus.HELD


def test_the_provider_confirms_an_arrival_extends_and_confirms_the_departure(client, world):
    hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now(),
    )
    logged_in(client, world.provider_staff)
    page = client.get(reverse("housing:provider")).content.decode()
    assert hold.code in page and "Famille Rodríguez" not in page

    # Beyond the site's 30 days: the service's message, next to the form.
    too_late = timezone.localdate() + timedelta(days=31)
    response = client.post(
        reverse("housing:hold-check-in", args=[hold.pk]), {f"hold{hold.pk}-planned_end": too_late.isoformat()}
    )
    assert response.status_code == 400
    assert "This site allows stays of 30 days at most." in response.content.decode()

    end = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("housing:hold-check-in", args=[hold.pk]), {f"hold{hold.pk}-planned_end": end.isoformat()}
    )
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert timezone.localtime(stay.planned_end_at).date() == end
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.OCCUPIED}

    # The whole 30 days is allowed: the stay ends at the clock time it started.
    longest = timezone.localtime(stay.checked_in_at).date() + timedelta(days=30)
    response = client.post(
        reverse("housing:stay-extend", args=[stay.pk]), {f"stay{stay.pk}-planned_end": longest.isoformat()}
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.extended_times == 1

    response = client.post(reverse("housing:stay-check-out", args=[stay.pk]), {f"stay{stay.pk}-exit_destination": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("housing:stay-check-out", args=[stay.pk]), {f"stay{stay.pk}-exit_destination": "permanent_housing"}
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert (stay.status, stay.exit_destination) == (StayStatus.CHECKED_OUT, "permanent_housing")
    assert set(bed_statuses(world.family_beds).values()) == {BedStatus.AVAILABLE}


def test_the_provider_records_a_no_show(client, world):
    hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    logged_in(client, world.provider_staff)
    assert client.post(reverse("housing:hold-no-show", args=[hold.pk])).status_code == 302
    assert Hold.objects.get().status == HoldStatus.NO_SHOW


def test_the_provider_confirms_the_board(client, world):
    logged_in(client, world.provider_staff)
    response = client.post(reverse("housing:site-confirm", args=[world.site.pk]), follow=True)
    assert response.status_code == 200
    world.site.refresh_from_db()
    assert world.site.last_confirmed_at is not None
    assert timezone.now() - world.site.last_confirmed_at < timedelta(minutes=1)


def test_another_provider_s_staff_cannot_touch_these_beds(client, world, other_site):
    logged_in(client, factories.member(other_site.provider, Role.WORKER))
    bed = world.shared_beds[0]
    response = client.post(reverse("housing:bed-out-of-service", args=[bed.pk]), {f"bed{bed.pk}-reason": "x"})
    assert response.status_code == 404
    response = client.get(reverse("housing:provider"))
    assert "Refuge du Nord" in response.content.decode()
    assert "Maison Saint-Roch" not in response.content.decode()


def test_a_refusal_about_a_hold_that_ended_meanwhile_is_still_shown(client, world):
    hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    services.hold_release(actor=world.hub_worker, hold=hold)
    logged_in(client, world.provider_staff)
    end = timezone.localdate() + timedelta(days=7)
    response = client.post(
        reverse("housing:hold-check-in", args=[hold.pk]), {f"hold{hold.pk}-planned_end": end.isoformat()}
    )
    assert response.status_code == 409
    assert "This hold has already ended." in response.content.decode()
    assert not Stay.objects.exists()
