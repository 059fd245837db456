"""Benchmark: a partner's referral inbox over the REST API, at one million referrals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle_bench REDIS_URL=redis://127.0.0.1:6379/0 \
      .venv/bin/python bench/referral_inbox.py [--reseed] [--duration 30] [--clients 20] [--rate R] [--workers 4]

1. Creates and migrates the database named in DATABASE_URL if it is missing (never ``passerelle``,
   ``postgres``, ``template*`` or a ``test*`` database) and seeds it once, in SQL
   (``INSERT … SELECT generate_series``): 60 organisations (3 hubs, 57 partners), 250,000 people,
   1,000,000 consents and referrals, ~3,000,000 guardian grants (admin, coordinator and worker
   groups of the recipient, as ``referrals.services._grant_recipient`` writes them). The partner
   ``bench-partner-big`` receives 20,000 referrals, ``bench-partner-small`` 1,000. Later runs reuse
   the data; ``--reseed`` drops the database and builds it again.
2. Starts gunicorn (sync workers) on a free port of 127.0.0.1 and waits for /healthz.
3. With ``--clients`` threads (keep-alive ``http.client`` connections, reopened when a sync worker
   closes them), a partner agent (API token) reads
   ``GET /api/v1/referrals/?box=received&status=sent&page_size=50`` and follows up to
   ``--follow`` ``next`` cursors, again and again, for ``--duration`` seconds after a warm-up
   (closed loop; ``--rate`` paces the clients instead). Prints p50/p95/p99 latency, requests per
   second, errors, the CPU per request of gunicorn, PostgreSQL and the load generator (read from
   /proc, robust to a busy machine).
   The reference, measured first on the same server: the same clients (closed loop, or paced
   alike) on ``GET /healthz`` (one ``SELECT 1``) for 5 s, a bare request; the last lines print
   the inbox's p50, p95 and requests per second against it, and the ratios.
4. In-process (Django test client on the bench database): the query count of that request for page
   sizes 10/50/100, for the partner with ~1k and ~20k referrals, first page and a later cursor
   page, and EXPLAIN (ANALYZE, BUFFERS) of the main list query.
5. Stops gunicorn.

Figures are medians and ratios from one run: the machine is shared, and on 2 cores the load
generator, gunicorn and PostgreSQL compete for the same CPUs.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    cpu_snapshot,
    database_create,
    database_exists,
    database_settings,
    django_setup_in_process,
    free_port,
    gunicorn_env,
    gunicorn_executable,
    load_average,
    log,
    print_cpu,
    print_references,
    stop_gunicorn,
    wait_for_healthz,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench"
SEED_VERSION = 2  # 2: the stored tokens are knox tokens (hashed in the database)

# --- The shape of the data ---------------------------------------------------------------------
HUBS = 3
PARTNERS = 57  # 60 organisations in all
PEOPLE = 250_000
REFERRALS_PER_PERSON = 4
REFERRALS = PEOPLE * REFERRALS_PER_PERSON  # 1,000,000
# Each referral n goes to the partner of slot (n * 7919) % 1000: 7919 is prime to 1000, so every
# slot is hit exactly REFERRALS / 1000 times and each partner's referrals are spread evenly over
# the id range (a partner's inbox is interleaved with everybody else's, as in real life).
SLOTS = 1000
BIG_SLOTS = 20  # bench-partner-big: 20,000 referrals
SMALL_SLOTS = 1  # bench-partner-small: 1,000 referrals
# Status mix (per cent), independent of the id: old "sent" referrals are as likely as new ones,
# the unfavourable case for an index walk in id order.
STATUS_MIX = [
    ("draft", 1),
    ("sent", 20),
    ("info_requested", 4),
    ("accepted", 10),
    ("in_progress", 10),
    ("completed", 35),
    ("declined", 10),
    ("cancelled", 5),
    ("expired", 5),
]
RECIPIENT_ROLES = ("admin", "coordinator", "worker")
URL = "/api/v1/referrals/?box=received&status=sent&page_size={page_size}"


# --- Database --------------------------------------------------------------------------------------


def seed_info(url: str) -> dict | None:
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('bench_referral_inbox_seed')").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT info FROM bench_referral_inbox_seed WHERE version = %s", [SEED_VERSION]).fetchone()
        return row[0] if row else None


# --- Seeding -------------------------------------------------------------------------------------


def seed_organisations() -> dict:
    """Organisations, role groups, members and partnerships through the services (60 rows: the
    ORM is fine here), so groups and their permissions are exactly those of production."""
    from organisations import services
    from organisations.choices import OrganisationKind, PartnershipScope, PartnershipStatus, Role
    from organisations.models import Organisation, Partnership, RoleGroup, User

    partner_kinds = [
        OrganisationKind.HOUSING_PROVIDER,
        OrganisationKind.EMPLOYMENT,
        OrganisationKind.HEALTH,
        OrganisationKind.LEGAL_AID,
        OrganisationKind.FOOD_AID,
        OrganisationKind.FRANCISATION,
        OrganisationKind.EDUCATION,
        OrganisationKind.COMMUNITY,
    ]
    hubs, partners = [], []
    for i in range(1, HUBS + 1):
        hubs.append(
            services.organisation_create(
                actor=None, name=f"Bench hub {i}", slug=f"bench-hub-{i}", kind=OrganisationKind.HUB
            )
        )
    for i in range(1, PARTNERS + 1):
        slug = {1: "bench-partner-big", 2: "bench-partner-small"}.get(i, f"bench-partner-{i:02d}")
        partners.append(
            services.organisation_create(
                actor=None, name=f"Bench partner {i:02d}", slug=slug, kind=partner_kinds[i % len(partner_kinds)]
            )
        )
    users = {}
    for organisation in hubs + partners:
        for role in (Role.WORKER, Role.COORDINATOR):
            user = User.objects.create_user(
                f"{role}@{organisation.slug}.bench.example.org",
                None,
                full_name=f"{role.label} {organisation.name}",
                preferred_language="fr-ca",
            )
            services.membership_grant(actor=None, organisation=organisation, user=user, role=role)
            users[(organisation.pk, role)] = user.pk
    # Agreed partnerships, written in bulk: the bench measures the inbox, not proposals.
    Partnership.objects.bulk_create(
        Partnership(
            organisation=hub,
            partner=partner,
            scope=PartnershipScope.REFERRALS,
            status=PartnershipStatus.ACTIVE,
            proposed_by=hub,
        )
        for hub in hubs
        for partner in partners
    )
    assert Organisation.objects.count() == HUBS + PARTNERS
    assert RoleGroup.objects.filter(role__in=RECIPIENT_ROLES).count() == 3 * (HUBS + PARTNERS)
    return {
        "hubs": [org.pk for org in hubs],
        "partners": [org.pk for org in partners],
        "users": users,
    }


def seed_bulk(url: str, orgs: dict) -> dict:
    """People, consents, referrals and grants in a few set-based statements."""
    from django.contrib.auth.models import Permission

    view_referral = Permission.objects.get(content_type__app_label="referrals", codename="view_referral").pk
    hubs, partners, users = orgs["hubs"], orgs["partners"], orgs["users"]
    big, small, others = partners[0], partners[1], partners[2:]
    slots = [big] * BIG_SLOTS + [small] * SMALL_SLOTS
    others_slots = SLOTS - len(slots)
    for i in range(others_slots):
        slots.append(others[i % len(others)])
    assert len(slots) == SLOTS
    statuses = []
    for status, share in STATUS_MIX:
        statuses += [status] * share
    assert len(statuses) == 100

    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        # The rows are consistent by construction: skip the per-row foreign-key triggers (a
        # superuser's bulk-load switch, for this session only).
        conn.execute("SET session_replication_role = replica")
        conn.execute("CREATE TEMP TABLE bench_slot (slot int PRIMARY KEY, partner_id bigint NOT NULL)")
        with conn.cursor().copy("COPY bench_slot (slot, partner_id) FROM STDIN") as copy:
            for slot, partner in enumerate(slots):
                copy.write_row((slot, partner))
        conn.execute("CREATE TEMP TABLE bench_status (k int PRIMARY KEY, status text NOT NULL)")
        with conn.cursor().copy("COPY bench_status (k, status) FROM STDIN") as copy:
            for k, status in enumerate(statuses):
                copy.write_row((k, status))
        conn.execute("CREATE TEMP TABLE bench_org (org_id bigint PRIMARY KEY, worker_id bigint, coordinator_id bigint)")
        with conn.cursor().copy("COPY bench_org FROM STDIN") as copy:
            for org in hubs + partners:
                copy.write_row((org, users[(org, "worker")], users[(org, "coordinator")]))
        conn.execute("CREATE TEMP TABLE bench_hub (k int PRIMARY KEY, org_id bigint NOT NULL, worker_id bigint)")
        with conn.cursor().copy("COPY bench_hub FROM STDIN") as copy:
            for k, org in enumerate(hubs):
                copy.write_row((k, org, users[(org, "worker")]))
        conn.execute("ANALYZE bench_slot, bench_status, bench_org, bench_hub")

        started = time.monotonic()
        log(f"seeding {PEOPLE:,} people")
        conn.execute(
            f"""
            INSERT INTO people_person (
                id, given_names, family_names, name_key, date_of_birth, date_of_birth_is_approximate,
                gender_identity, gender_self_described, trans_experience, preferred_language,
                other_languages, french_level, interpreter_needed, phone, email, address, arrival_date,
                first_intake_date, intake_channel, claim_pathway, household_relationship, notes,
                created_at, updated_at, created_by_id, household_id, owner_id, needs_wheelchair_access,
                phone_digits, sound_key)
            SELECT p,
                   g.given, f.family || ' ' || f2.family,
                   lower(g.given || ' ' || f.family || ' ' || f2.family),
                   date '1960-01-01' + (p * 37 % 18000),
                   p % 10 = 0,
                   'not_asked', '', 'not_asked', (ARRAY['es','fr','ar','ht','fa','pt','sw','en'])[1 + p % 8],
                   '[]'::jsonb, (ARRAY['none','beginner','intermediate','advanced',''])[1 + p % 5], p % 4 = 0,
                   '', '', '', date '2025-01-01' + (p % 600), date '2025-01-01' + (p % 600) + 3,
                   'walk_in', 'unknown', '', '',
                   now() - interval '400 days' + p * interval '2 minutes',
                   now() - interval '400 days' + p * interval '2 minutes',
                   h.worker_id, NULL, h.org_id, false, '',
                   -- the duplicate search's key: unused by the inbox, the name key stands in
                   lower(g.given || ' ' || f.family || ' ' || f2.family)
            FROM generate_series(1, {PEOPLE}) AS p
            JOIN bench_hub h ON h.k = p % {HUBS}
            CROSS JOIN LATERAL (SELECT (ARRAY['María José','Jean-Baptiste','Fatima','Ngozi','Hélène','Luis',
                     'Amani','Darius','Rosa','Théo','Yasmin','Kofi'])[1 + p % 12] AS given) g
            CROSS JOIN LATERAL (SELECT (ARRAY['García','Pérez','Nguyen','Tremblay','Côté','Haddad',
                     'Mbeki','Rahimi','Joseph','Silva','Lefèvre','Okafor','López'])[1 + p % 13] AS family) f
            CROSS JOIN LATERAL (SELECT (ARRAY['Martínez','Gagnon','Diallo','Roy','Fernández','Pierre',
                     'Ahmadi','Sánchez','Bouchard','Moreau','Osei'])[1 + p % 11] AS family) f2
            """
        )
        log(f"  people done in {time.monotonic() - started:.0f} s")

        # One consent per referral (a person consents per recipient and purpose): referral n uses
        # consent n. 2% are withdrawn, so some list rows show a redacted name.
        conn.execute(
            f"""
            CREATE TEMP TABLE bench_referral AS
            SELECT n,
                   (n - 1) / {REFERRALS_PER_PERSON} + 1 AS person_id,
                   h.org_id AS sender_id, h.worker_id AS sender_worker_id,
                   s.partner_id AS recipient_id,
                   st.status,
                   (ARRAY['housing_emergency','food','legal_immigration','employment','francisation',
                          'health_mental','material_aid','childcare'])[1 + n % 8] AS need_category,
                   (ARRAY['immediate','days','weeks'])[1 + n % 3] AS urgency,
                   now() - interval '365 days' + n * interval '31 seconds' AS created_at
            FROM generate_series(1::bigint, {REFERRALS}) AS n
            JOIN bench_hub h ON h.k = ((n - 1) / {REFERRALS_PER_PERSON} + 1) % {HUBS}
            JOIN bench_slot s ON s.slot = (n * 7919) % {SLOTS}
            JOIN bench_status st ON st.k = (hashint8(n) & 2147483647) % 100
            """
        )
        made = conn.execute("SELECT count(*) FROM bench_referral").fetchone()[0]
        if made != REFERRALS:
            raise RuntimeError(f"planned {made} referrals instead of {REFERRALS}")
        log(f"seeding {REFERRALS:,} consents")
        conn.execute(
            """
            INSERT INTO people_consent (
                id, purposes, data_groups, express, method, language, interpreter_assisted, given_by,
                given_by_name, valid_from, valid_until, withdrawn_at, created_at, recipient_id,
                recorded_by_id, person_id, withdrawal_language, withdrawal_method)
            SELECT n, jsonb_build_array(need_category), '["contact", "identity"]'::jsonb, false, 'signed', 'es',
                   false, 'person', '', (created_at - interval '1 day')::date, current_date + 365,
                   CASE WHEN n % 50 = 0 THEN created_at + interval '2 days' END,
                   created_at - interval '1 day', recipient_id, sender_worker_id, person_id,
                   CASE WHEN n % 50 = 0 THEN 'es' ELSE '' END, CASE WHEN n % 50 = 0 THEN 'signed' ELSE '' END
            FROM bench_referral
            """
        )
        log(f"  consents done in {time.monotonic() - started:.0f} s")
        log(f"seeding {REFERRALS:,} referrals")
        conn.execute(
            """
            INSERT INTO referrals_referral (
                id, for_household, need_category, urgency, reason, shared_groups, respond_by, status,
                decline_reason, outcome, version, created_at, updated_at, sent_at, first_response_at,
                accepted_at, closed_at, assignee_id, consent_id, created_by_id, person_id,
                re_referral_of_id, recipient_id, sender_id, service_id)
            SELECT r.n, r.n % 20 = 0, r.need_category, r.urgency, '', '["contact", "identity"]'::jsonb,
                   r.created_at + interval '3 days', r.status,
                   CASE WHEN r.status = 'declined' THEN 'no_capacity' ELSE '' END, '',
                   CASE WHEN r.status IN ('draft', 'sent') THEN 1 + (r.status = 'sent')::int ELSE 3 END,
                   r.created_at, r.created_at + interval '1 hour',
                   CASE WHEN r.status <> 'draft' THEN r.created_at + interval '1 minute' END,
                   CASE WHEN r.status NOT IN ('draft', 'sent', 'expired', 'cancelled')
                        THEN r.created_at + interval '1 hour' END,
                   CASE WHEN r.status IN ('accepted', 'in_progress', 'completed')
                        THEN r.created_at + interval '1 hour' END,
                   CASE WHEN r.status IN ('completed', 'declined', 'cancelled', 'expired')
                        THEN r.created_at + interval '1 hour' END,
                   CASE WHEN r.n % 3 = 0 AND r.status <> 'draft' THEN o.worker_id END,
                   r.n, r.sender_worker_id, r.person_id, NULL, r.recipient_id, r.sender_id, NULL
            FROM bench_referral r
            JOIN bench_org o ON o.org_id = r.recipient_id
            ORDER BY r.n
            """
        )
        log(f"  referrals done in {time.monotonic() - started:.0f} s")
        log("seeding the recipients' grants (3 role groups per sent referral)")
        conn.execute(
            f"""
            INSERT INTO referrals_referralgroupobjectpermission (content_object_id, group_id, permission_id)
            SELECT r.id, rg.group_id, {view_referral}
            FROM referrals_referral r
            JOIN organisations_rolegroup rg
              ON rg.organisation_id = r.recipient_id AND rg.role IN ('admin', 'coordinator', 'worker')
            WHERE r.status <> 'draft'
            ORDER BY r.id, rg.group_id
            """
        )
        log(f"  grants done in {time.monotonic() - started:.0f} s")
        for table in ("people_person", "people_consent", "referrals_referral"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        counts = {
            "people": conn.execute("SELECT count(*) FROM people_person").fetchone()[0],
            "consents": conn.execute("SELECT count(*) FROM people_consent").fetchone()[0],
            "referrals": conn.execute("SELECT count(*) FROM referrals_referral").fetchone()[0],
            "grants": conn.execute("SELECT count(*) FROM referrals_referralgroupobjectpermission").fetchone()[0],
        }
        per_partner = dict(
            conn.execute(
                "SELECT recipient_id, count(*) FROM referrals_referral WHERE recipient_id = ANY(%s) GROUP BY 1",
                [[big, small]],
            ).fetchall()
        )
        sent = dict(
            conn.execute(
                "SELECT recipient_id, count(*) FROM referrals_referral"
                " WHERE recipient_id = ANY(%s) AND status = 'sent' GROUP BY 1",
                [[big, small]],
            ).fetchall()
        )
        conn.commit()
    counts["big"] = {"organisation": big, "received": per_partner[big], "sent": sent[big]}
    counts["small"] = {"organisation": small, "received": per_partner[small], "sent": sent[small]}
    return counts


def seed(url: str) -> dict:
    started = time.monotonic()
    log("seeding organisations, role groups, members and partnerships (services)")
    orgs = seed_organisations()
    counts = seed_bulk(url, orgs)
    log("VACUUM ANALYZE")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    from accounts.models import ApiToken
    from organisations.models import Organisation, User

    tokens = {}
    for key in ("big", "small"):
        organisation = Organisation.objects.get(pk=counts[key]["organisation"])
        user = User.objects.get(email=f"worker@{organisation.slug}.bench.example.org")
        # Only a token's hash is stored: the seed keeps the text for the runs that reuse it.
        tokens[key] = ApiToken.objects.create(user=user, name="bench", expiry=None)[1]
    info = {**counts, "tokens": tokens, "seconds": round(time.monotonic() - started, 1)}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_referral_inbox_seed (version int PRIMARY KEY, info jsonb)")
        conn.execute("INSERT INTO bench_referral_inbox_seed VALUES (%s, %s)", [SEED_VERSION, Jsonb(info)])
    log(f"seeded in {info['seconds']:.0f} s: {json.dumps({k: v for k, v in info.items() if k != 'tokens'})}")
    return info


def prepare_database(reseed: bool) -> tuple[str, dict]:
    url, name, maintenance = database_settings(DEFAULT_DATABASE_URL)
    exists = database_exists(maintenance, name)
    info = seed_info(url) if exists and not reseed else None
    if info is None:
        database_create(maintenance, name, drop_first=exists)
    # EXPLAIN ANALYZE of a slow plan must not be cut short by the request timeout.
    django_setup_in_process(url, statement_timeout_ms="120000")
    from django.core.management import call_command

    # Also on a reused database: the schema follows the code (new apps, new indexes).
    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    if info is None:
        info = seed(url)
    else:
        log(
            f"reusing the seeded data in {name} ({info['referrals']:,} referrals, {info['grants']:,} grants;"
            " --reseed to rebuild)"
        )
    return url, info


# --- HTTP server -------------------------------------------------------------------------------------


def start_gunicorn(url: str, port: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    env = gunicorn_env(url)
    command = [
        gunicorn_executable(),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--keep-alive",
        "30",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    log(f"starting {' '.join(command[1:])}")
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    return wait_for_healthz(process, port)


# --- Load ----------------------------------------------------------------------------------------------


class Client:
    """One user's keep-alive connection; reopened when the server closes it (sync workers do)."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", path, headers=self.headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise


