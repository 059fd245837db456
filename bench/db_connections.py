"""Benchmark: how many PostgreSQL connections one Daphne holds under load, with and without the pool.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \\
      .venv/bin/python bench/db_connections.py [--boards 1000] [--requests 200] [--bursts 3]
          [--modes persistent,per-request,pool] [--connection-limit 40]

What it does, with every process on 127.0.0.1 (Daphne on ports 18100–18199):

1. Creates and migrates its own database ``passerelle_bench_connections`` on DATABASE_URL's server
   (as DATABASE_URL's role, the owner) and a login role ``passerelle_bench_app`` that the
   migration grants (DATABASE_APP_ROLE): Daphne connects as that role, as in production. The
   database gets ``CONNECTION LIMIT --connection-limit`` (superusers are exempt, the application
   role is not), so that a run that piles up connections fails its own requests instead of
   taking the shared server's ``max_connections`` from everyone else. Seeds the world of
   ``bench/ws_fanout.py``: a hub and a provider with a housing partnership, a site of 20 beds,
   a hub worker with one session per board.
2. For each mode, one Daphne (the project's ASGI app, REDIS_URL's channel layer):
   - ``persistent``: no pool, ``CONN_MAX_AGE=60``: the settings before the pool (the reference);
   - ``per-request``: no pool, ``CONN_MAX_AGE=0``: Django closes each connection after its request;
   - ``pool``: the settings as shipped, a pool of ``DATABASE_POOL_MAX_SIZE`` (10) per process.
   ``--boards`` websockets open (50 handshakes at a time) and subscribe to the site's
   ``housing.availability``; then ``--bursts`` times, ``--requests`` HTTP requests are released at
   once (threads behind a barrier), each ``GET /api/v1/people/`` with a board's session. A
   thread of this process reads ``pg_stat_activity`` every 20 ms: the peak number of Daphne's
   connections to the bench database (those of the application role), and the number left 3 s
   after the last burst.
   Then, as the reference of the latency, as many bare requests (``GET /healthz``, one
   ``SELECT 1``, no session) released at once on the same Daphne.
3. Prints, per mode, the peak next to the bound, the connections left, failed requests and
   handshakes, p50 / p99 of the requests and the ratio of each to ``persistent``'s (the settings
   before the pool). The last lines: each mode's p50 against its bare requests' p50, and each
   mode's peak connections against ``persistent``'s, with the ratios.

Figures are from one run on 2 shared cores: this process (1,000 sockets, 200 client threads),
Daphne, Redis and PostgreSQL compete for the same CPUs.
"""

import argparse
import asyncio
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import database_urls, ensure_database, log, percentile, print_references  # noqa: E402
from bench.ws_fanout import (  # noqa: E402
    close_boards,
    configure,
    daphne_boards,
    open_boards,
    seed,
    start_subprocess,
    stop_process,
)

BENCH_DATABASE = "passerelle_bench_connections"
APP_ROLE = "passerelle_bench_app"
FIRST_PORT = 18100
MODES = {
    "persistent": {"DATABASE_POOL_MAX_SIZE": "0", "DATABASE_CONN_MAX_AGE": "60"},
    "per-request": {"DATABASE_POOL_MAX_SIZE": "0", "DATABASE_CONN_MAX_AGE": "0"},
    "pool": {},
}
REQUEST_PATH = "/api/v1/people/"


# --- Database and roles -------------------------------------------------------------------------


def database_name(url: str) -> str:
    """The bench database's name: ``BENCH_DATABASE``, or the one the environment gives instead."""
    return urllib.parse.urlsplit(url).path.lstrip("/")


