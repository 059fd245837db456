"""The route-generated permission test (docs/security.md, "Every route in the matrix").

Every URL pattern of the project is walked (tests/url_patterns.py) and must have an entry in
tests/route_matrix.py: a route nobody declared fails here. Then every route is tried, on the demo
network plus an organisation nobody partnered with, as:

- anonymous: sent to the login page (pages) or 401 (API), unless the route is public;
- a user who may not view the route's object (the outsider, and every demo login the access policy
  keeps from it): the same answer as for an object that does not exist, nothing read or changed;
- the outsider on a route without an object: no person's name in the answer, nothing changed;
- the login the route is for: served.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db.models import Q
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as account_services
from housing import services as housing_services
from housing.choices import RoomKind, UnmetReason
from housing.models import Bed, Site
from organisations import services as organisation_services
from organisations.choices import OrganisationKind, Role
from organisations.models import Membership, User
from organisations.permissions import Action, organisation_ids_with_permission
from people import services as people_services
from people.choices import GenderIdentity, InterventionType, MilestoneKind
from people.models import DeadlineRule, Person
from retention import services as retention_services
from tests import factories
from tests.auth import login
from tests.route_matrix import GRANTED, PARAMETER_FIELDS, PARAMETER_MODELS, PUBLIC, ROUTES, WORDS, Route
from tests.url_patterns import concrete, patterns

pytestmark = pytest.mark.django_db

MISSING_ID = "999999999"
# Tables a refused request may write: the session of the one who asked, the login throttling's,
# and the audit log (a refused read of personal data is audited: organisations.audit).
BOOKKEEPING = {
    Session._meta.label,
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "organisations.AuditEntry",
}


def project_routes() -> list[tuple[str, str, list[str]]]:
    """(key, regex, parameters) of every route but the Django admin's and the API's format suffixes."""
    routes = {}
    for regex, name, params in patterns():
        if name.startswith("admin:") or "format" in params:
            continue
        routes.setdefault(name or regex, (regex, params))
    return [(key, regex, params) for key, (regex, params) in routes.items()]


def test_every_route_has_an_entry_in_the_matrix():
    keys = {key for key, _regex, _params in project_routes()}
    assert sorted(keys - set(ROUTES)) == [], "routes without an entry in tests/route_matrix.py"
    assert sorted(set(ROUTES) - keys) == [], "entries of tests/route_matrix.py without a route"


def test_the_admin_is_for_staff_only(world):
    client = Client()
    login(client, world.outsider)
    admin_pages = [
        concrete(regex, {})
        for regex, name, params in patterns()
        if name.startswith("admin:") and not params and name not in {"admin:login", "admin:logout"}
    ]
    assert len(admin_pages) > 10
    for path in admin_pages:
        response = client.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], path


class World:
    """The demo network, an organisation nobody partnered with (its admin is the outsider), and
    the objects the demo lacks (an invitation, an API token)."""

    def __init__(self):
        call_command("seed_demo", "--quiet-logins", stdout=StringIO())
        self.users = {user.email: user for user in User.objects.filter(memberships__is_active=True).distinct()}
        stranger = factories.organisation(kind=OrganisationKind.COMMUNITY, name="Organisme sans partenaire")
        self.outsider = factories.member(stranger, Role.ADMIN, email="admin@sans-partenaire.example")
        hub_admin = self.users["admin@accueil-quebec.example"]
        hub = Membership.objects.filter(user=hub_admin, is_active=True).first().organisation
        organisation_services.invitation_create(
            actor=hub_admin, organisation=hub, email="new.person@example.org", role=Role.WORKER
        )
        people_services.household_create(
            actor=self.users["intervenant@accueil-quebec.example"],
            owner=hub,
            name="Famille du test des routes",
            members=[(Person.objects.filter(owner=hub, household=None).order_by("pk").first(), "head")],
        )
        self.place_two_women(hub, provider_slug="maison-le-phare")
        someone = Person.objects.filter(owner=hub).order_by("pk").first()
        people_services.intervention_log(
            actor=self.users["intervenant@accueil-quebec.example"],
            organisation=hub,
            people=[someone],
            type=InterventionType.INTAKE_WELCOME,
            language_used="es",
        )
        people_services.milestone_record(
            actor=self.users["intervenant@accueil-quebec.example"],
            person=someone,
            kind=MilestoneKind.CLAIM_MADE,
            occurred_on=timezone.localdate(),
        )
        for user in self.users.values():
            account_services.api_token_create(
                user=user,
                name="route test",
                lifetime=timedelta(days=1),
                from_session=True,
                second_factor_passed=True,
            )
        retention_services.legal_hold_set(
            actor=self.users["vie-privee@accueil-quebec.example"],
            person_id=someone.pk,
            reason="Demande d'accès en cours",
        )
        self.person_names = [str(person) for person in Person.objects.all()]

    def place_two_women(self, hub, provider_slug: str) -> None:
        """A hold and a stay at the provider's women-only site, placed by the hub's worker."""
        worker = self.users["intervenant@accueil-quebec.example"]
        site = Site.objects.get(provider__slug=provider_slug)
        beds = Bed.objects.filter(room__site=site, room__kind=RoomKind.SHARED_ROOM).order_by("pk")
        arrival = timezone.now() + timedelta(hours=1)
        holds = [
            housing_services.hold_create(
                actor=worker,
                organisation=hub,
                site=site,
                bed_ids=[bed.pk],
                person=factories.person(hub, actor=worker, gender_identity=GenderIdentity.WOMAN),
                expected_arrival_at=arrival,
            )
            for bed in beds[:2]
        ]
        housing_services.stay_check_in(actor=self.users["hebergement@maisonlephare.example"], hold=holds[1])
        housing_services.unmet_request_record(
            actor=worker, organisation=hub, household_size=5, reason=UnmetReason.NO_FAMILY_ROOM
        )

    def visible(self, model, user):
        """The objects of ``model`` that ``user`` may view, by the access policy."""
        if model is Bed:
            return Bed.objects.filter(room__site__in=Site.objects.restrict(user, Action.VIEW))
        if model.__name__ == "ApiToken":
            return model.objects.filter(user=user)
        if model is DeadlineRule:
            # Passerelle's deadline rules and a hub's own: kept by whoever designs its trajectory.
            designs = organisation_ids_with_permission(user, "manage_trajectory")
            if not designs:
                return model.objects.none()
            return model.objects.filter(Q(organisation__isnull=True) | Q(organisation__in=designs))
        return model.objects.restrict(user, Action.VIEW)


@pytest.fixture
def world(db):
    return World()


def parameters(world: World, route: Route, params: list[str]):
    """The route's object (the first the login it is for may view) and its URL parameters."""
    if not params:
        return None, {}
    if set(params) <= set(WORDS) or route.scope == PUBLIC:
        return None, {param: WORDS.get(param, "x") for param in params}
    object_params = [param for param in params if param not in WORDS]
    # The innermost object decides (a consent of a person): the person is the consent's.
    param = object_params[-1]
    model = route.model if param == "pk" else PARAMETER_MODELS[param]
    user = world.users[route.granted]
    obj = world.visible(model, user).order_by("pk").first()
    assert obj is not None, f"the demo network has no {model.__name__} that {route.granted} may view"
    values = {name: WORDS[name] for name in params if name in WORDS}
    values[param] = getattr(obj, PARAMETER_FIELDS.get(param, "pk"))
    if "person_id" in params and param != "person_id":
        values["person_id"] = obj.person_id
    return obj, values


