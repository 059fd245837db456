"""Browser tests: Chromium (Debian's /usr/bin/chromium) driven by Playwright against a real Daphne
started as a subprocess on the test database (STACK.md traps 3–6).

They run in their own pytest invocation (``pytest -m browser``), after the rest of the suite:
Playwright's sync API keeps an event loop in the main thread for the rest of the session.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connections

from tests.daphne_server import daphne_servers

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture
def daphne_server(django_db_setup, django_db_blocker):
    """A Daphne process serving the whole ASGI app on the test database; yields its base URL."""
    with daphne_servers("browser") as (base_url,):
        yield base_url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # synchronous and safe, so Django's async guard is lifted for this session only.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def outside_event_loop():
    """Run a setup function in a thread of its own and return its result.

    Playwright's event loop runs in the test's thread, and services publish live events with
    ``async_to_sync``, which refuses to run beside a running loop.
    """

    def in_thread(function):
        try:
            return function()
        finally:
            connections.close_all()  # the thread's connection would outlive the test database

    def run(function):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_thread, function).result()

    return run


@pytest.fixture
def new_page(browser, daphne_server):
    """Open a page in a fresh browser context (its own cookies), phone-sized unless told."""
    contexts = []

    def open_page(viewport=None, locale="fr-CA"):
        context = browser.new_context(
            base_url=daphne_server, viewport=viewport or {"width": 390, "height": 844}, locale=locale
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
