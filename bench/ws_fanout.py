"""Benchmark: one bed change fanned out to 1,000 open housing boards on one Daphne process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \
      .venv/bin/python bench/ws_fanout.py [--clients 1000] [--rounds 10] [--layers core,pubsub]
          [--connect-seconds 10] [--heartbeat 20] [--connect-timeout 30] [--skip-restart] [--skip-storm]

What it does, with every process on 127.0.0.1 and every loop bounded in count and time:

1. Creates and migrates its own database ``passerelle_bench_ws`` on the PostgreSQL server named
   in DATABASE_URL (never the database named there, nor a ``test*`` one) and seeds it through the
   services: a hub and a housing provider with a housing partnership, one site of 20 beds, one
   hub worker with ``--clients`` fresh sessions (one user, one session per board) and one person.
2. Starts its **own** redis-server on a free port (the flags of the shared one: no persistence),
   so that restarting Redis below does not pull the shared server from under other work. The
   REDIS_URL given is only checked to be local.
3. Baseline: a minimal raw ``websockets`` server (a subprocess of this script) that subscribes to
   one Redis channel and ``websockets.broadcast``s what it receives. ``--clients`` boards connect,
   the bench PUBLISHes the delta text ``--rounds`` times, each board timestamps its delivery.
4. For each channel layer of ``--layers`` (``core``: channels_redis.core.RedisChannelLayer,
   ``pubsub``: channels_redis.pubsub.RedisPubSubChannelLayer; the rest of CHANNEL_LAYERS is the
   project's, config/settings.py), one Daphne subprocess serving config.asgi
   (``WS_HEARTBEAT_SECONDS=--heartbeat``, Daphne's ``--websocket_connect_timeout=--connect-timeout``):
   a. ``--clients`` boards open, 50 handshakes at a time, each with its session cookie and the
      Origin header; each subscribes to the site and waits for the snapshot;
   b. ``--rounds`` bed changes (a hold, then its release, alternately) through the housing
      services in this process, so that they publish through the configured layer; latency is
      measured per board from the moment the committed change is handed to the layer
      (``plumbing.events.send_to_group``) to the board's receipt of that delta;
   c. Redis is restarted (``redis-cli shutdown nosave``, then ``redis-server`` again); a bed
      changes while it is down (that delta is lost); the time from Redis answering again to
      every board holding the current version is measured, then one more change must reach
      every board (live again);
   d. the boards close; then the connection storm: ``--clients`` new boards paced evenly over
      ``--connect-seconds``; failed handshakes (refused, or not answered in 30 s) are counted
      (target 0, STACK.md trap 1), and the boards retry until they are in.
5. Prints p50 / p99 / time-to-last per layer (medians over the rounds), the ratio of each layer's
   p99 to the raw baseline's (target: p99 <= 3x raw and under 200 ms), the failed handshakes of the
   storm and the time to consistency after the restart. The last lines: each layer's p50 and p99
   against the raw server's of the same run (the reference), and the ratios.

The boards behave like static/js/live.js: they keep the version per key, resubscribe on a gap or
when a heartbeat shows a newer version, and reconnect with live.js's backoff when the socket closes.

Figures are medians and ratios from one run: on 2 shared cores the 1,000 client sockets (this
process), Daphne, Redis and PostgreSQL compete for the same CPUs.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    agreement_for_bench,
    database_urls,
    ensure_database,
    free_port,
    log,
    print_references,
)

BENCH_DATABASE = "passerelle_bench_ws"
LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
STREAM = "housing.availability"
RAW_CHANNEL = "bench.ws_fanout.raw"
BEDS_PER_ROOM = (5, 5, 5, 5)  # one site of 20 beds, the size of the demo sites
REFUSALS = collections.Counter()  # why handshakes failed, printed with the figures
BOARD_LIFETIME = 1800  # seconds: every board stops by then, whatever happens


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- Database and settings ------------------------------------------------------------------------


def configure(database_url: str, redis_url: str, layer: str) -> None:
    """Environment and channel layer for this process and for the Daphne subprocess. The layer
    is swapped in the loaded settings module (its CONFIG, hosts included, stays the project's)."""
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        WORKER_IN_PROCESS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
        # One user holds every board here: lift the cap of sockets per user (docs/live-updates.md).
        WS_MAX_SOCKETS_PER_USER="100000",
    )
    import config.settings as project_settings

    if layer in LAYERS:
        project_settings.CHANNEL_LAYERS["default"]["BACKEND"] = LAYERS[layer]
    import django

    django.setup()
    # The delta lost while Redis is down is logged with its traceback; one line of ours says it.
    logging.getLogger("plumbing.events").setLevel(logging.CRITICAL)


