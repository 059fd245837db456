"""The permission matrix of the housing API: provider staff keep their own sites; hubs with a
housing partnership with the provider see its availability and hold beds; holds and stays are
seen by the placing organisation and the hosting provider only; city liaisons get aggregates and
nothing else. Everyone else: 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from housing import services
from housing.choices import RoomKind, SiteKind
from housing.models import Bed, Hold, Site, Stay, UnmetHousingRequest
from organisations.choices import OrganisationKind, PartnershipScope, Role
from tests import factories
from tests.housing.world import build_housing_world
from tests.permission_matrix import CreateMatrix, UpdateMatrix, ViewMatrix


def site_of(provider, **fields) -> Site:
    """A site of ``provider`` with one shared room of two beds."""
    site = services.site_create(
        actor=None,
        provider=provider,
        name=fields.pop("name", "Refuge"),
        address="1, rue Saint-Jean",
        kind=SiteKind.EMERGENCY,
        **fields,
    )
    services.room_create(actor=None, site=site, name="Dortoir", kind=RoomKind.SHARED_ROOM, beds=2)
    return site


def partnered_site(organisation) -> Site:
    """A site of a new housing provider that ``organisation`` has a housing partnership with."""
    provider = factories.organisation(kind=OrganisationKind.HOUSING_PROVIDER)
    factories.partnership(organisation, provider, PartnershipScope.HOUSING)
    return site_of(provider)


def hold_for(organisation) -> Hold:
    """A hold placed by ``organisation`` for one of its people, on a partnered provider's site."""
    site = partnered_site(organisation)
    worker = factories.case_worker(organisation)
    return services.hold_create(
        actor=worker,
        organisation=organisation,
        site=site,
        bed_ids=[site.beds.order_by("pk").first().pk],
        person=factories.person(organisation, actor=worker),
        expected_arrival_at=timezone.now(),
    )


class TestOwnSitePermissions(ViewMatrix, UpdateMatrix, CreateMatrix):
    """The provider's own sites: its case workers see them, its admins change them."""

    basename = "housing-site"
    readonly_role = Role.LIAISON
    create_role = Role.WORKER

    def make(self, side):
        return site_of(side.organisation)

    def update_payload(self, obj):
        return {"meals_fr": "Trois repas"}

    def changed(self, obj):
        return Site.objects.get(pk=obj.pk).meals == "Trois repas"

    def create_payload(self, side):
        return {
            "provider": side.organisation.pk,
            "name": "Maison Marie-Rollet",
            "address": "12, rue des Érables",
            "kind": SiteKind.SHORT_TERM,
        }

    def count(self):
        return Site.objects.count()


class TestPartnerSitePermissions(ViewMatrix):
    """A provider's sites, seen by the hubs that have a housing partnership with it."""

    basename = "housing-site"

    def make(self, side):
        return partnered_site(side.organisation)


class TestHoldPermissions(ViewMatrix):
    basename = "housing-hold"

    def make(self, side):
        return hold_for(side.organisation)


class TestStayPermissions(ViewMatrix):
    basename = "housing-stay"

    def make(self, side):
        hold = hold_for(side.organisation)
        return services.stay_check_in(actor=hold.held_by, hold=hold)


class TestUnmetRequestPermissions(ViewMatrix, CreateMatrix):
    basename = "housing-unmet-request"
    create_role = Role.WORKER
    readonly_role = Role.LIAISON

    def make(self, side):
        return services.unmet_request_record(
            actor=factories.case_worker(side.organisation),
            organisation=side.organisation,
            household_size=4,
            reason="no_family_room",
        )

    def create_payload(self, side):
        return {"organisation": side.organisation.pk, "household_size": 3, "reason": "no_bed"}

    def count(self):
        return UnmetHousingRequest.objects.count()


# --- Who may do what, endpoint by endpoint (pretix's table) -------------------------------------