def prepare(owner_url: str, maintenance_url: str, connection_limit: int) -> str:
    """Create the application role (a fresh password each run) and the bench database, migrate it
    as the owner (which grants the role), limit its connections. Returns the application's URL."""
    import psycopg
    from psycopg import sql

    password = secrets.token_hex(16)
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(APP_ROLE), password))
    ensure_database(owner_url, maintenance_url)
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} CONNECTION LIMIT {}").format(
                sql.Identifier(database_name(owner_url)), sql.Literal(connection_limit)
            )
        )
    parts = urllib.parse.urlsplit(owner_url)
    netloc = f"{APP_ROLE}:{password}@{parts.hostname}:{parts.port or 5432}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


class ConnectionSampler(threading.Thread):
    """Counts Daphne's connections to the bench database every 20 ms: those of the application
    role (this process's own connect as the owner)."""

    def __init__(self, maintenance_url: str, database: str):
        super().__init__(daemon=True)
        self.maintenance_url = maintenance_url
        self.database = database
        self.peak = 0
        self.current = 0
        self.running = True

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            while self.running:
                self.current = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND usename = %s",
                    [self.database, APP_ROLE],
                ).fetchone()[0]
                self.peak = max(self.peak, self.current)
                time.sleep(0.02)

    def reset(self) -> None:
        self.peak = self.current


# --- Daphne and the load ------------------------------------------------------------------------------


def get(port: int, path: str, cookie: str | None) -> tuple[int, float]:
    """(status, seconds) of one GET; status 0 when the connection failed."""
    import http.client

    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def burst(port: int, cookies: list[str], requests: int, path: str = REQUEST_PATH) -> list[tuple[int, float]]:
    """``requests`` GETs of ``path`` released at the same moment, each from a thread of its own
    (with a board's session, or none when ``cookies`` is empty)."""
    barrier = threading.Barrier(requests)

    def one(index: int) -> tuple[int, float]:
        barrier.wait()
        try:
            return get(port, path, cookies[index % len(cookies)] if cookies else None)
        except OSError:
            return 0, float("nan")

    with ThreadPoolExecutor(max_workers=requests) as pool:
        return list(pool.map(one, range(requests)))


async def run_mode(args, mode: str, port: int, app_url: str, world: dict, sampler: ConnectionSampler) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=app_url,
        # One user holds every board here: lift the cap of sockets per user (docs/live-updates.md).
        WS_MAX_SOCKETS_PER_USER=str(args.boards + 10),
        **MODES[mode],
    )
    env.pop("DATABASE_APP_ROLE", None)
    # ws_fanout.py's Daphne: the project's ASGI app, its channel layer, no access log.
    process = await asyncio.to_thread(
        start_subprocess,
        ["--serve-daphne", str(port), "core", "30"],
        f"bench-db-connections-{mode}.log",
        env,
        f"http://127.0.0.1:{port}/healthz",
    )
    boards = daphne_boards(port, world, args.boards)
    try:
        tasks, elapsed = await open_boards(boards, at_once=50)
        subscribed = sum(board.subscribed.is_set() for board in boards)
        log(f"{mode}: {subscribed}/{len(boards)} boards subscribed in {elapsed:.1f} s; {sampler.current} connections")
        sampler.reset()
        results = []
        for number in range(args.bursts):
            answers = await asyncio.to_thread(burst, port, world["cookies"], args.requests)
            results += answers
            failed = sum(status != 200 for status, _seconds in answers)
            log(f"{mode} burst {number + 1}: {failed} failed; peak so far {sampler.peak} connections")
            await asyncio.sleep(1)
        await asyncio.sleep(3)
        left = sampler.current
        latencies = [seconds * 1000 for status, seconds in results if status == 200]
        # The reference: as many bare requests (/healthz, one SELECT 1) at once on the same Daphne.
        bare = await asyncio.to_thread(burst, port, [], args.requests, "/healthz")
        bare_latencies = [seconds * 1000 for status, seconds in bare if status == 200]
        log(f"{mode}: reference burst of /healthz: {sum(status != 200 for status, _seconds in bare)} failed")
        figures = {
            "mode": mode,
            "peak": sampler.peak,
            "left": left,
            "failed": sum(status != 200 for status, _seconds in results),
            "statuses": sorted({status for status, _seconds in results}),
            "requests": len(results),
            "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99),
            "bare_p50": percentile(bare_latencies, 0.5),
            "bare_failed": sum(status != 200 for status, _seconds in bare),
            "subscribed": subscribed,
            "closes": sum(board.closes for board in boards),
        }
        await close_boards(boards, tasks)
        return figures
    finally:
        stop_process(process)
        await asyncio.sleep(2)  # the backends of a stopped Daphne go before the next mode counts


