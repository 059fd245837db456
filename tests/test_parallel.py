"""Tests run in parallel (pytest-xdist): each worker has its own Redis database, so that one
worker's channel layer groups and audit counters never meet another's (two workers' test
databases hand out the same ids, so they would name the same groups)."""

import os

from django.conf import settings

from tests.conftest import GIVEN_REDIS_URL, worker_redis_url


def test_each_worker_gets_the_redis_database_after_the_given_one_by_its_number():
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw0") == "redis://127.0.0.1:6379/1"
    assert worker_redis_url("redis://127.0.0.1:6379/0", "gw1") == "redis://127.0.0.1:6379/2"
    assert (
        worker_redis_url("redis://:secret@redis.example.org:6380/4", "gw2")
        == "redis://:secret@redis.example.org:6380/7"
    )
    assert worker_redis_url("redis://127.0.0.1:6379", "gw0") == "redis://127.0.0.1:6379/1"


def test_this_worker_uses_its_own_redis_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not settings.REDIS_URL:
        return  # one process, or no Redis: nothing to share
    own = worker_redis_url(GIVEN_REDIS_URL, worker)
    assert settings.REDIS_URL == own != GIVEN_REDIS_URL
    assert settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"] == own
    assert settings.CACHES["audit"]["LOCATION"] == own
    assert os.environ["REDIS_URL"] == own  # the Daphne servers tests start
