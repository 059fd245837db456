"""axe-core on every page of every role, in French and Spanish, on a phone and on a desktop: no
critical and no serious violation (docs/development.md, "Accessibility").

The pages are the project's URL patterns (tests/url_patterns.py) outside the API and the Django
admin, with their objects chosen as tests/test_routes.py does: for each demo login, the first
object of the route's model that the login may view. A page is checked for a login when the
server answers its GET with an HTML page (200, not a download); the others (405 for a POST-only
action, 404 for a page the role may not use, a PDF or a CSV) are not pages of that role. One test
per role, so that a failure names the role; one logged-in browser context per role and language.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.auth import login
from tests.route_matrix import (
    HUB_ADMIN,
    HUB_COORDINATOR,
    HUB_WORKER,
    LIAISON,
    PARAMETER_FIELDS,
    PARAMETER_MODELS,
    PARTNER_AGENT,
    PRIVACY_OFFICER,
    PROVIDER,
    PUBLIC,
    ROUTES,
    WORDS,
)
from tests.test_routes import World, project_routes
from tests.url_patterns import concrete

pytestmark = pytest.mark.django_db(transaction=True)

# axe-core from the npm registry (``npm ci``); the test is skipped without it.
AXE = Path(os.environ.get("AXE_CORE_PATH", "node_modules/axe-core/axe.min.js"))
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
LANGUAGES = {"fr-ca": "fr-CA", "es-419": "es-419"}
ROLES = {
    "anonymous": None,
    "hub-admin": HUB_ADMIN,
    "hub-coordinator": HUB_COORDINATOR,
    "hub-worker": HUB_WORKER,
    "privacy-officer": PRIVACY_OFFICER,
    "partner-agent": PARTNER_AGENT,
    "provider": PROVIDER,
    "city-liaison": LIAISON,
}
# Routes whose GET is not a page to check: the API's documentation is a third-party viewer.
NOT_PAGES = {"api-docs", "api-schema", "logout"}


def page_routes() -> list[tuple[str, str, list[str]]]:
    """(key, regex, parameters) of the project's page routes (not the API's, not the admin's)."""
    return [
        (key, regex, params)
        for key, regex, params in project_routes()
        if not regex.startswith("api/") and key not in NOT_PAGES
    ]


def page_path(world: World, user, key: str, regex: str, params: list[str]) -> str | None:
    """The route's path for ``user``: its object the first of its model that ``user`` may view
    (None when there is none); public routes and word parameters take tests/route_matrix.py's
    made-up values."""
    route = ROUTES[key]
    values = {param: WORDS[param] for param in params if param in WORDS}
    object_params = [param for param in params if param not in WORDS]
    if object_params and (route.scope == PUBLIC or user is None):
        values.update(dict.fromkeys(object_params, "x"))
    elif object_params:
        param = object_params[-1]  # the innermost object decides, as in tests/test_routes.py
        model = route.model if param == "pk" else PARAMETER_MODELS[param]
        obj = world.visible(model, user).order_by("pk").first()
        if obj is None:
            return None
        values[param] = getattr(obj, PARAMETER_FIELDS.get(param, "pk"))
        if "person_id" in params and param != "person_id":
            values["person_id"] = obj.person_id
    path = concrete(regex, values)
    if path is not None and route.query:
        path = f"{path}?{route.query}"
    return path


def html_pages(world: World, user) -> tuple[list[str], str | None]:
    """The paths whose GET answers ``user`` with an HTML page, asked through Django's test client,
    and the client's session key (logged in past the second factor), for the browser to reuse."""
    client = Client()
    if user is not None:
        login(client, user)
    pages = []
    for key, regex, params in page_routes():
        path = page_path(world, user, key, regex, params)
        if path is None:
            continue
        response = client.get(path)
        if (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and "Content-Disposition" not in response
        ):
            pages.append(path)
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return pages, session.value if session else None


def violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each: the rule, its
    impact and the elements (up to three) where it fails."""
    # Evaluated, not added as a <script>: the Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in results["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.mark.skipif(not AXE.exists(), reason=f"axe-core not found at {AXE} (npm ci)")
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_the_role_has_no_serious_accessibility_violation(
    browser, daphne_server, outside_event_loop, role
):
    world = outside_event_loop(World)
    user = world.users[ROLES[role]] if ROLES[role] else None
    paths, session_key = outside_event_loop(lambda: html_pages(world, user))
    assert len(paths) >= (3 if user is None else 10), paths

    failures = []
    for language, locale in LANGUAGES.items():
        context = browser.new_context(base_url=daphne_server, viewport=VIEWPORTS["phone"], locale=locale)
        context.set_default_timeout(10_000)
        try:
            # The test client's session (the login pages have their own tests), and the interface
            # language's cookie, which the language switch sets.
            cookies = {settings.LANGUAGE_COOKIE_NAME: language, settings.SESSION_COOKIE_NAME: session_key}
            context.add_cookies(
                [{"name": name, "value": value, "url": daphne_server} for name, value in cookies.items() if value]
            )
            page = context.new_page()
            for path in paths:
                for viewport_name, viewport in VIEWPORTS.items():
                    page.set_viewport_size(viewport)
                    if viewport_name == "phone":
                        response = page.goto(path)
                        # The page itself, in the language: not the login page a lost session
                        # would show.
                        assert response.status == 200 and page.url == daphne_server + path, (path, page.url)
                        assert page.evaluate("document.documentElement.lang").lower() == language, path
                    failures += [f"{language} {viewport_name} {path}: {line}" for line in violations(page)]
        finally:
            context.close()
    assert not failures, "\n".join(failures)
