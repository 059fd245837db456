"""The Content-Security-Policy in Chromium: the main pages of each role, the Swagger UI, the
browsable API and the Django admin work under it with no violation; and the live client stops
after a policy close instead of reconnecting in a loop (docs/security.md)."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from organisations.choices import Role
from organisations.demo import DEMO_PASSWORD, USERS
from organisations.models import User
from tests import factories
from tests.browser.test_shell import log_in
from tests.daphne_server import daphne_servers

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded from the first script of every document, before the page's own: Playwright's init
# scripts are not subject to the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.effectiveDirective} ${event.blockedURI} ${where}`);
});
"""
# Detail pages worth a visit when a list page links to them: one of each kind.
DETAIL_LINK = re.compile(r"^/(people|referrals|housing/sites|directory|reports/funder-report)/[^/]*/?$")


class ViolationWatch:
    """Collects CSP violations of one browser page: its own events and the console's reports."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self.on_console)

    def on_console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, path: str, ready: str | None = None) -> list[str]:
        """Open ``path``, wait for it (and ``ready``, a selector), return its violations."""
        response = self.page.goto(path)
        assert response is not None and response.status < 500, path
        self.page.wait_for_load_state("networkidle")
        if ready:
            self.page.wait_for_selector(ready)
        return [f"{path}: {violation}" for violation in self.page.evaluate("window.__cspViolations")]


@pytest.fixture
def demo(outside_event_loop):
    outside_event_loop(lambda: call_command("seed_demo", "--quiet-logins", stdout=StringIO()))


def same_site_paths(page, pattern: re.Pattern) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
    return [href for href in hrefs if href.startswith("/") and pattern.match(urlsplit(href).path)]


@pytest.mark.parametrize("login", [email for email, *_rest in USERS])
def test_the_main_pages_of_each_role_run_under_the_policy(new_page, demo, login):
    page = new_page(viewport={"width": 1280, "height": 800})
    watch = ViolationWatch(page)
    log_in(page, login, DEMO_PASSWORD)
    violations = watch.visit("/")
    pages = ["/profile/", *page.eval_on_selector_all(".site-nav__link", "all => all.map(a => a.getAttribute('href'))")]
    details: dict[str, str] = {}
    for path in dict.fromkeys(pages):
        violations += watch.visit(path)
        for link in same_site_paths(page, DETAIL_LINK):
            details.setdefault(DETAIL_LINK.match(urlsplit(link).path).group(1), link)
    for path in details.values():
        violations += watch.visit(path)
    # The browsable API (a list with its "Filters" button, placed by a style attribute that the
    # policy allows by its hash) and the Swagger UI, once logged in.
    violations += watch.visit("/api/v1/", ready="#content")
    violations += watch.visit("/api/v1/people/", ready="#content")
    violations += watch.visit("/api/docs/", ready=".swagger-ui .information-container")
    assert violations == [] and watch.console == [], (violations, watch.console)


def test_the_live_board_connects_and_the_funder_report_prints_under_the_policy(new_page, demo):
    page = new_page(viewport={"width": 1280, "height": 800})
    watch = ViolationWatch(page)
    log_in(page, "intervenant@accueil-quebec.example", DEMO_PASSWORD)
    violations = watch.visit("/housing/", ready="body[data-live-state=open]")

    coordinator_page = new_page(viewport={"width": 1280, "height": 800})
    coordinator_watch = ViolationWatch(coordinator_page)
    log_in(coordinator_page, "coordination@accueil-quebec.example", DEMO_PASSWORD)
    violations += coordinator_watch.visit("/reports/funder-report/", ready="[data-print]:not([hidden])")
    coordinator_page.evaluate("window.print = () => { window.__printed = true; }")
    coordinator_page.click("[data-print]")
    assert coordinator_page.evaluate("window.__printed") is True
    console = watch.console + coordinator_watch.console
    assert violations == [] and console == [], (violations, console)


def test_the_admin_runs_under_the_policy(new_page, outside_event_loop):
    outside_event_loop(
        lambda: User.objects.create_superuser("root@example.org", "a-long-admin-password", full_name="Root")
    )
    page = new_page(viewport={"width": 1280, "height": 800})
    watch = ViolationWatch(page)
    log_in(page, "root@example.org", "a-long-admin-password")
    violations = watch.visit("/admin/", ready="#content")
    violations += watch.visit("/admin/organisations/organisation/", ready="#changelist")
    violations += watch.visit("/admin/organisations/organisation/add/", ready="form")
    assert violations == [] and watch.console == [], (violations, watch.console)


@pytest.fixture
def one_socket_per_user_server(django_db_setup, django_db_blocker, monkeypatch):
    """A Daphne that lets each user hold one socket."""
    monkeypatch.setenv("WS_MAX_SOCKETS_PER_USER", "1")
    with daphne_servers("one-socket") as (base_url,):
        yield base_url


def test_a_policy_close_stops_the_client_instead_of_a_reconnection_loop(
    browser, one_socket_per_user_server, outside_event_loop
):
    worker = outside_event_loop(lambda: factories.member(factories.organisation(kind="hub"), Role.WORKER))
    context = browser.new_context(base_url=one_socket_per_user_server, viewport={"width": 390, "height": 844})
    try:
        login_page = context.new_page()
        log_in(login_page, worker.email)
        # The page after logging in holds the user's one socket: closed, and its close handled by
        # the server, before the two pages below are opened.
        login_page.close()
        context.new_page().wait_for_timeout(1_000)
        first = context.new_page()
        first.goto("/profile/")
        first.wait_for_selector("body[data-live-state=open]")

        second = context.new_page()
        sockets = []
        second.on("websocket", lambda socket: sockets.append(socket))
        second.goto("/profile/")
        second.wait_for_selector("body[data-live-state=refused]")
        second.wait_for_timeout(4_000)  # live.js would have reconnected within 1–2 s
        assert len(sockets) == 1
        assert first.evaluate("document.body.dataset.liveState") == "open"
    finally:
        context.close()