def seed(clients: int) -> dict:
    """The bench world, created once and reused; fresh sessions each run; no active hold."""

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from housing import services as housing_services
    from housing.choices import HoldStatus, RoomKind, SiteKind
    from housing.models import Hold, Site
    from organisations import services as organisation_services
    from organisations.choices import OrganisationKind, PartnershipScope, Role
    from organisations.models import Organisation, User
    from people import services as people_services
    from people.models import Person

    hub = Organisation.objects.filter(slug="bench-ws-hub").first()
    if hub is None:
        log("seeding the bench world")
        hub = organisation_services.organisation_create(
            actor=None, name="Bench hub", slug="bench-ws-hub", kind=OrganisationKind.HUB
        )
        provider = organisation_services.organisation_create(
            actor=None, name="Bench provider", slug="bench-ws-provider", kind=OrganisationKind.HOUSING_PROVIDER
        )
        partnership = organisation_services.partnership_accept(
            actor=None,
            partnership=organisation_services.partnership_propose(
                actor=None, organisation=hub, partner=provider, scope=PartnershipScope.HOUSING
            ),
        )
        # Holds need a data-sharing agreement in force on the partnership.
        agreement_for_bench(partnership)
        worker = User.objects.create_user(
            "bench-ws@example.org", None, full_name="Bench Worker", preferred_language="fr-ca"
        )
        organisation_services.membership_grant(actor=None, organisation=hub, user=worker, role=Role.WORKER)
        site = housing_services.site_create(
            actor=None, provider=provider, name="Bench site", address="1, rue du Banc", kind=SiteKind.SHORT_TERM
        )
        for number, beds in enumerate(BEDS_PER_ROOM, start=1):
            housing_services.room_create(
                actor=None, site=site, name=f"Room {number}", kind=RoomKind.SHARED_ROOM, beds=beds
            )
        people_services.person_create(actor=worker, owner=hub, given_names="Ana", family_names="Bench")
    worker = User.objects.get(email="bench-ws@example.org")
    site = Site.objects.get(provider__slug="bench-ws-provider")
    person = Person.objects.get(owner=hub)
    for hold in Hold.objects.filter(status=HoldStatus.ACTIVE):
        housing_services.hold_release(actor=None, hold=hold)

    # Fresh sessions for this run, past the second factor a worker needs (docs/security.md);
    # those of earlier runs expire with SESSION_COOKIE_AGE.
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    device, _created = TOTPDevice.objects.get_or_create(user=worker, defaults={"name": "bench", "confirmed": True})
    cookies = []
    for _ in range(clients):
        session = SessionStore()
        session[SESSION_KEY] = str(worker.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = worker.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return {"hub": hub.pk, "site": site.pk, "worker": worker.pk, "person": person.pk, "cookies": cookies}


def change_a_bed(world: dict, hold_id: int | None) -> int | None:
    """A hold on the site's first bed, or the release of the one made before (alternately)."""
    from django.utils import timezone

    from housing import services as housing_services
    from housing.models import Bed, Hold, Site
    from organisations.models import Organisation, User
    from people.models import Person

    if hold_id is not None:
        housing_services.hold_release(actor=None, hold=Hold.objects.get(pk=hold_id))
        return None
    site = Site.objects.get(pk=world["site"])
    hold = housing_services.hold_create(
        actor=User.objects.get(pk=world["worker"]),
        organisation=Organisation.objects.get(pk=world["hub"]),
        site=site,
        bed_ids=[Bed.objects.filter(site=site).order_by("pk").values_list("pk", flat=True).first()],
        person=Person.objects.get(pk=world["person"]),
        expected_arrival_at=timezone.now(),
    )
    return hold.pk


def current_version(world: dict) -> int:
    from plumbing.events import current_version

    return current_version(STREAM, world["site"])


# --- Processes --------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this benchmark on a free port, restartable, stopped at the end."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="bench-ws-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
                "--pidfile",
                f"{self.dir}/redis.pid",
                "--logfile",
                f"{self.dir}/redis.log",
            ],
            check=True,
        )
        self.wait(up=True)

    def shutdown(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True, check=False)
        self.wait(up=False)

    def ping(self) -> bool:
        result = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True)
        return result.stdout.strip() == "PONG"

    def wait(self, *, up: bool, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.ping() != up:
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not {'start' if up else 'stop'}")
            time.sleep(0.02)

    def stop(self) -> None:
        self.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


def start_subprocess(args: list[str], log_name: str, env: dict, ready_url: str) -> subprocess.Popen:
    log_path = Path(tempfile.gettempdir()) / log_name
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, __file__, *args], cwd=BASE_DIR, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(ready_url, timeout=1):  # noqa: S310 - 127.0.0.1 only
                return process
        except urllib.error.HTTPError:
            return process  # it answers: up
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_process(process)
                sys.exit(f"{args[0]} did not start: see {log_path}")
            time.sleep(0.2)


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def serve_daphne(port: int, layer: str, connect_timeout: str) -> None:
    """Subprocess mode: Daphne with the project's ASGI app and the chosen layer (environment
    inherited from the bench). ``-v 0``: no access log line per connection. Daphne refuses a
    websocket handshake the application has not accepted within ``--websocket_connect_timeout``
    seconds (5 by default)."""
    configure(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], layer)
    from daphne.cli import CommandLineInterface

    daphne_args = ["-v", "0", "--websocket_connect_timeout", connect_timeout, "-b", "127.0.0.1", "-p", str(port)]

    CommandLineInterface().run([*daphne_args, "config.asgi:application"])


