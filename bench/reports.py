"""Benchmark: the reports dashboard at 1,000,000 interventions (issue 6).

    flock /tmp/passerelle-bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle_bench_reports \
      .venv/bin/python bench/reports.py [--reseed] [--repeat 30] [--custom-repeat 8]

1. Creates and migrates the database named in DATABASE_URL if it is missing (never ``passerelle``,
   ``postgres``, ``template*`` or a ``test*`` database) and seeds it once, in SQL
   (``INSERT … SELECT generate_series``, with a progress line per table): one hub, a city, 8
   partners and a housing provider; 100,000 people, 1,000,000 interventions (1,100,000 person
   links) over two years, 100,000+ claim milestones, 200,000 needs, 200,000 referrals, 18 sites
   with 720 beds and two years of stays (~37,000), 10,000 holds, 5,000 unmet housing requests.
   ``--reseed`` drops the database and builds it again.
2. Runs the rollup job as the worker does: a full rebuild (every month and fiscal year, with the
   nightly occupancy and the suppression of each fiscal year), then an incremental refresh with
   nothing new (the current month and fiscal year: what every two-minute run at least does).
3. In-process (Django test client, no HTTP server), as the hub's coordinator and as a city
   liaison, times every dashboard endpoint for the current fiscal year (``--repeat`` times each):
   the five sections, the time series, the live counters, the occupancy now; then, as the
   coordinator, the five sections for a one-year custom range (computed from the domain tables,
   ``--custom-repeat`` times each). Prints p50/p95 per endpoint and the load average.
4. The references, in the same run and process: plain SQL counts over the same rows (the hub's
   interventions of the period, and the distinct people of those interventions), timed as many
   times as the endpoints. The endpoints do more (every breakdown, the comparison with the
   period before, suppression), so the ratio says what the dashboard costs over one count; for
   the stored figures of a preset period it is below 1. The last lines print the interventions
   and people sections' p50, fiscal year and custom range, against those counts.

Figures are from one run on a shared two-core machine.
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    database_create,
    database_exists,
    database_settings,
    django_setup_in_process,
    log,
    print_references,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench_reports"
SEED_VERSION = 1

PEOPLE = 100_000
INTERVENTIONS = 1_000_000
NEEDS = 200_000
REFERRALS = 200_000
SITES = 18  # six of each kind
BEDS_PER_SITE = 40
STAY_SLOTS = 52  # one stay per bed every 14 days: two years
HOLDS = 10_000
UNMET = 5_000
DAYS = 730


def seeded(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass('bench_reports_seed')").fetchone()[0]:
            return False
        return (
            conn.execute("SELECT 1 FROM bench_reports_seed WHERE version = %s", [SEED_VERSION]).fetchone() is not None
        )


def seed_organisations() -> dict:
    """Organisations, role groups and members through the services (a dozen rows)."""
    from organisations import services
    from organisations.choices import OrganisationKind, Role
    from organisations.models import User

    def organisation(name, slug, kind):
        return services.organisation_create(actor=None, name=name, slug=slug, kind=kind)

    def member(org, role):
        user = User.objects.create_user(f"{role}@{org.slug}.bench.example.org", None, full_name=f"{role} {org.name}")
        services.membership_grant(actor=None, organisation=org, user=user, role=role)
        return user.pk

    hub = organisation("Bench hub", "bench-hub", OrganisationKind.HUB)
    city = organisation("Bench city", "bench-city", OrganisationKind.CITY)
    provider = organisation("Bench housing", "bench-housing", OrganisationKind.HOUSING_PROVIDER)
    kinds = [
        OrganisationKind.EMPLOYMENT,
        OrganisationKind.HEALTH,
        OrganisationKind.LEGAL_AID,
        OrganisationKind.FOOD_AID,
        OrganisationKind.FRANCISATION,
        OrganisationKind.EDUCATION,
        OrganisationKind.COMMUNITY,
        OrganisationKind.HOUSING_PROVIDER,
    ]
    partners = [organisation(f"Bench partner {i}", f"bench-partner-{i}", kind).pk for i, kind in enumerate(kinds)]
    return {
        "hub": hub.pk,
        "provider": provider.pk,
        "partners": partners,
        "worker": member(hub, Role.WORKER),
        "coordinator": member(hub, Role.COORDINATOR),
        "liaison": member(city, Role.LIAISON),
    }


def seed_bulk(url: str, orgs: dict) -> None:
    """Everything else in set-based statements, with a progress line per table."""
    start = date.today() - timedelta(days=DAYS)
    params = {
        "hub": orgs["hub"],
        "provider": orgs["provider"],
        "worker": orgs["worker"],
        "start": start,
        "people": PEOPLE,
        "partners": orgs["partners"],
    }
    categories = (
        "ARRAY['housing_emergency','housing_short_term','housing_long_term','food','income_support',"
        "'legal_immigration','documents_admin','health_physical','health_mental','employment','francisation',"
        "'education_children','childcare','interpretation','material_aid','transport','safety_violence',"
        "'sogi_support','social_integration','digital_access','other']"
    )
    statements = [
        (
            f"{PEOPLE:,} people",
            f"""INSERT INTO people_person (id, owner_id, given_names, family_names, name_key, date_of_birth,
                date_of_birth_is_approximate, gender_identity, gender_self_described, trans_experience,
                preferred_language, other_languages, french_level, interpreter_needed, needs_wheelchair_access,
                phone, phone_digits, email, address, sound_key,
                first_intake_date, intake_channel, claim_pathway, household_relationship, notes, created_by_id,
                created_at, updated_at)
            SELECT p, %(hub)s, 'P' || p, 'Bench', 'p' || p || ' bench', DATE '1960-01-01' + (p * 37 % 20000), false,
                CASE WHEN p % 100 < 47 THEN 'woman' WHEN p % 100 < 96 THEN 'man' WHEN p % 100 = 96 THEN 'non_binary'
                     WHEN p % 100 = 97 THEN 'self_described' WHEN p % 100 = 98 THEN 'prefer_not_to_say'
                     ELSE 'not_asked' END, '',
                CASE WHEN p % 50 = 0 THEN 'yes' WHEN p % 7 = 0 THEN 'not_asked' ELSE 'no' END,
                CASE WHEN p % 10 < 9 THEN 'es' ELSE (ARRAY['fr','ar','pt','ht','fa'])[p % 5 + 1] END,
                '[]'::jsonb, '', false, false, '', '', '', '', 'p' || p || ' bench', %(start)s::date + (p * 7 % {DAYS}),
                (ARRAY['walk_in','phone','email_web','text_messaging','partner_referral','outreach_field_agent',
                       'government_transfer','other'])[p % 8 + 1],
                (ARRAY['port_of_entry_air','port_of_entry_land','inland_online_portal','inland_office_in_person',
                       'inland_after_arrest','not_yet_claimed','unknown','irregular_crossing_intercepted',
                       'port_of_entry_sea','inland_email_2020_2021'])[p % 10 + 1],
                '', '', %(worker)s, now() - interval '3 days', now() - interval '3 days'
            FROM generate_series(1, {PEOPLE}) AS p""",
        ),
        (
            f"{INTERVENTIONS:,} interventions",
            f"""INSERT INTO people_intervention (id, organisation_id, occurred_on, type, mode, team, language_used,
                interpreter_used, duration_minutes, need_categories, note, recorded_by_id, created_at)
            SELECT i, %(hub)s, %(start)s::date + (i::bigint * 7919 % ({DAYS} + 1))::int,
                (ARRAY['intake_welcome','needs_assessment','information_orientation','referral','accompaniment',
                       'follow_up','crisis_survival_support','housing_search_support','administrative_assistance',
                       'interpretation','partner_liaison','case_conference','group_info_session','outreach_visit',
                       'other'])[i % 15 + 1],
                (ARRAY['in_person','phone','video','messaging'])[i % 4 + 1],
                (ARRAY['welcome_team','intercultural_field_agent','volunteer','interpreter','coordinator'])[i % 5 + 1],
                'es', (ARRAY['none','professional','volunteer','family'])[i % 4 + 1], 30,
                jsonb_build_array(({categories})[i % 21 + 1]), '', %(worker)s, now() - interval '3 days'
            FROM generate_series(1, {INTERVENTIONS}) AS i""",
        ),
        (
            "intervention people (one each, a second one for every tenth)",
            f"""INSERT INTO people_intervention_people (intervention_id, person_id)
            SELECT i, (i::bigint * 104729 % %(people)s) + 1 FROM generate_series(1, {INTERVENTIONS}) AS i
            UNION ALL
            SELECT i, ((i::bigint * 104729 + 1) % %(people)s) + 1 FROM generate_series(10, {INTERVENTIONS}, 10) AS i""",
        ),
        (
            "claim milestones",
            f"""INSERT INTO people_milestone (person_id, kind, occurred_on, note, recorded_by_id)
            SELECT p, 'claim_made', %(start)s::date + (p * 7 % {DAYS}), '', %(worker)s
                FROM generate_series(1, {PEOPLE}) p
            UNION ALL SELECT p, 'referred_to_irb', %(start)s::date + (p * 7 % {DAYS}) + 20, '', %(worker)s
                FROM generate_series(3, {PEOPLE}, 3) p
            UNION ALL SELECT p, 'decision_accepted', %(start)s::date + (p * 7 % {DAYS}) + 200, '', %(worker)s
                FROM generate_series(11, {PEOPLE}, 11) p
            UNION ALL SELECT p, 'decision_refused', %(start)s::date + (p * 7 % {DAYS}) + 200, '', %(worker)s
                FROM generate_series(13, {PEOPLE}, 13) p""",
        ),
        (
            f"{NEEDS:,} needs",
            f"""INSERT INTO people_need (person_id, category, urgency, status, note, identified_on, recorded_by_id)
            SELECT (n * 31 % %(people)s) + 1, ({categories})[n % 21 + 1], 'days',
                (ARRAY['unmet_no_resource','unmet_no_resource','met','met','met','met','in_progress','in_progress',
                       'identified','withdrawn'])[n % 10 + 1], '', %(start)s::date + (n * 13 % {DAYS}), %(worker)s
            FROM generate_series(1, {NEEDS}) AS n""",
        ),
        (
            "one consent for the referrals to point at",
            """INSERT INTO people_consent (person_id, recipient_id, purposes, data_groups, express, method, language,
                interpreter_assisted, given_by, given_by_name, valid_from, valid_until, recorded_by_id, created_at,
                withdrawal_language, withdrawal_method)
            VALUES (1, (%(partners)s)[1], '["food"]', '["identity"]', false, 'signed', 'es', false, 'person', '',
                %(start)s, %(start)s::date + 1000, %(worker)s, now(), '', '')""",
        ),
        (
            f"{REFERRALS:,} referrals",
            f"""INSERT INTO referrals_referral (id, sender_id, recipient_id, person_id, for_household, need_category,
                urgency, reason, shared_groups, consent_id, respond_by, status, decline_reason, decline_side, outcome,
                version, created_by_id, created_at, updated_at, sent_at, first_response_at, accepted_at)
            SELECT n, %(hub)s, (%(partners)s)[n % 8 + 1], (n * 17 % %(people)s) + 1, false,
                ({categories})[n % 21 + 1], 'days', '', '["identity"]', (SELECT min(id) FROM people_consent),
                s.sent + interval '3 days', s.status,
                CASE WHEN s.status = 'declined' THEN
                    (ARRAY['no_capacity','not_eligible','person_unreachable','person_declined','other'])[n % 5 + 1]
                    ELSE '' END,
                CASE WHEN s.status = 'declined' THEN
                    (ARRAY['provider','provider','person','person','other'])[n % 5 + 1]
                    ELSE '' END,
                '', 2, %(worker)s, s.sent, s.sent + interval '1 day', s.sent,
                CASE WHEN s.status IN ('sent','expired','cancelled') THEN NULL
                     ELSE s.sent + (n % 72 + 1) * interval '1 hour' END,
                CASE WHEN s.status IN ('accepted','in_progress','completed')
                     THEN s.sent + (n % 96 + 2) * interval '1 hour' END
            FROM (
                SELECT n, %(start)s::timestamptz + (n * 7919 % {DAYS}) * interval '1 day' + (n % 24) * interval '1 hour'
                    AS sent,
                    (ARRAY['sent','sent','accepted','accepted','accepted','in_progress','in_progress','completed',
                           'completed','completed','completed','completed','completed','declined','declined',
                           'declined','declined','expired','expired','cancelled'])[n % 20 + 1] AS status
                FROM generate_series(1, {REFERRALS}) AS n
            ) AS s""",
        ),
        (
            f"{SITES} sites, their rooms and {SITES * BEDS_PER_SITE} beds",
            f"""WITH sites AS (
                INSERT INTO housing_site (provider_id, name, description, address, kind, women_only, men_only, families,
                    minors_accompanied, pets, wheelchair_access, max_stay_days, staff_languages, meals, check_in_hours,
                    hold_grace, hold_horizon, is_active)
                SELECT %(provider)s, 'Site ' || s, '', s || ' rue Bench',
                    (ARRAY['emergency','short_term','transitional'])[s % 3 + 1],
                    false, false, true, false, false, false, 30, '["es","fr"]', '', '', interval '2 hours',
                    interval '24 hours', true
                FROM generate_series(1, {SITES}) AS s RETURNING id
            ), rooms AS (
                INSERT INTO housing_room (site_id, name, kind)
                SELECT sites.id, 'Room ' || r, 'shared_room' FROM sites, generate_series(1, {BEDS_PER_SITE // 10}) AS r
                RETURNING id, site_id
            )
            INSERT INTO housing_bed (site_id, room_id, label, is_active)
            SELECT rooms.site_id, rooms.id, 'Bed ' || b, true FROM rooms, generate_series(1, 10) AS b""",
        ),
        (
            "two years of stays (one per bed every 14 days)",
            f"""INSERT INTO housing_stay (id, site_id, organisation_id, person_id, checked_in_at, planned_end_at,
                extended_times, checked_out_at, exit_destination, status, recorded_by_id)
            SELECT (bed.id - 1) * {STAY_SLOTS} + k + 1, bed.site_id, %(hub)s,
                ((bed.id * 61 + k * 7919) % %(people)s) + 1, slot.checked_in, slot.checked_in + interval '13 days', 0,
                CASE WHEN slot.checked_out < now() THEN slot.checked_out END,
                CASE WHEN slot.checked_out < now() THEN
                    (ARRAY['permanent_housing','other_shelter','family_friends','hospital','left_the_region',
                           'unknown','other'])[(bed.id + k) % 7 + 1] ELSE '' END,
                CASE WHEN slot.checked_out < now() THEN 'checked_out' ELSE 'active' END, %(worker)s
            FROM housing_bed AS bed CROSS JOIN generate_series(0, {STAY_SLOTS - 1}) AS k
            CROSS JOIN LATERAL (
                SELECT %(start)s::timestamptz + (k * 14 + bed.id % 4) * interval '1 day' + interval '18 hours'
                    AS checked_in,
                    %(start)s::timestamptz + (k * 14 + bed.id % 4 + 5 + (bed.id + k) % 9) * interval '1 day'
                    + interval '18 hours' AS checked_out
            ) AS slot
            WHERE slot.checked_in < now()""",
        ),
        (
            "their bed allocations",
            f"""INSERT INTO housing_bedallocation (bed_id, kind, starts_at, ends_at, is_active, stay_id, reason)
            SELECT (stay.id - 1) / {STAY_SLOTS} + 1, 'stay', stay.checked_in_at,
                coalesce(stay.checked_out_at, stay.planned_end_at), true, stay.id, ''
            FROM housing_stay AS stay""",
        ),
        (
            f"{HOLDS:,} holds",
            f"""INSERT INTO housing_hold (site_id, organisation_id, person_id, held_by_id, created_at, expires_at,
                in_transit, status, ended_at, code, override_reason)
            SELECT (SELECT min(id) FROM housing_site) + n % {SITES}, %(hub)s, (n * 13 % %(people)s) + 1, %(worker)s,
                %(start)s::timestamptz + n * interval '{DAYS * 86400 // HOLDS} seconds',
                %(start)s::timestamptz + n * interval '{DAYS * 86400 // HOLDS} seconds' + interval '4 hours', false,
                'expired', %(start)s::timestamptz + n * interval '{DAYS * 86400 // HOLDS} seconds' + interval '4 hours',
                'B' || n, ''
            FROM generate_series(1, {HOLDS}) AS n""",
        ),
        (
            f"{UNMET:,} unmet housing requests",
            f"""INSERT INTO housing_unmethousingrequest (organisation_id, recorded_at, household_size, need_categories,
                reason, languages, recorded_by_id)
            SELECT %(hub)s, %(start)s::timestamptz + n * interval '{DAYS * 86400 // UNMET} seconds', 1 + n % 6, '[]',
                (ARRAY['no_bed','no_family_room','eligibility','accessibility','other'])[n % 5 + 1], '["es"]',
                %(worker)s
            FROM generate_series(1, {UNMET}) AS n""",
        ),
    ]
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET work_mem = '256MB'")
        # Rows are consistent by construction: skip the per-row foreign-key triggers for this session.
        conn.execute("SET session_replication_role = replica")
        for label, statement in statements:
            began = time.monotonic()
            # With parameters, a literal % (the modulo operator) is written %%.
            rows = conn.execute(re.sub(r"%(?!\()", "%%", statement), params).rowcount
            log(f"seeded {label}: {rows:,} rows in {time.monotonic() - began:.1f} s")
        for table in ("people_person", "people_intervention", "referrals_referral", "housing_stay"):
            conn.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({t}, 'id'), (SELECT max(id) FROM {i}))").format(
                    t=sql.Literal(table), i=sql.Identifier(table)
                )
            )
        conn.execute("CREATE TABLE bench_reports_seed (version int PRIMARY KEY)")
        conn.execute("INSERT INTO bench_reports_seed VALUES (%s)", [SEED_VERSION])
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        began = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        log(f"vacuum analyze in {time.monotonic() - began:.1f} s")


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={len(ordered)})"


def time_endpoint(client, url: str, query: dict, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url, query)
        samples.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"{url} {query}: {response.status_code} {response.content[:300]!r}")
    return samples


def direct_count(statement: str, params: list, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` runs of a plain SQL count, on Django's connection."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            began = time.perf_counter()
            cursor.execute(statement, params)
            cursor.fetchone()
            samples.append(time.perf_counter() - began)
    return samples


INTERVENTIONS_COUNT = (
    "SELECT count(*) FROM people_intervention WHERE organisation_id = %s AND occurred_on BETWEEN %s AND %s"
)
PEOPLE_COUNT = (
    "SELECT count(DISTINCT link.person_id) FROM people_intervention_people AS link "
    "JOIN people_intervention AS i ON i.id = link.intervention_id "
    "WHERE i.organisation_id = %s AND i.occurred_on BETWEEN %s AND %s"
)


def measure(orgs: dict, repeat: int, custom_repeat: int) -> None:
    from django.utils import timezone
    from rest_framework.test import APIClient

    from organisations.models import Organisation, User
    from reports import services
    from reports.catalogue import SECTIONS
    from reports.periods import custom_period, fiscal_year_of

    began = time.monotonic()
    periods = services.rollups_refresh(full=True)
    log(f"full rebuild of the stored figures: {periods} periods in {time.monotonic() - began:.1f} s")
    began = time.monotonic()
    periods = services.rollups_refresh()
    log(
        f"incremental refresh with nothing new ({periods} periods: this month and fiscal year) in "
        f"{time.monotonic() - began:.1f} s — runs every 2 min, so figures are at most 2 min + this stale"
    )
    # The hour's snapshot of the figures of the moment, as the live counters' job keeps it.
    services.now_snapshot_store()
    fiscal_year = fiscal_year_of(timezone.localdate())
    year = fiscal_year.query()
    today = timezone.localdate()
    custom_range = custom_period(today - timedelta(days=364), today)
    custom = custom_range.query()
    p50 = {}  # (role, section, "year" or "custom") -> seconds
    print(f"\nload average before measuring: {os.getloadavg()}")
    for role in ("coordinator", "liaison"):
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=orgs[role]))
        print(f"\n{role}: current fiscal year {year}")
        for section in SECTIONS:
            samples = time_endpoint(client, f"/api/v1/reports/{section}/", year, repeat)
            p50[(role, section, "year")] = statistics.median(samples)
            print(f"  /api/v1/reports/{section + '/':16} {percentiles(samples)}")
        for name in ("timeseries", "live"):
            samples = time_endpoint(client, f"/api/v1/reports/{name}/", year, repeat)
            print(f"  /api/v1/reports/{name + '/':16} {percentiles(samples)}")
        samples = time_endpoint(client, "/api/v1/housing/occupancy/", {}, repeat)
        print(f"  /api/v1/housing/occupancy/   {percentiles(samples)}")
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=orgs["coordinator"]))
    print(f"\ncoordinator: one-year custom range {custom['start']} – {custom['end']} (5 s statement timeout)")
    for section in SECTIONS:
        samples = time_endpoint(client, f"/api/v1/reports/{section}/", custom, custom_repeat)
        p50[("coordinator", section, "custom")] = statistics.median(samples)
        print(f"  /api/v1/reports/{section + '/':16} {percentiles(samples)}")
    samples = time_endpoint(client, "/api/v1/reports/timeseries/", custom, repeat)
    print(f"  /api/v1/reports/{'timeseries/':16} {percentiles(samples)}")
    hub = Organisation.objects.get(slug="bench-hub").pk
    print("\nreferences: plain SQL counts over the same rows (the hub's interventions of the period)")
    lines = []
    for kind, period, count in (("year", fiscal_year, repeat), ("custom", custom_range, custom_repeat)):
        for section, statement, what in (
            ("interventions", INTERVENTIONS_COUNT, "count(*) of its interventions"),
            ("people", PEOPLE_COUNT, "count(DISTINCT person) of its interventions"),
        ):
            samples = direct_count(statement, [hub, period.start, period.end], count)
            print(f"  {section}, {kind}: {what:44} {percentiles(samples)}")
            label = "fiscal year (stored)" if kind == "year" else "one-year custom range"
            lines.append(
                (
                    f"coordinator, {section} section, {label}, p50",
                    p50[("coordinator", section, kind)] * 1000,
                    f"plain SQL {what}, same rows",
                    statistics.median(samples) * 1000,
                )
            )
    print(f"\nload average after measuring: {os.getloadavg()}")
    print_references(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reseed", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--repeat", type=int, default=30, help="requests per preset endpoint")
    parser.add_argument("--custom-repeat", type=int, default=8, help="requests per custom-range section")
    args = parser.parse_args()
    url, name, maintenance = database_settings(DEFAULT_DATABASE_URL)
    print(f"load average at start: {os.getloadavg()}")
    fresh = args.reseed or not database_exists(maintenance, name)
    if fresh:
        database_create(maintenance, name, drop_first=args.reseed)
    # The full rebuild counts whole fiscal years in single statements.
    django_setup_in_process(url, statement_timeout_ms="300000")
    from django.core.management import call_command

    from organisations.models import User

    if fresh or not seeded(url):
        log("migrating")
        call_command("migrate", verbosity=0, interactive=False)
        began = time.monotonic()
        orgs = seed_organisations()
        seed_bulk(url, orgs)
        log(f"seeding done in {time.monotonic() - began:.1f} s")
    else:
        # A seeded database from an earlier run: apply any newer migration (reports' tables).
        call_command("migrate", verbosity=0, interactive=False)

    def user_pk(email_start):
        return User.objects.filter(email__startswith=email_start).values_list("pk", flat=True).get()

    orgs = {
        "coordinator": user_pk("coordinator@bench-hub."),
        "liaison": user_pk("liaison@bench-city."),
    }
    measure(orgs, args.repeat, args.custom_repeat)


if __name__ == "__main__":
    main()