async def main(args) -> None:
    owner_url, maintenance_url = database_urls(BENCH_DATABASE)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if urllib.parse.urlsplit(redis_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("This benchmark runs against 127.0.0.1 only.")
    log(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
    os.environ["DATABASE_APP_ROLE"] = APP_ROLE  # migrate, below, grants it (organisations/database_role.py)
    configure(owner_url, redis_url, "core")
    app_url = await asyncio.to_thread(prepare, owner_url, maintenance_url, args.connection_limit)
    world = await asyncio.to_thread(seed, args.boards)
    from django.conf import settings

    bound = settings.DATABASE_POOL_MAX_SIZE
    sampler = ConnectionSampler(maintenance_url, database_name(owner_url))
    sampler.start()
    results = []
    try:
        for index, mode in enumerate(args.modes):
            results.append(await run_mode(args, mode, FIRST_PORT + index, app_url, world, sampler))
    finally:
        sampler.running = False
    reference = next((r for r in results if r["mode"] == "persistent"), results[0])
    print()
    print(
        f"{args.boards} boards open, {args.bursts} bursts of {args.requests} concurrent GET {REQUEST_PATH} on one "
        f"Daphne; database connection limit {args.connection_limit}; reference: {reference['mode']}"
    )
    header = f"{'mode':<12} {'peak conn':>9} {'bound':>6} {'left 3 s after':>14} {'failed':>10}"
    print(header + f" {'p50 ms':>8} {'p99 ms':>8} {'p50/ref':>8} {'p99/ref':>8} {'boards':>7}")
    for r in results:
        print(
            f"{r['mode']:<12} {r['peak']:>9} {bound if r['mode'] == 'pool' else '-':>6} {r['left']:>14} "
            f"{r['failed']:>4}/{r['requests']:<5} {r['p50']:8.0f} {r['p99']:8.0f} "
            f"{r['p50'] / reference['p50']:8.2f} {r['p99'] / reference['p99']:8.2f} {r['subscribed']:>7}"
        )
        if r["failed"]:
            print(f"{'':<12} statuses seen: {r['statuses']}")
    bare_label = f"{args.requests} bare requests /healthz at once, same Daphne"
    lines = [
        (
            f"{r['mode']}: p50",
            r["p50"],
            bare_label + (f", {r['bare_failed']} failed" if r["bare_failed"] else ""),
            r["bare_p50"],
        )
        for r in results
    ]
    lines += [
        (f"{r['mode']}: peak connections", r["peak"], f"{reference['mode']}, same run", reference["peak"], "")
        for r in results
        if r is not reference
    ]
    print_references(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--boards", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--modes", default="persistent,per-request,pool", help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("--connection-limit", type=int, default=40, help="CONNECTION LIMIT of the bench database")
    args = parser.parse_args(argv)
    args.modes = [mode for mode in args.modes.split(",") if mode]
    if unknown := set(args.modes) - set(MODES):
        parser.error(f"unknown modes: {', '.join(sorted(unknown))}")
    if not 1 <= args.boards <= 5000 or not 1 <= args.requests <= 500 or len(args.modes) > 100:
        parser.error("--boards 1..5000, --requests 1..500")
    return args


if __name__ == "__main__":
    # A terminated bench still stops its Daphne (finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    asyncio.run(main(parse_args()))
