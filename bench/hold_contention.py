"""Benchmark: concurrent HTTP clients race for the last free beds of a site, against the API and
against its floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \
      .venv/bin/python bench/hold_contention.py [--clients 64] [--rounds 20] [--workers 5] \
      [--cases 1,5,50,families] [--database passerelle_bench_holds] [--port 8790] [--no-floor]

1. Creates and migrates its own database (``--database``, ``passerelle_bench_holds`` by default)
   on the PostgreSQL server named in DATABASE_URL (never the database named there, nor a
   ``test*`` one) and seeds it through the services: a hub and a housing provider with a housing
   partnership, one site of 50 beds in shared rooms, a family site (it takes families and
   accompanied minors) with 3 family units of 4 beds, ``--clients`` hub workers (one API token
   each) and as many persons (one each: a person holds beds once at a time), and 16 households of
   four (two adults, two children, made with the people services).
2. Starts two gunicorns with the same workers and worker class (sync by default, the production
   WSGI server of the API, STACK.md trap 9) on free ports of 127.0.0.1 (or ``--port`` and the
   next one): the API, with the channel
   layer on REDIS_URL (each hold publishes the site's availability after commit, as in
   production), and the floor, ``bench/floor_app.py``: the same lock-check-insert on the same
   tables with psycopg and no Django.
3. Four cases, ``--rounds`` rounds each on each server, the two servers alternating round by
   round. Before a round, every hold of the case's site is released and, on the bench site, every
   bed is taken out of service but the free ones (the "last beds"). Then the clients, each with
   its own token and person or household, wait at a barrier and POST /api/v1/housing/holds/ at
   once:
     - ``1 bed``: all clients race for one bed (exactly 1 hold);
     - ``last 5 beds``: ~13 clients per bed (exactly 5 holds), the issue's correctness case;
     - ``50 beds``: the clients spread over 50 beds (exactly 50 holds);
     - ``families``: 16 households of four race for the 3 family units, household i asking for
       the whole unit i mod 3 (``room``, what the hub's page holds for a family): exactly 3 holds.
   Every round must give exactly n holds (answers 201 and active holds in the database; all the
   clients when there are fewer than n), every other answer a 409 with a reason (``code``), no
   5xx and no timeout.
4. Prints p50/p99 latency per case and server (all answers, then 201 and 409 apart) and the CPU
   per request of the races (gunicorn, the PostgreSQL backends of the bench database, the client
   threads): the figure to compare runs by on a shared machine, where latency follows the
   neighbours' load. Then the API's figures as ratios to the floor's in the same case (absolute
   times differ 2x between machines; the ratio does not). Goal (issue 14): a refused hold's p99
   at most 4x the floor's. The last lines: each case's refused p99 and CPU per request against
   the floor's (the reference), and the ratios.
5. Stops both gunicorns.

Figures are from one run: on 2 shared cores the client threads, the gunicorn workers and
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    agreement_for_bench,
    cpu_snapshot,
    database_urls,
    ensure_database,
    free_port,
    gunicorn_env,
    gunicorn_executable,
    log,
    percentile,
    print_cpu,
    print_references,
    stop_gunicorn,
    wait_for_healthz,
)

BENCH_DATABASE = "passerelle_bench_holds"
SITE_BEDS = 50
FAMILY_UNITS, UNIT_BEDS, HOUSEHOLDS = 3, 4, 16
# (selector of --cases, name, what is free: beds of the bench site, or family units)
CASES = [("1", "1 bed", 1), ("5", "last 5 beds", 5), ("50", "50 beds", 50), ("families", "families", FAMILY_UNITS)]
# Each household: two adults and two children (under 14), born on these days.
FAMILY = [
    ("Adult A", date(1985, 3, 1), "head"),
    ("Adult B", date(1987, 6, 1), "spouse_partner"),
    ("Child A", date(2016, 1, 15), "child"),
    ("Child B", date(2019, 9, 1), "child"),
]
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
    """The bench world, created once (more workers and persons added if --clients grew; the
    family site and its households added to a world seeded before them)."""

    from accounts.models import ApiToken
    from housing import services as housing_services
    from housing.choices import RoomKind, SiteKind
    from housing.models import Bed, Room, Site
    from organisations import services as organisation_services
    from organisations.choices import OrganisationKind, PartnershipScope, Role
    from organisations.models import Organisation, User
    from people import services as people_services
    from people.models import Household, Person

    hub = Organisation.objects.filter(slug="bench-holds-hub").first()
    if hub is None:
        log("seeding the bench world")
        hub = organisation_services.organisation_create(
            actor=None, name="Bench hub", slug="bench-holds-hub", kind=OrganisationKind.HUB
        )
        provider = organisation_services.organisation_create(
            actor=None, name="Bench provider", slug="bench-holds-provider", kind=OrganisationKind.HOUSING_PROVIDER
        )
        partnership = organisation_services.partnership_accept(
            actor=None,
            partnership=organisation_services.partnership_propose(
                actor=None, organisation=hub, partner=provider, scope=PartnershipScope.HOUSING
            ),
        )
        # Holds need a data-sharing agreement in force on the partnership.
        agreement_for_bench(partnership)
        site = housing_services.site_create(
            actor=None, provider=provider, name="Bench site", address="1, rue du Banc", kind=SiteKind.SHORT_TERM
        )
        for number in range(1, SITE_BEDS // 10 + 1):
            housing_services.room_create(
                actor=None, site=site, name=f"Room {number}", kind=RoomKind.SHARED_ROOM, beds=10
            )
    provider = Organisation.objects.get(slug="bench-holds-provider")
    site = Site.objects.get(provider=provider, name="Bench site")
    family_site = Site.objects.filter(provider=provider, name="Bench family site").first()
    if family_site is None:
        log("seeding the family site")
        # The site's rules apply to holds: it takes families and accompanied minors.
        family_site = housing_services.site_create(
            actor=None,
            provider=provider,
            name="Bench family site",
            address="2, rue du Banc",
            kind=SiteKind.SHORT_TERM,
            families=True,
            minors_accompanied=True,
        )
        for number in range(1, FAMILY_UNITS + 1):
            housing_services.room_create(
                actor=None, site=family_site, name=f"Unit {number}", kind=RoomKind.FAMILY_UNIT, beds=UNIT_BEDS
            )
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
        clients_data.append({"token": text, "person": person.pk, "worker": worker})
    households = []
    for number in range(HOUSEHOLDS):
        household = Household.objects.filter(owner=hub, name=f"Bench family {number}").first()
        if household is None:
            worker = clients_data[number]["worker"]
            members = [
                (
                    people_services.person_create(
                        actor=worker,
                        owner=hub,
                        given_names=f"{given} {number}",
                        family_names="Bench family",
                        date_of_birth=born,
                    ),
                    relationship,
                )
                for given, born, relationship in FAMILY
            ]
            household = people_services.household_create(
                actor=worker, owner=hub, name=f"Bench family {number}", members=members
            )
        households.append(household.pk)
    for client in clients_data:
        del client["worker"]
    beds = list(Bed.objects.filter(site=site, is_active=True).order_by("pk").values_list("pk", flat=True))
    units = list(Room.objects.filter(site=family_site).order_by("name").values_list("pk", flat=True))
    return {
        "site": site.pk,
        "beds": beds,
        "clients": clients_data,
        "family_site": family_site.pk,
        "units": units,
        "households": households,
    }


def release_holds(site: int) -> None:
    """Release every active hold of ``site`` (the floor's too) through the service."""
    from housing import services as housing_services
    from housing.choices import HoldStatus
    from housing.models import Hold

    for hold in Hold.objects.filter(site_id=site, status=HoldStatus.ACTIVE):
        housing_services.hold_release(actor=None, hold=hold)


def reset(world: dict, free: int) -> list[int]:
    """Release every hold and leave exactly ``free`` beds of the site free (the others out of
    service); return the free beds."""
    from django.db import transaction
    from django.utils import timezone

    from housing.choices import AllocationKind
    from housing.models import BedAllocation

    release_holds(world["site"])
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


def active_holds(site: int) -> int:
    from housing.choices import HoldStatus
    from housing.models import Hold

    return Hold.objects.filter(site_id=site, status=HoldStatus.ACTIVE).count()


def prepare(world: dict, key: str, free: int) -> tuple[int, list[tuple[str, dict]]]:
    """Reset the case's site and return (the site, one (token, body) per client) for a round.

    Bed cases: every client with its own person, client i asking for free bed i mod n. Families:
    ``HOUSEHOLDS`` clients, each with its own household of four, household i asking for the whole
    family unit i mod 3 (``room``: what the hub's page and API hold for a family)."""
    # Every hold is for an arrival in an hour (within any site's horizon and, with no check-in
    # hours on the bench's sites, at any time).
    arrival = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    if key == "families":
        release_holds(world["family_site"])
        return world["family_site"], [
            (
                client["token"],
                {
                    "site": world["family_site"],
                    "room": world["units"][index % len(world["units"])],
                    "household": world["households"][index],
                    "expected_arrival_at": arrival,
                },
            )
            for index, client in enumerate(world["clients"][:HOUSEHOLDS])
        ]
    free_beds = reset(world, free)
    return world["site"], [
        (
            client["token"],
            {
                "site": world["site"],
                "beds": [free_beds[index % len(free_beds)]],
                "person": client["person"],
                "expected_arrival_at": arrival,
            },
        )
        for index, client in enumerate(world["clients"])
    ]


# --- gunicorn ----------------------------------------------------------------------------------------


def start_gunicorn(application: str, database_url: str, port: int, args) -> subprocess.Popen:
    """gunicorn serving ``application`` (the API, or the floor) with the run's workers."""
    env = gunicorn_env(database_url)
    command = [
        gunicorn_executable(),
        application,
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
    log_path = Path(tempfile.gettempdir()) / f"bench-holds-gunicorn-{application.split('.')[-1].split(':')[0]}.log"
    log(f"starting {' '.join(command[1:])} (log: {log_path})")
    with open(log_path, "w") as log_file:  # Django logs one "Conflict" line per 409
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True, stdout=log_file, stderr=subprocess.STDOUT
        )
    return wait_for_healthz(process, port)


# --- One round ---------------------------------------------------------------------------------------


def race(port: int, requests: list[tuple[str, dict]]) -> list[dict]:
    """Every client POSTs its hold at the same moment; returns one answer per client."""
    barrier = threading.Barrier(len(requests), timeout=60)
    answers: list[dict] = [{} for _ in requests]

    def client(index: int) -> None:
        token, data = requests[index]
        body = json.dumps(data)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
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

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 60)
    return answers