@pytest.fixture
def world(db):
    world = build_housing_world()
    world.hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[bed.pk for bed in world.family_beds],
        household=world.household,
        expected_arrival_at=timezone.now(),
    )
    person_hold = services.hold_create(
        actor=world.hub_worker,
        organisation=world.hub,
        site=world.site,
        bed_ids=[world.shared_beds[0].pk],
        person=world.person,
        expected_arrival_at=timezone.now(),
    )
    world.stay = services.stay_check_in(
        actor=world.provider_staff, hold=person_hold, planned_end_at=timezone.now() + timedelta(days=5)
    )
    return world


ACTORS = ("provider_staff", "hub_worker", "other_hub_worker", "liaison", "provider_liaison")


def actor(world, name):
    """The user ``name`` stands for, made when first needed (organisations are slow to make)."""
    if not hasattr(world, name):
        setattr(
            world,
            name,
            {
                "other_hub_worker": lambda: factories.member(
                    factories.organisation(kind=OrganisationKind.HUB), Role.WORKER
                ),
                "liaison": lambda: factories.member(factories.organisation(kind=OrganisationKind.CITY), Role.LIAISON),
                "provider_liaison": lambda: factories.member(world.provider, Role.LIAISON),
                "hub_coordinator": lambda: factories.member(world.hub, Role.COORDINATOR),
            }[name](),
        )
    return getattr(world, name)


def request_for(world, endpoint):
    """(method, url, body) of ``endpoint`` in ``world``."""
    site, hold, stay, free_bed = world.site, world.hold, world.stay, world.shared_beds[1]
    later = (timezone.now() + timedelta(days=9)).isoformat()
    return {
        "site-detail": ("get", reverse("housing-site-detail", args=[site.pk]), None),
        "site-update": ("patch", reverse("housing-site-detail", args=[site.pk]), {"meals_fr": "Souper"}),
        "site-confirm": ("post", reverse("housing-site-confirm", args=[site.pk]), {}),
        "site-rooms": (
            "post",
            reverse("housing-site-rooms", args=[site.pk]),
            {"name": "Unité 2", "kind": RoomKind.FAMILY_UNIT, "beds": 4},
        ),
        "bed-out-of-service": (
            "post",
            reverse("housing-bed-out-of-service", args=[free_bed.pk]),
            {"reason": "Punaises"},
        ),
        "bed-in-service": ("post", reverse("housing-bed-in-service", args=[free_bed.pk]), {}),
        "hold-detail": ("get", reverse("housing-hold-detail", args=[hold.pk]), None),
        "hold-create": (
            "post",
            reverse("housing-hold-list"),
            {
                "site": site.pk,
                "beds": [free_bed.pk],
                "household": None,
                "person": None,
                "expected_arrival_at": timezone.now().isoformat(),
            },
        ),
        "hold-release": ("post", reverse("housing-hold-release", args=[hold.pk]), {"no_show": True}),
        "hold-extend": (
            "post",
            reverse("housing-hold-extend", args=[hold.pk]),
            {"expected_arrival_at": (timezone.now() + timedelta(hours=3)).isoformat()},
        ),
        "hold-check-in": ("post", reverse("housing-hold-check-in", args=[hold.pk]), {}),
        "hold-move": ("post", reverse("housing-hold-move", args=[hold.pk]), {"site": site.pk, "beds": [free_bed.pk]}),
        "stay-move": ("post", reverse("housing-stay-move", args=[stay.pk]), {"site": site.pk, "beds": [free_bed.pk]}),
        "stay-detail": ("get", reverse("housing-stay-detail", args=[stay.pk]), None),
        "stay-extend": ("post", reverse("housing-stay-extend", args=[stay.pk]), {"planned_end_at": later}),
        "stay-check-out": ("post", reverse("housing-stay-check-out", args=[stay.pk]), {"exit_destination": "other"}),
        "occupancy": ("get", reverse("housing-occupancy"), None),
    }[endpoint]