def relative(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def run_load(
    port: int,
    token: str,
    *,
    clients: int,
    duration: float,
    warmup: float,
    follow: int,
    first_page: str,
    cpu=None,
    rate: float = 0.0,
):
    """``clients`` threads each read the first page and ``follow`` next pages, in a loop.
    ``cpu()`` (optional) is sampled when the measured window opens and when it closes."""
    start_at = time.monotonic() + warmup
    stop_at = start_at + duration
    max_requests_per_client = int(duration * 2000)  # a bound, never reached in practice
    results = [[] for _ in range(clients)]  # (latency seconds, page index) of measured requests
    errors = [[] for _ in range(clients)]

    # Paced mode: each client sends one request every ``clients / rate`` seconds (a user with
    # think time) instead of the next one as soon as the last answer arrives.
    interval = clients / rate if rate else 0.0

    def user(index: int) -> None:
        client = Client(port, token)
        done = 0
        next_at = time.monotonic() + interval * index / clients
        while done < max_requests_per_client:
            path, page = first_page, 0
            while path and page <= follow:
                if interval:
                    time.sleep(max(0.0, next_at - time.monotonic()))
                    next_at = max(next_at + interval, time.monotonic() - interval)
                now = time.monotonic()
                if now >= stop_at:
                    client.conn.close()
                    return
                try:
                    status, body = client.get(path)
                except Exception as exc:
                    status, body = None, repr(exc).encode()
                elapsed = time.monotonic() - now
                done += 1
                if now >= start_at:
                    if status == 200:
                        results[index].append((elapsed, page))
                    else:
                        errors[index].append((status, body[:200]))
                if status != 200 or follow == 0:
                    break
                path = json.loads(body).get("next")
                path = relative(path) if path else None
                page += 1
        client.conn.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    cpu_used = None
    if cpu is not None:
        time.sleep(max(0.0, start_at - time.monotonic()))
        before = cpu()
        time.sleep(max(0.0, stop_at - time.monotonic()))
        after = cpu()
        cpu_used = {key: after[key] - before[key] for key in before}
    for thread in threads:
        thread.join(timeout=warmup + duration + 60)
    latencies = sorted(latency for per_client in results for latency, _ in per_client)
    by_page = {}
    for per_client in results:
        for latency, page in per_client:
            by_page.setdefault(page, []).append(latency)
    all_errors = [error for per_client in errors for error in per_client]
    return latencies, by_page, all_errors, cpu_used


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def print_load(latencies, by_page, errors, duration: float, clients: str) -> dict:
    ms = 1000
    count = len(latencies)
    figures = {
        "requests": count,
        "rps": count / duration,
        "p50": percentile(latencies, 0.50) * ms,
        "p95": percentile(latencies, 0.95) * ms,
        "p99": percentile(latencies, 0.99) * ms,
        "max": (latencies[-1] * ms) if latencies else float("nan"),
        "errors": len(errors),
    }
    print()
    print(f"HTTP load: {clients}, {duration:.0f} s measured")
    print(
        f"  requests {count}  req/s {figures['rps']:.1f}  p50 {figures['p50']:.1f} ms  p95 {figures['p95']:.1f} ms"
        f"  p99 {figures['p99']:.1f} ms  max {figures['max']:.1f} ms  errors {figures['errors']}"
    )
    for page in sorted(by_page):
        values = sorted(by_page[page])
        label = "first page" if page == 0 else f"next #{page}"
        print(
            f"    {label:<11} n={len(values):<6} p50 {percentile(values, 0.5) * ms:6.1f} ms"
            f"  p95 {percentile(values, 0.95) * ms:6.1f} ms"
        )
    for status, body in errors[:5]:
        print(f"    error: {status} {body!r}")
    return figures


# --- In-process query counts and plan ---------------------------------------------------------------


def query_counts(info: dict) -> None:
    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    print()
    print("Queries per request (in-process, Django test client on the bench database)")
    print(f"  {'partner':<22}{'page size':>10}{'first page':>12}{'next page':>11}{'rows':>6}")
    list_query = None
    for key in ("small", "big"):
        client = TestClient(HTTP_AUTHORIZATION=f"Token {info['tokens'][key]}")
        client.get(URL.format(page_size=50))  # warm caches (content types, translations)
        for page_size in (10, 50, 100):
            counts = []
            path, rows = URL.format(page_size=page_size), 0
            for _ in range(2):
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(path)
                if response.status_code != 200:
                    sys.exit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
                counts.append(len(captured.captured_queries))
                data = response.json()
                rows = rows or len(data["results"])
                if key == "big" and page_size == 50 and list_query is None:
                    list_query = max(
                        (q["sql"] for q in captured.captured_queries if "referrals_referral" in q["sql"]),
                        key=len,
                    )
                if not data.get("next"):
                    counts.append(None)
                    break
                path = relative(data["next"])
            label = f"{key} ({info[key]['received']:,} recv, {info[key]['sent']:,} sent)"
            second = "-" if counts[1] is None else str(counts[1])
            print(f"  {label:<22}{page_size:>10}{counts[0]:>12}{second:>11}{rows:>6}")
    if key == "big":
        with CaptureQueriesContext(connection) as captured:
            TestClient(HTTP_AUTHORIZATION=f"Token {info['tokens']['big']}").get(URL.format(page_size=50))
        print()
        print("  the queries of one request (big partner, page of 50):")
        for q in captured.captured_queries:
            print(f"    {q['time']:>6}s  {q['sql'][:150]}")
    return list_query


def list_timings(info: dict) -> None:
    """Single-client latency in-process (no HTTP, no concurrency) and the list query's execution
    time on the first page and on a deep cursor page, for both partners."""
    import re

    from django.db import connection
    from django.test import Client as TestClient
    from django.test.utils import CaptureQueriesContext

    print()
    print(
        "One client, in-process: request time (median of up to 15)"
        " and list query execution (EXPLAIN ANALYZE, median of 3)"
    )
    print(f"  {'partner':<8}{'page':>14}{'request ms':>12}{'SQL ms':>9}{'list query exec ms':>20}")
    for key in ("small", "big"):
        client = TestClient(HTTP_AUTHORIZATION=f"Token {info['tokens'][key]}")
        path, page = URL.format(page_size=50), 0
        targets = {0: "first", 20: "next #20"}
        while page <= max(targets) and path:
            if page in targets:
                times, sql_times = [], []
                deadline = time.monotonic() + 10  # 15 samples, fewer when each takes seconds
                while len(times) < 15 and (len(times) < 3 or time.monotonic() < deadline):
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(path)
                        times.append((time.perf_counter() - started) * 1000)
                    sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
                query = max((q["sql"] for q in captured.captured_queries if "referrals_referral" in q["sql"]), key=len)
                executions = []
                with connection.cursor() as cursor:
                    for _ in range(3):
                        cursor.execute("EXPLAIN (ANALYZE) " + query)
                        text = "\n".join(row[0] for row in cursor.fetchall())
                        executions.append(float(re.search(r"Execution Time: ([\d.]+)", text).group(1)))
                request_ms, sql_ms = statistics.median(times), statistics.median(sql_times)
                print(
                    f"  {key:<8}{targets[page]:>14}{request_ms:>12.1f}{sql_ms:>9.1f}"
                    f"{statistics.median(executions):>20.2f}"
                )
            else:
                response = client.get(path)
            data = response.json()
            path = relative(data["next"]) if data.get("next") else None
            page += 1


def explain(list_query: str) -> None:
    from django.db import connection

    print()
    print("EXPLAIN (ANALYZE, BUFFERS) of the list query (big partner, first page of 50):")
    print("  " + list_query)
    with connection.cursor() as cursor:
        for _ in range(2):  # the second run is the warm one
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + list_query)
            plan = [row[0] for row in cursor.fetchall()]
    for line in plan:
        print("  " + line)


