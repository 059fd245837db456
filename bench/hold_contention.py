"""Benchmark: 64 concurrent HTTP clients race for the last free beds of a site.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \
      .venv/bin/python bench/hold_contention.py [--clients 64] [--rounds 20] [--workers 5]

1. Creates and migrates its own database ``passerelle_bench_holds`` on the PostgreSQL server
   named in DATABASE_URL (never the database named there, nor a ``test*`` one) and seeds it
   through the services: a hub and a housing provider with a housing partnership, one site of
   50 beds, ``--clients`` hub workers (one API token each) and as many persons (one each: a person
   holds beds once at a time).
2. Starts gunicorn (sync workers, the production WSGI server of the API, STACK.md trap 9) on a
   free port of 127.0.0.1, with the channel layer on REDIS_URL: each hold publishes the site's
   availability after commit, as in production.
3. Three cases, ``--rounds`` rounds each. Before a round, every bed is taken out of service but
   the free ones (the "last beds") and every hold is released. Then ``--clients`` threads, each
   with its own token and person, wait at a barrier and POST /api/v1/housing/holds/ at once,
   client i asking for free bed i mod n:
     - ``1 bed``: all clients race for one bed (exactly 1 hold);
     - ``last 5 beds``: ~13 clients per bed (exactly 5 holds), the issue's correctness case;
     - ``50 beds``: the clients spread over 50 beds (exactly 50 holds).
   Every round must give exactly n holds (answers 201 and active holds in the database; all the
   clients when there are fewer than n), every other answer a 409 with a reason (``code``), no
   5xx and no timeout.
4. Prints p50/p99 latency per case (all answers, then 201 and 409 apart). Targets: p99 <= 250 ms
   with contention on one bed, <= 100 ms spread over 50 beds. Then the CPU per request of the
   races (gunicorn, the PostgreSQL backends of the bench database, the client threads): the
   figure to compare runs by on a shared machine, where latency follows the neighbours' load.
5. Stops gunicorn.

Figures are from one run: on 2 shared cores the 64 client threads, the gunicorn workers and
PostgreSQL compete for the same CPUs.
"""

import argparse
import collections
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    cpu_snapshot,
    database_urls,
    ensure_database,
    free_port,
    gunicorn_env,
    gunicorn_executable,
    log,
    percentile,
    print_cpu,
    stop_gunicorn,
    wait_for_healthz,
)

BENCH_DATABASE = "passerelle_bench_holds"
SITE_BEDS = 50
CASES = [("1 bed", 1), ("last 5 beds", 5), ("50 beds", 50)]
REQUEST_TIMEOUT = 30  # seconds: a request not answered by then counts as failed


# --- Database --------------------------------------------------------------------------------------