def with_missing(values: dict, params: list[str]) -> dict:
    missing = dict(values)
    param = [name for name in params if name not in WORDS][-1]
    missing[param] = MISSING_ID
    if "person_id" in missing and param != "person_id":
        missing["person_id"] = MISSING_ID
    return missing


def row_counts() -> dict:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in BOOKKEEPING and not model._meta.proxy
    }


def snapshot(obj) -> dict | None:
    if obj is None:
        return None
    obj = type(obj)._default_manager.get(pk=obj.pk)
    # In one language: a translated text's plain name reads the active language's column, which
    # the request just answered may have changed (the three columns are in the dictionary too).
    with translation.override(settings.LANGUAGE_CODE):
        return model_to_dict(obj)


def request(client: Client, method: str, path: str, api: bool):
    headers = {"HTTP_ACCEPT": "application/json"} if api else {}
    if method == "POST":
        if api:
            return client.post(path, data="{}", content_type="application/json", **headers)
        return client.post(path, data={}, **headers)
    return client.get(path, **headers)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("login") in response["Location"]


def check_route(world: World, key: str, failures: list[str]) -> None:
    """Try one route as each kind of user; append what went wrong to ``failures``."""
    route = ROUTES[key]
    regex, params = next((regex, params) for name, regex, params in project_routes() if name == key)
    is_api = regex.startswith("api/") and key not in {"api-docs", "api-schema"}
    obj, values = parameters(world, route, params)
    path = concrete(regex, values)

    def expect(condition: bool, who: str, method: str, response) -> None:
        if not condition:
            failures.append(f"{key} {method} {path} as {who}: {response.status_code}")

    for method in ("GET", "POST"):
        response = request(Client(), method, path, is_api)
        expect(response.status_code < 500, "anonymous", method, response)
        if route.scope != PUBLIC:
            expect(response.status_code in (401, 405) or is_login_redirect(response), "anonymous", method, response)

    if obj is not None and route.scope != PUBLIC:
        missing_path = concrete(regex, with_missing(values, params))
        kept_out = [
            user
            for user in [world.outsider, *world.users.values()]
            if not world.visible(type(obj), user).filter(pk=obj.pk).exists()
        ]
        if route.scope == GRANTED and world.outsider not in kept_out:
            failures.append(f"{key}: the access policy lets an organisation nobody partnered with view {obj!r}")
        for user in kept_out:
            client = Client()
            login(client, user)
            for method in ("GET", "POST"):
                before, counts = snapshot(obj), row_counts()
                answer = request(client, method, path, is_api)
                unchanged = snapshot(obj) == before and row_counts() == counts
                expected = request(client, method, missing_path, is_api)
                expect(
                    answer.status_code == expected.status_code,
                    f"{user.email} (not as for a missing one)",
                    method,
                    answer,
                )
                expect(
                    answer.status_code in (404, 405) or (method == "POST" and answer.status_code == 403),
                    user.email,
                    method,
                    answer,
                )
                expect(unchanged, f"{user.email} (a table changed)", method, answer)

    if obj is None and route.scope != PUBLIC:
        client = Client()
        login(client, world.outsider)
        for method in ("GET", "POST"):
            counts = row_counts()
            response = request(client, method, path, is_api)
            expect(response.status_code < 500, "the outsider", method, response)
            body = response.content.decode(errors="replace")
            expect(
                not [name for name in world.person_names if name in body],
                "the outsider (a person's name)",
                method,
                response,
            )
            if route.scope == GRANTED:
                expect(row_counts() == counts, "the outsider (a table changed)", method, response)

    client = Client()
    login(client, world.users[route.granted])
    response = request(client, "GET", f"{path}?{route.query}" if route.query else path, is_api)
    served = (200, 302, 405) if obj is not None or not params else (200, 302, 404, 405)  # 404: a made-up link
    expect(response.status_code in served and not is_login_redirect(response), route.granted, "GET", response)


def test_every_route_as_each_kind_of_user(world):
    failures: list[str] = []
    for key in sorted(ROUTES):
        check_route(world, key, failures)
    assert not failures, "\n".join(failures)
