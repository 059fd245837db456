"""Live availability across processes: two Daphne processes share one Redis, and a hold made
through one process's HTTP API reaches a board connected to the other (issue 4, "Works across
processes").

Both servers are subprocesses on the test database, started for this test only (a server that
outlived the flush at the end of a transactional test would keep stale content-type ids).
"""

import asyncio
import json
import time
import urllib.error
import urllib.request

import pytest
import websockets
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from tests.auth import login
from tests.daphne_server import daphne_servers
from tests.housing.world import build_housing_world

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_daphnes(transactional_db):
    """Two Daphne processes serving the whole ASGI app on the test database and one Redis;
    yields their base URLs."""
    with daphne_servers("cross-process-a", "cross-process-b") as base_urls:
        yield base_urls


def post_json(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - local server
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


async def receive_json(board, timeout: float = 5) -> dict:
    """The next message that is not a heartbeat."""
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(await asyncio.wait_for(board.recv(), timeout=max(0.01, deadline - time.monotonic())))
        if message["type"] != "heartbeat":
            return message


def test_a_hold_made_through_one_daphne_reaches_a_board_on_the_other(two_daphnes):
    server_a, server_b = two_daphnes
    world = build_housing_world()
    client = Client()
    login(client, world.hub_worker)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    _token, token = ApiToken.objects.create(user=world.hub_worker, name="test")
    site = str(world.site.pk)
    family_beds = [bed.pk for bed in world.family_beds]

    async def scenario():
        board_url = server_b.replace("http://", "ws://") + "/ws/"
        async with websockets.connect(board_url, origin=server_b, additional_headers={"Cookie": cookie}) as board:
            await board.send(json.dumps({"subscribe": "housing.availability", "key": site}))
            snapshot = await receive_json(board)
            assert (snapshot["type"], snapshot["key"], snapshot["data"]["counts"]["held"]) == ("snapshot", site, 0)

            status, hold = await asyncio.to_thread(
                post_json,
                f"{server_a}/api/v1/housing/holds/",
                token,
                {
                    "site": world.site.pk,
                    "beds": family_beds,
                    "household": world.household.pk,
                    "expected_arrival_at": timezone.now().isoformat(),
                },
            )
            assert status == 201, hold

            delta = await receive_json(board)
            assert (delta["type"], delta["stream"], delta["key"]) == ("delta", "housing.availability", site)
            assert (delta["prev_version"], delta["version"]) == (snapshot["version"], snapshot["version"] + 1)
            assert delta["data"]["counts"]["held"] == len(family_beds)
            held = {bed["id"] for bed in delta["data"]["beds"] if bed["status"] == "held"}
            assert held == set(family_beds)

    asyncio.run(scenario())
