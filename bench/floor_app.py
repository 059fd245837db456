"""The floor of ``hold_contention.py``: a hold taken with psycopg and no Django.

A minimal WSGI application, served by the same gunicorn as the API (same workers, same worker
class) on the bench database, that does only what no implementation of a hold can skip, on the
same tables and under the same constraints:

1. the API token: one query by its digest (knox's SHA-512 of the token), as the API's
   authentication must;
2. the occupant's organisation (the hold is made for the owner of the person's or household's
   file), one query;
3. in one transaction: the asked beds (``beds``, or every bed of the family unit ``room``) of the
   site locked ``FOR UPDATE``, their active allocations overlapping the hold's period read, then
   either a rollback and a 409 ``beds_taken`` naming the taken beds, or the hold and its
   allocations inserted and committed, and a 201.

No rights, no site rules, no arrival window beyond the site's grace, no lock-free shortcut, no
audit entry, no availability publish, no read-back of the hold: the difference between this and
the API is what those and Django, DRF and the ORM cost. It answers only ``POST
/api/v1/housing/holds/`` (with the API's body) and ``GET /healthz``; it is never deployed.

Run by ``hold_contention.py`` as ``gunicorn bench.floor_app:application`` with DATABASE_URL set.
"""

import hashlib
import json
import os
import secrets
from datetime import datetime, timedelta

import psycopg

_connection = None  # one connection per gunicorn worker process, opened on its first request


def _conn() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        # Autocommit: the two reads before the transaction need none, as in the API.
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _connection


def _answer(start_response, status: str, payload: dict) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class _Refused(Exception):
    """Beds taken: leaving the transaction block with it rolls the transaction back."""

    def __init__(self, beds: list[int]):
        super().__init__(beds)
        self.beds = beds


def _hold(conn: psycopg.Connection, environ, data: dict) -> tuple[str, dict]:
    """Authenticate, then lock, check and insert; (HTTP status, answer)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    token = header[len("Token ") :] if header.startswith("Token ") else ""
    digest = hashlib.sha512(token.encode()).hexdigest()
    row = conn.execute(
        "SELECT user_id FROM accounts_apitoken WHERE digest = %s AND (expiry IS NULL OR expiry > now())", [digest]
    ).fetchone()
    if row is None:
        return "401 Unauthorized", {"code": "not_authenticated"}
    user_id = row[0]
    household_id, person_id = data.get("household"), data.get("person")
    table = "people_household" if household_id is not None else "people_person"
    row = conn.execute(f"SELECT owner_id FROM {table} WHERE id = %s", [household_id or person_id]).fetchone()
    if row is None:
        return "404 Not Found", {"code": "not_found"}
    organisation_id = row[0]
    arrival = datetime.fromisoformat(data["expected_arrival_at"])
    with conn.transaction():
        if data.get("room") is not None:
            beds = conn.execute(
                "SELECT b.id, s.hold_grace FROM housing_bed b JOIN housing_site s ON s.id = b.site_id "
                "WHERE b.room_id = %s AND b.site_id = %s AND b.is_active ORDER BY b.id FOR UPDATE OF b",
                [data["room"], data["site"]],
            ).fetchall()
        else:
            beds = conn.execute(
                "SELECT b.id, s.hold_grace FROM housing_bed b JOIN housing_site s ON s.id = b.site_id "
                "WHERE b.id = ANY(%s) AND b.site_id = %s AND b.is_active ORDER BY b.id FOR UPDATE OF b",
                [data.get("beds") or [], data["site"]],
            ).fetchall()
        if not beds:
            return "400 Bad Request", {"code": "invalid_beds"}
        bed_ids = [bed[0] for bed in beds]
        now = conn.execute("SELECT now()").fetchone()[0]
        expires_at = max(arrival, now) + (beds[0][1] or timedelta(hours=2))
        taken = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT bed_id FROM housing_bedallocation WHERE bed_id = ANY(%s) AND is_active "
                "AND starts_at < %s AND (ends_at IS NULL OR ends_at > %s) ORDER BY bed_id",
                [bed_ids, expires_at, now],
            )
        ]
        if taken:
            raise _Refused(taken)
        hold_id = conn.execute(
            "INSERT INTO housing_hold (site_id, organisation_id, household_id, person_id, held_by_id, created_at, "
            "expires_at, in_transit, expected_arrival_at, code, override_reason, status) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, false, %s, %s, '', 'active') RETURNING id",
            [
                data["site"],
                organisation_id,
                household_id,
                person_id,
                user_id,
                now,
                expires_at,
                arrival,
                f"F-{secrets.randbelow(9000) + 1000}",
            ],
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO housing_bedallocation (bed_id, kind, starts_at, ends_at, is_active, hold_id, reason) "
            "SELECT bed, 'hold', %s, %s, true, %s, '' FROM unnest(%s::bigint[]) AS bed",
            [now, expires_at, hold_id, bed_ids],
        )
    return "201 Created", {"id": hold_id, "beds": bed_ids}


def application(environ, start_response):
    """``GET /healthz`` and ``POST /api/v1/housing/holds/``; anything else is a 404."""
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    if path == "/healthz":
        return _answer(start_response, "200 OK", {"status": "ok"})
    if path != "/api/v1/housing/holds/" or method != "POST":
        return _answer(start_response, "404 Not Found", {"code": "not_found"})
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length) or b"{}")
    conn = _conn()
    try:
        status, payload = _hold(conn, environ, data)
    except _Refused as refused:
        status, payload = "409 Conflict", {"code": "beds_taken", "beds": refused.beds}
    except psycopg.errors.ExclusionViolation:
        # The exclusion constraints saw what the check could not (the same people held meanwhile).
        status, payload = "409 Conflict", {"code": "already_held"}
    return _answer(start_response, status, payload)