def serve_raw(port: int, redis_url: str) -> None:
    """Subprocess mode: the baseline. A plain ``websockets`` server: every connection joins one
    set; a subscribe gets a snapshot with the last version; every message PUBLISHed on one Redis
    channel is broadcast as is (the text was serialised once by the publisher)."""
    from http import HTTPStatus

    import redis.asyncio as aioredis
    import websockets
    from websockets.asyncio.server import serve

    connections = set()
    state = {"version": 0}

    async def handler(websocket):
        connections.add(websocket)
        try:
            async for message in websocket:
                request = json.loads(message)
                snapshot = {"type": "snapshot", "stream": request["subscribe"], "key": request["key"]}
                await websocket.send(json.dumps({**snapshot, "version": state["version"], "data": {}}))
        finally:
            connections.discard(websocket)

    def health(connection, request):
        return connection.respond(HTTPStatus.OK, "ok\n") if request.path == "/healthz" else None

    async def main():
        client = aioredis.from_url(redis_url, socket_timeout=None)
        pubsub = client.pubsub()
        await pubsub.subscribe(RAW_CHANNEL)
        async with serve(
            handler, "127.0.0.1", port, compression=None, ping_interval=None, process_request=health, backlog=2048
        ):
            async for message in pubsub.listen():
                if message["type"] == "message":
                    text = message["data"].decode()
                    websockets.broadcast(connections, text)
                    state["version"] = json.loads(text)["version"]

    asyncio.run(main())


# --- Boards (the websocket clients) -----------------------------------------------------------------


# The head of a delta as plumbing.events.encode writes it: read without parsing 2 KB of JSON,
# so that the client process (which shares the machine with the server) stays cheap per message.
DELTA_HEAD = re.compile(r'^\{"type":"delta","stream":"[^"]*","key":"([^"]*)","version":(\d+),"prev_version":(\d+),')