# --- Main ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--follow", type=int, default=3, help="next cursors followed after each first page")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="paced: total requests/s spread over the clients (default: closed loop)"
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--seed-only", action="store_true")
    parser.add_argument("--no-load", action="store_true", help="only the query counts and the plan")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 0 < args.duration <= 600 and 1 <= args.workers <= 16 and args.rate >= 0):
        sys.exit("--clients 1..200, --duration up to 600 s, --workers 1..16, --rate >= 0")
    if not os.environ.get("REDIS_URL"):
        log("REDIS_URL is not set: the server runs with the in-memory channel layer")

    url, info = prepare_database(args.reseed)
    if args.seed_only:
        return
    list_query = query_counts(info)
    list_timings(info)
    explain(list_query)
    if args.no_load:
        return

    port = free_port()
    process = start_gunicorn(url, port, args.workers, args.worker_class, args.threads)
    try:
        probe = Client(port, info["tokens"]["big"])
        status, body = probe.get(URL.format(page_size=args.page_size))
        probe.conn.close()
        if status != 200:
            sys.exit(f"the inbox answered {status}: {body[:300]!r}")
        # The reference: the same clients, closed loop or paced alike, on /healthz of the same
        # server (one SELECT 1): what this machine gives a bare request right now.
        log(f"reference: {args.clients} clients on /healthz for 5 s; {load_average()}")
        calibration = run_load(
            port, "", clients=args.clients, duration=5, warmup=1, follow=0, first_page="/healthz", rate=args.rate
        )[0]

        def cpu():
            return cpu_snapshot(process.pid, urllib.parse.urlsplit(url).path.lstrip("/"))

        log(f"load: {args.clients} clients, {args.warmup:.0f} s warm-up then {args.duration:.0f} s; {load_average()}")
        latencies, by_page, errors, cpu_used = run_load(
            port,
            info["tokens"]["big"],
            clients=args.clients,
            duration=args.duration,
            warmup=args.warmup,
            follow=args.follow,
            first_page=URL.format(page_size=args.page_size),
            cpu=cpu,
            rate=args.rate,
        )
    finally:
        stop_gunicorn(process)
    print()
    print(
        f"Reference, /healthz with the same {args.clients} clients: {len(calibration) / 5:.0f} req/s,"
        f" p50 {percentile(calibration, 0.5) * 1000:.1f} ms, p95 {percentile(calibration, 0.95) * 1000:.1f} ms"
    )
    mode = f"paced at {args.rate:g} req/s" if args.rate else "closed loop, no think time"
    figures = print_load(latencies, by_page, errors, args.duration, f"{args.clients} clients ({mode})")
    print_cpu(cpu_used, len(latencies))
    print(f"  server: gunicorn {args.worker_class} x{args.workers}; after the run: {load_average()}")
    bare = f"bare request /healthz, same server and {args.clients} clients"
    print_references(
        [
            ("inbox p50", figures["p50"], bare, percentile(calibration, 0.5) * 1000),
            ("inbox p95", figures["p95"], bare, percentile(calibration, 0.95) * 1000),
            ("inbox req/s", figures["rps"], bare, len(calibration) / 5, ""),
        ]
    )


if __name__ == "__main__":
    main()
