"""Where a refused hold's time goes, in-process: queries and CPU per refusal, and cProfile's
cumulative time in the parts of the request (authentication, the serializer, the rights, the beds
check, the 409's rendering, the ORM's compiling, waiting on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle REDIS_URL=redis://127.0.0.1:6379/0 \\
      .venv/bin/python bench/hold_refusal_cost.py [--database passerelle_bench_holds] [--refusals 300]

Uses ``hold_contention.py``'s database and world (run that first, or this seeds it). Through
Django's test client with each worker's API token, so the middleware, DRF and the exception
handler all run, but no gunicorn and no HTTP parsing. Two kinds of refusal: a person asking for a
bed already held (the "1 bed" case), a household asking for a family unit already held (the
"families" case). One process, one refusal after the other: no contention.

The reference, in the same run and process: the same refusals answered by ``floor_app.py`` (the
floor of ``hold_contention.py``: token, occupant, then the beds locked and checked, with psycopg
and no Django), called as a WSGI application without a server. The last lines print the API's
CPU per refusal against the floor's, and the ratio (issue 14's goal is on the p99 under
contention, ``hold_contention.py``; this is the cost of one refusal alone).
"""

import argparse
import cProfile
import io
import json
import logging
import os
import pstats
import sys
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import floor_app  # noqa: E402
from bench.hold_contention import BENCH_DATABASE, HOUSEHOLDS, prepare, release_holds, reset, seed  # noqa: E402
from bench.support import (  # noqa: E402
    database_urls,
    django_setup_in_process,
    ensure_database,
    log,
    print_references,
)

# (label, function's file ending, function name): cumulative time of each, per refusal.
PARTS = [
    ("middleware and view", "django/core/handlers/base.py", "get_response"),
    ("DRF: authentication", "rest_framework/request.py", "_authenticate"),
    ("DRF: view's initial (auth, permissions, throttles)", "rest_framework/views.py", "initial"),
    ("serializer is_valid", "rest_framework/serializers.py", "is_valid"),
    ("hold_request (the service the API calls)", "housing/services.py", "hold_request"),
    ("  early refusal (two statements)", "housing/early_refusal.py", "unavailable"),
    ("    site, occupant and rights (first statement)", "housing/early_refusal.py", "_occupant_row"),
    ("    beds and people (second statement)", "housing/early_refusal.py", "_beds_rows"),
    ("  beds_for_household (families, when not refused early)", "housing/services.py", "beds_for_household"),
    ("  hold_create (when not refused early)", "housing/services.py", "hold_create"),
    ("    rights (_require_hold_rights)", "housing/services.py", "_require_hold_rights"),
    ("    beds check (_check_beds_free)", "housing/services.py", "_check_beds_free"),
    ("DRF: handle_exception (409 built)", "rest_framework/views.py", "handle_exception"),
    ("DRF: finalize_response", "rest_framework/views.py", "finalize_response"),
    ("response rendering", "django/template/response.py", "render"),
    ("ORM: compiling SQL (as_sql)", "django/db/models/sql/compiler.py", "as_sql"),
    ("psycopg: execute (waiting on PostgreSQL)", "psycopg/cursor.py", "execute"),
]


def refusals(client_for, requests, count: int) -> list[tuple[int, str]]:
    """POST ``count`` refused holds, cycling over ``requests``; returns (status, code) of each."""
    answers = []
    for index in range(count):
        token, body = requests[index % len(requests)]
        response = client_for(token).post(
            "/api/v1/housing/holds/", data=json.dumps(body), content_type="application/json"
        )
        answers.append((response.status_code, response.json().get("code", "")))
    return answers


def floor_refusals(requests, count: int) -> list[tuple[int, str]]:
    """The same refused holds answered by the floor's WSGI application, called in this process."""
    answers = []
    for index in range(count):
        token, body = requests[index % len(requests)]
        data = json.dumps(body).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/api/v1/housing/holds/",
            "CONTENT_LENGTH": str(len(data)),
            "CONTENT_TYPE": "application/json",
            "HTTP_AUTHORIZATION": f"Token {token}",
            "wsgi.input": io.BytesIO(data),
        }
        setup_testing_defaults(environ)
        started: list[str] = []
        payload = b"".join(floor_app.application(environ, lambda line, _headers, seen=started: seen.append(line)))
        answers.append((int(started[0].split()[0]), json.loads(payload).get("code", "")))
    return answers