def run_case(servers: list[dict], world: dict, case: tuple, rounds: int, database_name: str) -> list[dict]:
    """``rounds`` races of the case on each server (the API, then the floor), round by round, the
    order switched every round so that both see the same neighbours' load; one summary per
    server. The CPU of the races alone (gunicorn, PostgreSQL, the client threads) is summed, not
    that of the resets between them."""
    key, name, free = case
    stats = {
        server["name"]: {
            "latencies": {"all": [], "201": [], "409": []},
            "problems": [],
            "codes": collections.Counter(),
            "cpu": collections.Counter(),
            "requests": 0,
        }
        for server in servers
    }
    for number in range(1, rounds + 1):
        for server in servers if number % 2 else reversed(servers):
            stat = stats[server["name"]]
            site, requests = prepare(world, key, free)
            # Both servers keep their connections (Django's pool, the floor's one per worker):
            # the backends other test runs open and close on the shared server are left out.
            before = cpu_snapshot(server["pid"], database_name, exited_backends=False)
            answers = race(server["port"], requests)
            after = cpu_snapshot(server["pid"], database_name, exited_backends=False)
            stat["cpu"].update({part: after[part] - before[part] for part in after})
            stat["requests"] += len(answers)
            statuses = collections.Counter(answer["status"] for answer in answers)
            holds = active_holds(site)
            for answer in answers:
                if answer["status"] in (201, 409):
                    stat["latencies"]["all"].append(answer["ms"])
                    stat["latencies"][str(answer["status"])].append(answer["ms"])
                if answer["status"] == 409:
                    stat["codes"][answer["code"] or "(no reason)"] += 1
            expected = min(free, len(answers))
            ok = (
                statuses[201] == expected
                and holds == expected
                and statuses[409] == len(answers) - expected
                and all(answer["code"] for answer in answers if answer["status"] == 409)
            )
            if not ok:
                stat["problems"].append(f"round {number}: answers {dict(statuses)}, active holds {holds}")
            flag = "" if ok else "  <-- WRONG"
            log(
                f"{name} ({server['name']}) round {number}: {dict(sorted(statuses.items()))}, "
                f"{holds} active holds{flag}"
            )
    summaries = []
    for server in servers:
        stat = stats[server["name"]]
        summary = {
            "case": name,
            "server": server["name"],
            "rounds_ok": rounds - len(stat["problems"]),
            "rounds": rounds,
            "problems": stat["problems"],
            "codes": dict(stat["codes"]),
            "cpu": dict(stat["cpu"]),
            "requests": stat["requests"],
            "cpu_ms": sum(stat["cpu"].values()) * 1000 / max(stat["requests"], 1),
        }
        for kind, values in stat["latencies"].items():
            summary[kind] = (percentile(values, 0.5), percentile(values, 0.99), len(values))
        log(
            f"{name} ({server['name']}): {summary['rounds_ok']}/{rounds} rounds exactly right; 409 reasons "
            f"{summary['codes']}; p50 {summary['all'][0]:.0f} ms, p99 {summary['all'][1]:.0f} ms "
            f"(201: p50 {summary['201'][0]:.0f} / p99 {summary['201'][1]:.0f}; "
            f"409: p50 {summary['409'][0]:.0f} / p99 {summary['409'][1]:.0f}); "
            f"CPU {summary['cpu_ms']:.1f} ms per request"
        )
        summaries.append(summary)
    return summaries


