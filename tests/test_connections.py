"""A process holds a bounded number of PostgreSQL connections whatever the load: many concurrent
requests through the ASGI application (each in a thread of its own, as Daphne runs them) share
the process's pool (DATABASE_POOL_MAX_SIZE; docs/security.md, "Connections")."""

import asyncio
import threading
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path

from tests import postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.test_connections"),
    pytest.mark.asyncio,
]

POOL_SIZE = 3
REQUESTS = 24


def slow_view(request):
    """Holds its connection for a while, as a request under load does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.15)")
    return HttpResponse("ok")


urlpatterns = [path("slow/", slow_view)]


class BackendCounter(threading.Thread):
    """Samples, every 10 ms, how many backends are connected to the test database, leaving out
    its own and those already there when it started (a connection an earlier test is still
    closing, which a loaded machine shows for a moment)."""

    QUERY = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = 0
        self.running = True
        self.ready = threading.Event()

    def run(self):
        with postgres.connect() as monitor:
            before = {pid for (pid,) in monitor.execute(self.QUERY)}
            self.ready.set()
            while self.running:
                count = len({pid for (pid,) in monitor.execute(self.QUERY)} - before)
                self.peak = max(self.peak, count)
                time.sleep(0.01)


async def get(application, url: str) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 12345),
        "server": ("localhost", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=30)
    while (await communicator.receive_output(timeout=30)).get("more_body"):
        pass
    await communicator.wait()
    return start["status"]


@pytest.fixture
def small_pool():
    """The process's pool, made POOL_SIZE connections large for this test."""
    pool = connection.settings_dict["OPTIONS"].get("pool")
    assert pool, "DATABASE_URL on PostgreSQL uses a pool (config/settings.py)"
    saved = dict(pool)
    connection.close()
    connection.close_pool()
    pool.update(min_size=1, max_size=POOL_SIZE)
    yield
    connection.close()
    connection.close_pool()
    pool.clear()
    pool.update(saved)


async def test_concurrent_asgi_requests_share_a_bounded_pool(small_pool):
    application = get_asgi_application()
    counter = BackendCounter()
    counter.start()
    counter.ready.wait(timeout=10)
    started = time.monotonic()
    try:
        statuses = await asyncio.gather(*(get(application, "/slow/") for _ in range(REQUESTS)))
    finally:
        counter.running = False
        counter.join()
    elapsed = time.monotonic() - started
    assert statuses == [200] * REQUESTS
    assert 1 <= counter.peak <= POOL_SIZE
    # The requests did run side by side, as many at once as the pool allows: 24 one after
    # another would take 3.6 s, and more connections at once would have been seen above.
    assert elapsed < REQUESTS * 0.15
