"""Browser tests: Chromium (Debian's /usr/bin/chromium) driven by Playwright against a real Daphne
started as a subprocess on the test database (STACK.md traps 3–6).

They run in their own pytest invocation (``pytest -m browser``), after the rest of the suite:
Playwright's sync API keeps an event loop in the main thread for the rest of the session.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def daphne_server(django_db_setup, django_db_blocker):
    """A Daphne process serving the whole ASGI app on the test database; yields its base URL.

    One per test: a transactional test ends by flushing the database, which recreates content
    types and permissions under new ids, and a server that outlived the flush would keep the old
    ids in its ContentType cache and find no object permission (every page a 404)."""
    port = free_port()
    env = dict(os.environ, WORKER_IN_PROCESS="false", DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost")
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(database["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    log = open(Path(settings.VAR_DIR) / "browser-daphne.log", "a")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:  # noqa: S310 - local server
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                raise RuntimeError(f"Daphne did not start: see {log.name}") from None
            time.sleep(0.2)
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


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