# --- Report ------------------------------------------------------------------------------------------


def _ratio(value: float, floor: float) -> str:
    if not floor or floor != floor or value != value:  # no floor figure, or NaN
        return "-"
    return f"{value / floor:.1f}x"


def print_report(results: list[list[dict]], args, load_at_start: float) -> None:
    """One table of figures per server and case, then the API's ratios to the floor."""
    print()
    print(
        f"{args.clients} clients ({HOUSEHOLDS} households for families), {args.rounds} rounds per case, gunicorn "
        f"{args.workers} {args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}, load average "
        f"{load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores); latency in ms, "
        "CPU per request in ms (gunicorn + PostgreSQL + clients)"
    )
    print(
        f"{'case':<12} {'server':<7} {'right':>6} {'p50':>6} {'p99':>6} {'201 p50':>8} {'201 p99':>8} "
        f"{'409 p50':>8} {'409 p99':>8} {'CPU':>6}"
    )
    for summaries in results:
        for r in summaries:
            print(
                f"{r['case']:<12} {r['server']:<7} {r['rounds_ok']:>3}/{r['rounds']:<2} {r['all'][0]:6.0f} "
                f"{r['all'][1]:6.0f} {r['201'][0]:8.0f} {r['201'][1]:8.0f} {r['409'][0]:8.0f} {r['409'][1]:8.0f} "
                f"{r['cpu_ms']:6.1f}"
            )
            for problem in r["problems"]:
                print(f"  {problem}")
    if all(len(summaries) == 2 for summaries in results):
        print()
        print("API / floor")
        print(
            f"{'case':<12} {'p50':>6} {'p99':>6} {'201 p50':>8} {'201 p99':>8} {'409 p50':>8} {'409 p99':>8} "
            f"{'CPU':>6}  goal: 409 p99 <= 4x"
        )
        for api, floor in results:
            goal = api["409"][1] <= 4 * floor["409"][1] if floor["409"][2] else None
            print(
                f"{api['case']:<12} {_ratio(api['all'][0], floor['all'][0]):>6} "
                f"{_ratio(api['all'][1], floor['all'][1]):>6} {_ratio(api['201'][0], floor['201'][0]):>8} "
                f"{_ratio(api['201'][1], floor['201'][1]):>8} {_ratio(api['409'][0], floor['409'][0]):>8} "
                f"{_ratio(api['409'][1], floor['409'][1]):>8} {_ratio(api['cpu_ms'], floor['cpu_ms']):>6}  "
                f"{'-' if goal is None else ('met' if goal else 'MISSED')}"
            )
    for summaries in results:
        for r in summaries:
            print(f"{r['case']} ({r['server']}):")
            print_cpu(r["cpu"], r["requests"])
    if all(len(summaries) == 2 for summaries in results):
        floor_label = "floor_app.py, same run"
        print_references(
            [
                line
                for api, floor in results
                for line in (
                    (f"{api['case']}: refused p99", api["409"][1], floor_label, floor["409"][1]),
                    (f"{api['case']}: CPU per request", api["cpu_ms"], floor_label, floor["cpu_ms"]),
                )
            ]
        )