# provider staff, hub worker, other hub worker, city liaison, provider liaison (who may see aggregates)
EXPECTED = {
    "site-detail": (200, 200, 404, 404, 404),
    "site-update": (200, 404, 404, 404, 404),
    "site-confirm": (200, 404, 404, 404, 404),
    "site-rooms": (201, 404, 404, 404, 404),
    "bed-out-of-service": (201, 404, 404, 404, 404),
    "bed-in-service": (200, 404, 404, 404, 404),
    "hold-detail": (200, 200, 404, 404, 404),
    # Moving the arrival is the placing hub's: the provider reads the hold, not moves it.
    "hold-extend": (404, 200, 404, 404, 404),
    "hold-create": (404, 201, 404, 404, 404),
    "hold-release": (200, 200, 404, 404, 404),
    "hold-check-in": (201, 201, 404, 404, 404),
    # Both may move within the site; a family of three to one bed is then the site's rule (409).
    "hold-move": (409, 409, 404, 404, 404),
    "stay-detail": (200, 200, 404, 404, 404),
    "stay-extend": (200, 200, 404, 404, 404),
    "stay-check-out": (200, 200, 404, 404, 404),
    "stay-move": (200, 200, 404, 404, 404),
    "occupancy": (404, 404, 404, 200, 200),
}


@pytest.mark.parametrize(
    ("endpoint", "role", "expected"),
    [(endpoint, role, row[index]) for endpoint, row in EXPECTED.items() for index, role in enumerate(ACTORS)],
)
def test_who_may_do_what(api, world, endpoint, role, expected):
    method, url, body = request_for(world, endpoint)
    user = actor(world, role)
    if endpoint == "hold-create":
        # For a new person of the hub; the other hub for one of its own, so that only the site
        # (not partnered with it) stands in its way.
        owner = user.memberships.get().organisation if role == "other_hub_worker" else world.hub
        body["person"] = factories.person(owner).pk
    api.force_authenticate(user)
    response = getattr(api, method)(url, body, format="json") if body is not None else api.get(url)
    assert response.status_code == expected, response.json()
    if expected == 404:
        assert response.json()["code"] == "not_found"


def test_nothing_was_changed_by_refused_requests(api, world):
    api.force_authenticate(actor(world, "other_hub_worker"))
    for endpoint in ("site-update", "bed-out-of-service", "hold-release", "stay-check-out"):
        method, url, body = request_for(world, endpoint)
        assert getattr(api, method)(url, body, format="json").status_code == 404
    assert Site.objects.get(pk=world.site.pk).meals == ""
    assert Hold.objects.get(pk=world.hold.pk).status == "active"
    assert Stay.objects.get(pk=world.stay.pk).status == "active"
    assert not Bed.objects.get(pk=world.shared_beds[1].pk).allocations.exists()


def test_a_hub_coordinator_sees_aggregates_too(api, world):
    api.force_authenticate(actor(world, "hub_coordinator"))
    assert api.get(reverse("housing-occupancy")).status_code == 200


def test_lists_are_empty_for_those_outside(api, world):
    for role in ("other_hub_worker", "liaison", "provider_liaison"):
        api.force_authenticate(actor(world, role))
        for basename in ("housing-site", "housing-hold", "housing-stay", "housing-unmet-request"):
            response = api.get(reverse(f"{basename}-list"))
            assert response.status_code == 200
            assert response.json()["count"] == 0, (role, basename)


def test_ending_the_housing_partnership_hides_the_site_and_stops_new_holds(api, world):
    from organisations import services as organisation_services
    from organisations.models import Partnership

    partnership = Partnership.objects.get(organisation=world.hub, partner=world.provider)
    organisation_services.partnership_end(actor=None, partnership=partnership)
    api.force_authenticate(world.hub_worker)
    assert api.get(reverse("housing-site-detail", args=[world.site.pk])).status_code == 404
    response = api.post(
        reverse("housing-hold-list"),
        {
            "site": world.site.pk,
            "beds": [world.shared_beds[1].pk],
            "person": factories.person(world.hub).pk,
            "expected_arrival_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 404
    # The holds and stays the hub placed remain its own.
    assert api.get(reverse("housing-hold-detail", args=[world.hold.pk])).status_code == 200