class Board:
    """One open board, like static/js/live.js: follows one site, keeps its version, resubscribes
    on a gap or on a newer version in a heartbeat, reconnects after a close with live.js's backoff
    (1 s doubling to 30 s, with jitter)."""

    OPEN_TIMEOUT = 30  # a handshake not answered in 30 s counts as failed

    def __init__(self, index: int, url: str, origin: str, cookie: str | None, site: int):
        self.index, self.url, self.origin, self.cookie, self.key = index, url, origin, cookie, str(site)
        self.version = -1
        self.arrivals: dict[int, float] = {}  # version -> when its delta arrived
        self.handshake_seconds: float | None = None
        self.refused = 0  # handshakes answered with an error (HTTP 4xx/5xx, reset)
        self.timed_out = 0  # handshakes not answered within OPEN_TIMEOUT
        self.closes = 0
        self.resyncs = 0
        self.subscribed = asyncio.Event()
        self.stop = False

    async def run(self, deadline: float, gate: asyncio.Semaphore | None = None) -> None:
        """Connect and follow the site until stopped. ``gate`` bounds how many boards open at
        once: it is held from the first connect to the first snapshot."""
        if gate is not None:
            await gate.acquire()
            self.gate_task = asyncio.get_running_loop().create_task(self.release_when_subscribed(gate))
        await self.follow(deadline)

    async def release_when_subscribed(self, gate: asyncio.Semaphore) -> None:
        try:
            await asyncio.wait_for(self.subscribed.wait(), timeout=60)
        except TimeoutError:
            pass
        finally:
            gate.release()

    async def follow(self, deadline: float) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        attempt = 0
        while not self.stop and time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                websocket = await connect(
                    self.url,
                    origin=self.origin,
                    additional_headers=headers,
                    compression=None,  # Daphne does not negotiate compression: same bytes both ways
                    open_timeout=self.OPEN_TIMEOUT,
                    ping_interval=None,
                    max_queue=None,
                )
            except TimeoutError:
                self.timed_out += 1
                websocket = None
            except Exception as error:
                self.refused += 1
                REFUSALS[f"{type(error).__name__}: {error}"[:120]] += 1
                websocket = None
            if websocket is not None:
                if self.handshake_seconds is None:
                    self.handshake_seconds = time.perf_counter() - started
                try:
                    await self.subscribe(websocket)
                    async for text in websocket:
                        attempt = 0
                        await self.on_message(websocket, text, time.perf_counter())
                        if self.stop:
                            break
                except Exception:  # noqa: S110 - a closed socket: reconnect like live.js
                    pass
                finally:
                    await websocket.close()
                if self.stop:
                    return
                self.closes += 1
                self.subscribed.clear()
            ceiling = min(30.0, 2**attempt)
            attempt += 1
            await asyncio.sleep(ceiling / 2 + random.random() * ceiling / 2)

    async def subscribe(self, websocket) -> None:
        await websocket.send(json.dumps({"subscribe": STREAM, "key": self.key}))

    async def on_message(self, websocket, text: str, arrived: float) -> None:
        if head := DELTA_HEAD.match(text):
            key, version, prev_version = head.group(1), int(head.group(2)), int(head.group(3))
            if key != self.key:
                return
            if prev_version != self.version:
                self.resyncs += 1
                await self.subscribe(websocket)
                return
            self.version = version
            self.arrivals[version] = arrived
            return
        message = json.loads(text)
        kind = message.get("type")
        if kind == "snapshot":
            self.version = message["version"]
            self.subscribed.set()
        elif kind == "heartbeat":
            for entry in message["versions"]:
                if entry["key"] == self.key and entry["version"] > self.version:
                    self.resyncs += 1
                    await self.subscribe(websocket)


def daphne_boards(port: int, world: dict, count: int) -> list[Board]:
    """``count`` boards of the site for the Daphne on ``port``, one session each."""
    origin = f"http://127.0.0.1:{port}"
    return [
        Board(i, f"ws://127.0.0.1:{port}/ws/", origin, cookie, world["site"])
        for i, cookie in enumerate(world["cookies"][:count])
    ]


async def open_boards(boards: list[Board], *, spread_seconds: float = 0, at_once: int = 0) -> tuple[list, float]:
    """Start every board, either paced evenly over ``spread_seconds`` (the connection storm) or
    ``at_once`` at a time (each holds its place until its snapshot); wait (120 s at most) until
    all are subscribed. Returns the tasks and the seconds from the first connect to the last
    snapshot."""
    deadline = time.monotonic() + BOARD_LIFETIME
    gate = asyncio.Semaphore(at_once) if at_once else None
    started = time.perf_counter()
    tasks = []
    for index, board in enumerate(boards):
        delay = started + index * spread_seconds / len(boards) - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(board.run(deadline, gate)))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(board.subscribed.wait() for board in boards)), timeout=120)
    return tasks, time.perf_counter() - started


