"""Shared fixtures and the rules about real services.

Tests marked ``postgres`` or ``redis`` need those servers; on the embedded default (no
DATABASE_URL / REDIS_URL) they are skipped. CI sets PASSERELLE_REQUIRE_SERVICES=1: then a missing
server is an error and any skipped test fails the run.

Run in parallel (pytest-xdist, ``make test``), each worker has its own test database
(pytest-django's suffix) and its own Redis database (``pytest_configure`` below), so that one
worker's channel layer and audit counters never meet another's.
"""

import os
import urllib.parse

import pytest
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.test import APIClient

from tests import factories

REQUIRE_SERVICES = os.environ.get("PASSERELLE_REQUIRE_SERVICES") == "1"
# As given to the run, before a worker points it at its own database.
GIVEN_REDIS_URL = os.environ.get("REDIS_URL", "")


def worker_redis_url(url: str, worker: str) -> str:
    """``url`` pointed at the Redis database after the given one by the worker's number plus one
    (``gw0`` of ``…/0`` uses ``…/1``)."""
    parts = urllib.parse.urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return parts._replace(path=f"/{base + 1 + int(worker.removeprefix('gw'))}").geturl()


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not settings.REDIS_URL:
        return
    # The settings were read before any test ran and no layer or cache exists yet: pointing them
    # (and the Daphne servers the tests start, through the environment) at the worker's database.
    url = os.environ["REDIS_URL"] = settings.REDIS_URL = worker_redis_url(settings.REDIS_URL, worker)
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] = url
    settings.CACHES["audit"]["LOCATION"] = url


def pytest_collection_modifyitems(config, items):
    missing = {}
    if not settings.DATABASE_URL.startswith(("postgres://", "postgresql://")):
        missing["postgres"] = "needs PostgreSQL (set DATABASE_URL)"
    if not settings.REDIS_URL:
        missing["redis"] = "needs Redis (set REDIS_URL)"
    if REQUIRE_SERVICES and missing:
        raise pytest.UsageError("PASSERELLE_REQUIRE_SERVICES=1 but: " + "; ".join(missing.values()))
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_SERVICES:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line("PASSERELLE_REQUIRE_SERVICES=1: skipped tests are failures here.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Hash test passwords cheaply; browser tests keep the real hasher, which their server uses."""
    if "browser" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def private_files_root(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def private_files(private_files_root, settings):
    """Uploaded private documents (signed agreements) go to a temporary folder, not ``var/``."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": private_files_root}},
    }
    return private_files_root


@pytest.fixture(autouse=True)
def fresh_audit_cache():
    """Each test starts with no refused read counted: ids are reused from test to test, and a
    window left open by one test would keep the next one's refusal out of the log."""
    caches["audit"].clear()


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel layer. A layer keeps state bound to the event loop that used
    it (channels_redis' one receive lock): a consumer still receiving when its test's loop closed
    leaves that lock held, and the next test's consumers fail with "bound to a different event
    loop"."""
    yield
    channel_layers.backends.clear()


@pytest.fixture
def api():
    """A DRF test client; ``api.force_authenticate(user)`` to act as someone."""
    return APIClient()


@pytest.fixture
def network(db):
    """Two organisations A and B with one member per role each, and a user with no membership."""
    return factories.Network.build()


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Close connections after each use in tests: the threads that run async tests' ORM calls
    would otherwise keep connections open and block dropping the test database."""
    for alias in settings.DATABASES:
        settings.DATABASES[alias]["CONN_MAX_AGE"] = 0
