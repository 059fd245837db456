"""The ``reports.live`` stream over the websocket: a liaison follows the suppressed counters, is
refused the hub's, and receives the delta the worker's job publishes when a counter changes."""

import pytest
from channels.db import database_sync_to_async

from reports import services
from tests.housing.test_live import open_board
from tests.reports.world import build_reports_world


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_liaison_follows_the_city_counters_and_gets_the_jobs_delta():
    world = await database_sync_to_async(build_reports_world)()
    board = await open_board(world.liaison)
    await board.send_json_to({"subscribe": "reports.live", "key": "hub"})
    refused = await board.receive_json_from(timeout=3)
    assert (refused["type"], refused["code"]) == ("error", "not_found")
    await board.send_json_to({"subscribe": "reports.live", "key": "city"})
    snapshot = await board.receive_json_from(timeout=3)
    assert snapshot["type"] == "snapshot"
    assert snapshot["data"]["interventions_today"] == {"value": 0, "display": "0"}

    @database_sync_to_async
    def record_two_interventions_and_run_the_job():
        from django.utils import timezone

        (person,) = world.people(1)
        world.interventions([timezone.localdate()] * 2, [[person]] * 2)
        return services.live_counters_publish()

    assert await record_two_interventions_and_run_the_job() == 2
    delta = await board.receive_json_from(timeout=3)
    assert delta["type"] == "delta" and delta["prev_version"] == snapshot["version"]
    assert delta["data"]["interventions_today"] == {"value": None, "display": "<5"}
    await board.disconnect()