def measure_floor(requests, count: int) -> float:
    """CPU per refusal of the floor, in ms (after a warm-up that opens its connection)."""
    floor_refusals(requests, min(count, 50))
    cpu_started = time.process_time()
    answers = floor_refusals(requests, count)
    cpu = (time.process_time() - cpu_started) * 1000 / count
    print(f"  reference, floor_app.py in-process: answers {sorted(set(answers))}, {cpu:.2f} ms CPU per refusal")
    return cpu


def measure(name: str, requests, count: int) -> float:
    from django.db import connection
    from django.test import Client

    clients = {}

    def client_for(token):
        if token not in clients:
            clients[token] = Client(HTTP_AUTHORIZATION=f"Token {token}")
        return clients[token]

    refusals(client_for, requests, min(count, 50))  # warm-up: imports, caches, connections
    # Counted by an execute wrapper: Django empties connection.queries at each request's start.
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        answers = refusals(client_for, requests, 20)
    per_refusal = len(statements) / 20
    started, cpu_started = time.perf_counter(), time.process_time()
    answers += refusals(client_for, requests, count)
    wall = (time.perf_counter() - started) * 1000 / count
    cpu = (time.process_time() - cpu_started) * 1000 / count
    profile = cProfile.Profile()
    profile.enable()
    answers += refusals(client_for, requests, count)
    profile.disable()
    statuses = sorted(set(answers))
    print(f"\n{name}: {count} refusals, answers {statuses}")
    print(f"  {per_refusal:.1f} queries per refusal; {wall:.2f} ms wall, {cpu:.2f} ms CPU per refusal (no profiler)")
    print("  queries of one refusal:")
    for sql in statements[-round(per_refusal) :]:
        print(f"    {sql[:200]}")
    stats = pstats.Stats(profile).stats
    total = sum(entry[2] for entry in stats.values()) * 1000 / count  # every function's own time
    print(f"  under cProfile (which slows it), {total:.2f} ms per refusal; cumulative time in each part:")
    for label, file_end, function in PARTS:
        seconds = sum(
            entry[3]
            for (filename, _line, func), entry in stats.items()
            if func == function and filename.endswith(file_end)
        )
        ms = seconds * 1000 / count
        print(f"    {label:<52} {ms:7.2f} ms  {ms / total * 100:5.1f} %")
    return cpu


def main(args) -> None:
    database_url, maintenance_url = database_urls(args.database)
    os.environ["WORKER_IN_PROCESS"] = "false"  # as under gunicorn in the contention bench
    django_setup_in_process(database_url, statement_timeout_ms="10000")
    # Django's "Conflict" warning for each 409 would bury the figures (gunicorn writes it to its log).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    ensure_database(database_url, maintenance_url)
    world = seed(HOUSEHOLDS * 4)
    floor_label = "floor_app.py in-process, same refusals"
    try:
        # One bed, held by client 0: every other client's request for it is refused.
        _site, requests = prepare(world, "1", 1)
        log("holding the bench site's last bed for client 0")
        winner = _post(*requests[0])
        assert winner == 201, winner
        api = measure("a person asking for a bed already held (1 bed)", requests[1:], args.refusals)
        lines = [("1 bed: CPU per refusal", api, floor_label, measure_floor(requests[1:], args.refusals))]
        # The three family units, held by households 0-2: every other household is refused.
        _site, requests = prepare(world, "families", 3)
        for request in requests[:3]:
            assert _post(*request) == 201
        api = measure("a household asking for a family unit already held (families)", requests[3:], args.refusals)
        lines.append(("families: CPU per refusal", api, floor_label, measure_floor(requests[3:], args.refusals)))
    finally:
        reset(world, 50)
        release_holds(world["family_site"])
    print_references(lines)


def _post(token, body) -> int:
    from django.test import Client

    return (
        Client(HTTP_AUTHORIZATION=f"Token {token}")
        .post("/api/v1/housing/holds/", data=json.dumps(body), content_type="application/json")
        .status_code
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=BENCH_DATABASE)
    parser.add_argument("--refusals", type=int, default=300)
    return parser.parse_args(argv)


if __name__ == "__main__":
    main(parse_args())