def django_setup(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        WORKER_IN_PROCESS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    import django

    django.setup()


def seed(clients: int) -> dict:
    """The bench world, created once (more workers and persons added if --clients grew)."""
    from accounts.models import ApiToken
    from housing import services as housing_services
    from housing.choices import RoomKind, SiteKind
    from housing.models import Bed, Site
    from organisations import services as organisation_services
    from organisations.choices import OrganisationKind, PartnershipScope, Role
    from organisations.models import Organisation, User
    from people import services as people_services
    from people.models import Person

    hub = Organisation.objects.filter(slug="bench-holds-hub").first()
    if hub is None:
        log("seeding the bench world")
        hub = organisation_services.organisation_create(
            actor=None, name="Bench hub", slug="bench-holds-hub", kind=OrganisationKind.HUB
        )
        provider = organisation_services.organisation_create(
            actor=None, name="Bench provider", slug="bench-holds-provider", kind=OrganisationKind.HOUSING_PROVIDER
        )
        organisation_services.partnership_accept(
            actor=None,
            partnership=organisation_services.partnership_propose(
                actor=None, organisation=hub, partner=provider, scope=PartnershipScope.HOUSING
            ),
        )
        site = housing_services.site_create(
            actor=None, provider=provider, name="Bench site", address="1, rue du Banc", kind=SiteKind.SHORT_TERM
        )
        for number in range(1, SITE_BEDS // 10 + 1):
            housing_services.room_create(
                actor=None, site=site, name=f"Room {number}", kind=RoomKind.SHARED_ROOM, beds=10
            )
    site = Site.objects.get(provider__slug="bench-holds-provider")
    clients_data = []
    for number in range(clients):
        email = f"bench-holds-{number}@example.org"
        worker = User.objects.filter(email=email).first()
        if worker is None:
            worker = User.objects.create_user(email, None, full_name=f"Bench Worker {number}")
            organisation_services.membership_grant(actor=None, organisation=hub, user=worker, role=Role.WORKER)
            people_services.person_create(actor=worker, owner=hub, given_names=f"Client {number}", family_names="Bench")
        person = Person.objects.get(owner=hub, given_names=f"Client {number}")
        _token, text = ApiToken.objects.create(user=worker, name="bench")
        clients_data.append({"token": text, "person": person.pk})
    beds = list(Bed.objects.filter(site=site, is_active=True).order_by("pk").values_list("pk", flat=True))
    return {"site": site.pk, "beds": beds, "clients": clients_data}


def reset(world: dict, free: int) -> list[int]:
    """Release every hold and leave exactly ``free`` beds of the site free (the others out of
    service); return the free beds."""
    from django.db import transaction
    from django.utils import timezone

    from housing import services as housing_services
    from housing.choices import AllocationKind, HoldStatus
    from housing.models import BedAllocation, Hold

    for hold in Hold.objects.filter(site_id=world["site"], status=HoldStatus.ACTIVE):
        housing_services.hold_release(actor=None, hold=hold)
    free_beds, blocked = world["beds"][:free], world["beds"][free:]
    with transaction.atomic():
        BedAllocation.objects.filter(
            bed_id__in=world["beds"], kind=AllocationKind.OUT_OF_SERVICE, is_active=True, reason="bench"
        ).update(is_active=False)
        BedAllocation.objects.bulk_create(
            [
                BedAllocation(bed_id=bed, kind=AllocationKind.OUT_OF_SERVICE, starts_at=timezone.now(), reason="bench")
                for bed in blocked
            ]
        )
    return free_beds


def active_holds(world: dict) -> int:
    from housing.choices import HoldStatus
    from housing.models import Hold

    return Hold.objects.filter(site_id=world["site"], status=HoldStatus.ACTIVE).count()


# --- gunicorn ----------------------------------------------------------------------------------------


def start_gunicorn(database_url: str, port: int, args) -> subprocess.Popen:
    env = gunicorn_env(database_url)
    command = [
        gunicorn_executable(),
        "config.wsgi:application",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "256",
        "--log-level",
        "warning",
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    log_path = Path(tempfile.gettempdir()) / "bench-holds-gunicorn.log"
    log(f"starting {' '.join(command[1:])} (log: {log_path})")
    with open(log_path, "w") as log_file:  # Django logs one "Conflict" line per 409
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True, stdout=log_file, stderr=subprocess.STDOUT
        )
    return wait_for_healthz(process, port)


# --- One round ---------------------------------------------------------------------------------------


def race(port: int, world: dict, site: int, free_beds: list[int]) -> list[dict]:
    """Every client POSTs one hold at the same moment; returns one answer per client."""
    clients = world["clients"]
    barrier = threading.Barrier(len(clients), timeout=60)
    answers: list[dict] = [{} for _ in clients]

    # Every hold is for an arrival in an hour (within any site's horizon and, with no check-in
    # hours on the bench's site, at any time).
    arrival = (datetime.now(UTC) + timedelta(hours=1)).isoformat()

    def client(index: int) -> None:
        body = json.dumps(
            {
                "site": site,
                "beds": [free_beds[index % len(free_beds)]],
                "person": clients[index]["person"],
                "expected_arrival_at": arrival,
            }
        )
        headers = {"Authorization": f"Token {clients[index]['token']}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        try:
            conn.connect()
            barrier.wait()
            started = time.perf_counter()
            conn.request("POST", "/api/v1/housing/holds/", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            try:
                code = json.loads(payload).get("code", "")
            except ValueError:
                code = ""
            answers[index] = {"status": response.status, "code": code, "ms": elapsed}
        except Exception as error:  # a timeout or a reset: counted as a failure
            answers[index] = {"status": 0, "code": type(error).__name__, "ms": float("nan")}
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 60)
    return answers


def run_case(server: dict, world: dict, name: str, free: int, rounds: int) -> dict:
    """``rounds`` races for ``free`` beds; the CPU of the races alone (gunicorn, PostgreSQL, the
    client threads) is summed, not that of the resets between them."""
    latencies = {"all": [], "201": [], "409": []}
    problems = []
    codes = collections.Counter()
    cpu_used = collections.Counter()
    for number in range(1, rounds + 1):
        free_beds = reset(world, free)
        before = cpu_snapshot(server["pid"], BENCH_DATABASE)
        answers = race(server["port"], world, world["site"], free_beds)
        after = cpu_snapshot(server["pid"], BENCH_DATABASE)
        cpu_used.update({key: after[key] - before[key] for key in after})
        statuses = collections.Counter(answer["status"] for answer in answers)
        holds = active_holds(world)
        for answer in answers:
            if answer["status"] in (201, 409):
                latencies["all"].append(answer["ms"])
                latencies[str(answer["status"])].append(answer["ms"])
            if answer["status"] == 409:
                codes[answer["code"] or "(no reason)"] += 1
        expected = min(free, len(answers))
        ok = (
            statuses[201] == expected
            and holds == expected
            and statuses[409] == len(answers) - expected
            and all(answer["code"] for answer in answers if answer["status"] == 409)
        )
        if not ok:
            problems.append(f"round {number}: answers {dict(statuses)}, active holds {holds}")
        flag = "" if ok else "  <-- WRONG"
        log(f"{name} round {number}: {dict(sorted(statuses.items()))}, {holds} active holds{flag}")
    summary = {
        "case": name,
        "rounds_ok": rounds - len(problems),
        "rounds": rounds,
        "problems": problems,
        "codes": dict(codes),
        "cpu": dict(cpu_used),
        "requests": rounds * len(world["clients"]),
    }
    for kind, values in latencies.items():
        summary[kind] = (percentile(values, 0.5), percentile(values, 0.99), len(values))
    log(
        f"{name}: {summary['rounds_ok']}/{rounds} rounds exactly right; 409 reasons {dict(codes)}; "
        f"p50 {summary['all'][0]:.0f} ms, p99 {summary['all'][1]:.0f} ms "
        f"(201: p50 {summary['201'][0]:.0f} / p99 {summary['201'][1]:.0f}; "
        f"409: p50 {summary['409'][0]:.0f} / p99 {summary['409'][1]:.0f})"
    )
    return summary


def main(args) -> None:
    database_url, maintenance_url = database_urls(BENCH_DATABASE)
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url and urllib.parse.urlsplit(redis_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("This benchmark runs against 127.0.0.1 only.")
    log(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
    django_setup(database_url)
    ensure_database(database_url, maintenance_url)
    world = seed(args.clients)
    port = free_port()
    process = start_gunicorn(database_url, port, args)
    try:
        # Warm-up: every worker imports and connects before the first measured round.
        race(port, world, world["site"], reset(world, SITE_BEDS))
        server = {"port": port, "pid": process.pid}
        results = [run_case(server, world, name, free, args.rounds) for name, free in CASES if free in args.cases]
    finally:
        stop_gunicorn(process)
        reset(world, SITE_BEDS)
    print()
    print(
        f"{args.clients} clients, {args.rounds} rounds per case, gunicorn {args.workers} {args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}, load average "
        f"{os.getloadavg()[0]:.1f} at the end (2 cores); latency in ms"
    )
    print(
        f"{'case':<12} {'right':>6} {'p50':>6} {'p99':>6} {'201 p50':>8} {'201 p99':>8} {'409 p50':>8} {'409 p99':>8}"
    )
    for r in results:
        print(
            f"{r['case']:<12} {r['rounds_ok']:>3}/{r['rounds']:<2} {r['all'][0]:6.0f} {r['all'][1]:6.0f} "
            f"{r['201'][0]:8.0f} {r['201'][1]:8.0f} {r['409'][0]:8.0f} {r['409'][1]:8.0f}"
        )
        for problem in r["problems"]:
            print(f"  {problem}")
    for r in results:
        print(f"{r['case']}:")
        print_cpu(r["cpu"], r["requests"])
    if any(r["problems"] for r in results):
        sys.exit(1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--cases", default="1,5,50", help="free beds per case, among 1, 5, 50")
    args = parser.parse_args(argv)
    args.cases = {int(case) for case in args.cases.split(",")}
    if not 2 <= args.clients <= 256 or not 1 <= args.rounds <= 100 or not args.cases <= {1, 5, 50}:
        parser.error("--clients 2..256, --rounds 1..100, --cases among 1,5,50")
    return args


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # finally blocks stop gunicorn
    main(parse_args())