async def close_boards(boards: list[Board], tasks: list) -> None:
    for board in boards:
        board.stop = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def wait_for_version(boards: list[Board], version: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(board.version >= version for board in boards):
            return True
        await asyncio.sleep(0.005)
    return False


def round_figures(boards: list[Board], version: int, sent_at: float) -> dict:
    latencies = [(board.arrivals[version] - sent_at) * 1000 for board in boards if version in board.arrivals]
    if not latencies:
        return {"received": 0, "p50": float("nan"), "p99": float("nan"), "last": float("nan")}
    return {
        "received": len(latencies),
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "last": max(latencies),
    }


def summarise(name: str, rounds: list[dict], clients: int) -> dict:
    summary = {key: statistics.median(r[key] for r in rounds) for key in ("p50", "p99", "last")}
    summary["complete_rounds"] = sum(r["received"] == clients for r in rounds)
    log(
        f"{name}: medians over {len(rounds)} rounds: p50 {summary['p50']:.1f} ms, p99 {summary['p99']:.1f} ms, "
        f"last {summary['last']:.1f} ms; rounds delivered to every board: {summary['complete_rounds']}/{len(rounds)}"
    )
    return summary


# --- The runs ----------------------------------------------------------------------------------------


async def run_raw(args, redis: PrivateRedis, site: int) -> dict:
    import redis.asyncio as aioredis

    port = free_port()
    process = start_subprocess(
        ["--serve-raw", str(port), redis.url], "bench-ws-raw.log", dict(os.environ), f"http://127.0.0.1:{port}/healthz"
    )
    client = aioredis.from_url(redis.url, socket_timeout=None)
    boards = [Board(i, f"ws://127.0.0.1:{port}/", f"http://127.0.0.1:{port}", None, site) for i in range(args.clients)]
    try:
        tasks, elapsed = await open_boards(boards, at_once=50)
        log(f"raw: {sum(b.subscribed.is_set() for b in boards)} boards subscribed in {elapsed:.1f} s")
        rounds = []
        for number in range(args.rounds):
            version = boards[0].version + 1
            text = json.dumps(
                {"type": "delta", "stream": STREAM, "key": str(site), "version": version, "prev_version": version - 1}
                | {"data": args.payload},
                separators=(",", ":"),
            )
            sent_at = time.perf_counter()
            await client.publish(RAW_CHANNEL, text)
            await wait_for_version(boards, version, timeout=10)
            rounds.append(round_figures(boards, version, sent_at))
            log(f"raw round {number + 1}: " + format_round(rounds[-1]))
            await asyncio.sleep(args.pause)
        await close_boards(boards, tasks)
        return summarise("raw websockets", rounds, args.clients)
    finally:
        await client.aclose()
        stop_process(process)


def format_round(figures: dict) -> str:
    return (
        f"{figures['received']} delivered, p50 {figures['p50']:.1f} ms, p99 {figures['p99']:.1f} ms, "
        f"last {figures['last']:.1f} ms"
    )


async def run_layer(args, layer: str, redis: PrivateRedis, world: dict) -> dict:
    from plumbing import events

    port = free_port()
    env = dict(os.environ, WS_HEARTBEAT_SECONDS=str(args.heartbeat))
    process = start_subprocess(
        ["--serve-daphne", str(port), layer, str(args.connect_timeout)],
        f"bench-ws-daphne-{layer}.log",
        env,
        f"http://127.0.0.1:{port}/healthz",
    )
    boards = daphne_boards(port, world, args.clients)
    # When the committed change is handed to the layer: the start of each measured delivery.
    sent = []
    original_send = events.send_to_group

    def timed_send(group, event):
        sent.append(time.perf_counter())
        original_send(group, event)

    events.send_to_group = timed_send
    result = {"layer": layer}
    hold_id = None
    try:
        # a. Open the boards, 50 handshakes at a time.
        tasks, elapsed = await open_boards(boards, at_once=50)
        log(f"{layer}: {sum(b.subscribed.is_set() for b in boards)}/{len(boards)} boards subscribed in {elapsed:.1f} s")
        await asyncio.sleep(args.pause)

        # b. Fan-out rounds.
        rounds = []
        for number in range(args.rounds):
            sent.clear()
            hold_id = await asyncio.to_thread(change_a_bed, world, hold_id)
            version = await asyncio.to_thread(current_version, world)
            await wait_for_version(boards, version, timeout=10)
            rounds.append(round_figures(boards, version, sent[0]))
            log(f"{layer} round {number + 1}: " + format_round(rounds[-1]))
            await asyncio.sleep(args.pause)
        result |= summarise(f"{layer} layer", rounds, args.clients)
        result["resyncs"] = sum(b.resyncs for b in boards)
        result["closes"] = sum(b.closes for b in boards)

        # c. Redis restart.
        if not args.skip_restart:
            result |= await restart_redis(args, layer, redis, world, boards, hold_id)
        await close_boards(boards, tasks)

        # d. The connection storm: as many new boards within --connect-seconds.
        if not args.skip_storm:
            await asyncio.sleep(2)  # let the server finish closing the sockets above
            result |= await connection_storm(args, layer, port, world)
    finally:
        events.send_to_group = original_send
        stop_process(process)
        # Leave no hold behind for the next layer.
        await asyncio.to_thread(seed_cleanup)
    return result


async def connection_storm(args, layer: str, port: int, world: dict) -> dict:
    boards = daphne_boards(port, world, args.clients)
    REFUSALS.clear()
    tasks, elapsed = await open_boards(boards, spread_seconds=args.connect_seconds)
    handshakes = [b.handshake_seconds * 1000 for b in boards if b.handshake_seconds is not None]
    result = {
        "failed_handshakes": sum(b.refused + b.timed_out for b in boards),
        "storm_subscribed": sum(b.subscribed.is_set() for b in boards),
        "storm_seconds": elapsed,
    }
    log(
        f"{layer}: storm of {len(boards)} boards in {args.connect_seconds:.0f} s: {result['storm_subscribed']} "
        f"subscribed {elapsed:.1f} s after the first connect; failed handshakes: {result['failed_handshakes']} "
        f"({sum(b.timed_out for b in boards)} not answered in {Board.OPEN_TIMEOUT} s); "
        + (
            f"first handshake p50 {percentile(handshakes, 0.5):.0f} ms, p99 {percentile(handshakes, 0.99):.0f} ms"
            if handshakes
            else "no handshake succeeded"
        )
    )
    for reason, count in REFUSALS.most_common(5):
        log(f"{layer}:   {count} x {reason}")
    await close_boards(boards, tasks)
    return result


def seed_cleanup() -> None:
    from housing import services as housing_services
    from housing.choices import HoldStatus
    from housing.models import Hold

    for hold in Hold.objects.filter(status=HoldStatus.ACTIVE):
        housing_services.hold_release(actor=None, hold=hold)


async def restart_redis(args, layer, redis: PrivateRedis, world, boards, hold_id) -> dict:
    closes_before = sum(b.closes for b in boards)
    log(f"{layer}: restarting Redis (shutdown nosave)")
    await asyncio.to_thread(redis.shutdown)
    # A change while Redis is down: its delta is lost (logged by send_to_group, the write stands).
    hold_id = await asyncio.to_thread(change_a_bed, world, hold_id)
    lost_version = await asyncio.to_thread(current_version, world)
    await asyncio.sleep(1)
    await asyncio.to_thread(redis.start)
    back = time.perf_counter()
    consistent = await wait_for_version(boards, lost_version, timeout=args.recovery_timeout)
    recovery = time.perf_counter() - back
    stale = sum(b.version < lost_version for b in boards)
    log(
        f"{layer}: after the restart, {'every board' if consistent else f'{len(boards) - stale} boards'} "
        f"held version {lost_version} {recovery:.2f} s after Redis answered"
        f"{'' if consistent else f' ({stale} still stale at the timeout)'}; "
        f"sockets closed and reopened: {sum(b.closes for b in boards) - closes_before}"
    )
    # Live again: the next change arrives as a delta on every board.
    await asyncio.sleep(args.pause)
    hold_id = await asyncio.to_thread(change_a_bed, world, hold_id)
    version = await asyncio.to_thread(current_version, world)
    live = await wait_for_version(boards, version, timeout=args.recovery_timeout)
    as_delta = sum(version in b.arrivals for b in boards)
    log(f"{layer}: next change reached {'every board' if live else 'NOT every board'}, {as_delta} as a delta")
    return {
        "recovery_seconds": recovery if consistent else float("inf"),
        "recovery_stale": stale,
        "live_after_restart": as_delta,
    }


async def main(args) -> None:
    database_url, maintenance_url = database_urls(BENCH_DATABASE)
    shared_redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if urllib.parse.urlsplit(shared_redis).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("This benchmark runs against 127.0.0.1 only.")
    redis = PrivateRedis()
    redis.start()
    log(f"private redis-server on port {redis.port}; load average {os.getloadavg()[0]:.1f} (2 cores)")
    try:
        configure(database_url, redis.url, "core")
        await asyncio.to_thread(ensure_database, database_url, maintenance_url)
        world = await asyncio.to_thread(seed, args.clients)
        args.payload = await asyncio.to_thread(site_payload, world)
        log(f"delta payload: {len(json.dumps(args.payload))} bytes of data")
        raw = await run_raw(args, redis, world["site"])
        results = []
        for layer in args.layers:
            # The bench process publishes through the same layer as Daphne.
            from channels.layers import channel_layers
            from django.conf import settings

            settings.CHANNEL_LAYERS["default"]["BACKEND"] = LAYERS[layer]
            channel_layers.backends.clear()
            results.append(await run_layer(args, layer, redis, world))
        print()
        print(
            f"{args.clients} boards, {args.rounds} rounds, heartbeat {args.heartbeat} s; medians over the rounds (ms)"
        )
        print(f"{'server':<10} {'p50':>7} {'p99':>7} {'last':>7} {'p99/raw':>8} {'failed hs':>10} {'recovery':>9}")
        print(f"{'raw':<10} {raw['p50']:7.1f} {raw['p99']:7.1f} {raw['last']:7.1f} {1:8.2f}")
        for r in results:
            recovery = f"{r['recovery_seconds']:.2f} s" if "recovery_seconds" in r else "-"
            print(
                f"{r['layer']:<10} {r['p50']:7.1f} {r['p99']:7.1f} {r['last']:7.1f} {r['p99'] / raw['p99']:8.2f} "
                f"{r.get('failed_handshakes', '-'):>10} {recovery:>9}"
            )
        raw_label = f"raw websockets, same Redis and {args.clients} boards"
        print_references(
            [
                line
                for r in results
                for line in (
                    (f"fan-out p50, {r['layer']} layer", r["p50"], raw_label, raw["p50"]),
                    (f"fan-out p99, {r['layer']} layer", r["p99"], raw_label, raw["p99"]),
                )
            ]
        )
    finally:
        redis.stop()


def site_payload(world: dict) -> dict:
    from housing.availability import site_availability
    from housing.models import Site

    return json.loads(json.dumps(site_availability(Site.objects.get(pk=world["site"])), default=str))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--layers", default="core,pubsub", help="comma-separated: " + ", ".join(LAYERS))
    parser.add_argument("--connect-seconds", type=float, default=10.0, help="spread of the connections")
    parser.add_argument("--heartbeat", type=float, default=20.0, help="WS_HEARTBEAT_SECONDS for Daphne")
    parser.add_argument(
        "--connect-timeout",
        type=int,
        default=30,
        help="Daphne's --websocket_connect_timeout (30 as in production, docs/deployment.md; Daphne's default: 5)",
    )
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between rounds")
    parser.add_argument("--recovery-timeout", type=float, default=30.0)
    parser.add_argument("--skip-restart", action="store_true")
    parser.add_argument("--skip-storm", action="store_true")
    args = parser.parse_args(argv)
    args.layers = [layer for layer in args.layers.split(",") if layer]
    if unknown := set(args.layers) - set(LAYERS):
        parser.error(f"unknown layers: {', '.join(sorted(unknown))}")
    if not 1 <= args.clients <= 5000 or not 1 <= args.rounds <= 100:
        parser.error("--clients 1..5000, --rounds 1..100")
    return args


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--serve-daphne":
        serve_daphne(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 2 and sys.argv[1] == "--serve-raw":
        serve_raw(int(sys.argv[2]), sys.argv[3])
    else:
        # A terminated bench still stops its Daphne, baseline server and redis-server (finally blocks).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
        asyncio.run(main(parse_args()))