def main(args) -> None:
    database_url, maintenance_url = database_urls(args.database)
    database_name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    redis_url = os.environ.get("REDIS_URL", "")
    if redis_url and urllib.parse.urlsplit(redis_url).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("This benchmark runs against 127.0.0.1 only.")
    load_at_start = os.getloadavg()[0]
    log(f"load average {load_at_start:.1f} (2 cores)")
    django_setup(database_url)
    ensure_database(database_url, maintenance_url)
    world = seed(args.clients)
    processes = []
    try:
        servers = []
        applications = [("API", "config.wsgi:application")]
        if args.floor:
            applications.append(("floor", "bench.floor_app:application"))
        for offset, (name, application) in enumerate(applications):
            port = args.port + offset if args.port else free_port()
            process = start_gunicorn(application, database_url, port, args)
            processes.append(process)
            servers.append({"name": name, "port": port, "pid": process.pid})
        # Warm-up: every worker imports and connects before the first measured round.
        for server in servers:
            for key, _name, free in CASES:
                race(server["port"], prepare(world, key, free)[1])
        results = [
            run_case(servers, world, case, args.rounds, database_name) for case in CASES if case[0] in args.cases
        ]
    finally:
        for process in processes:
            stop_gunicorn(process)
        reset(world, SITE_BEDS)
        release_holds(world["family_site"])
    print_report(results, args, load_at_start)
    if any(r["problems"] for summaries in results for r in summaries):
        sys.exit(1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (2 x cores + 1)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--cases", default="1,5,50,families", help="among 1, 5, 50 (free beds) and families (3 family units)"
    )
    parser.add_argument(
        "--database",
        default=BENCH_DATABASE,
        help="the bench's own database on DATABASE_URL's server (BENCH_DATABASE in the environment wins)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="the API's port, the floor's the next one (default: free ports)"
    )
    parser.add_argument("--no-floor", dest="floor", action="store_false", help="skip the floor (bench/floor_app.py)")
    args = parser.parse_args(argv)
    args.cases = set(args.cases.split(","))
    if not HOUSEHOLDS <= args.clients <= 256 or not 1 <= args.rounds <= 100:
        parser.error(f"--clients {HOUSEHOLDS}..256, --rounds 1..100")
    if not args.cases <= {key for key, _name, _free in CASES}:
        parser.error("--cases among 1, 5, 50, families")
    return args


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # finally blocks stop gunicorn
    main(parse_args())
