"""Benchmark: importing 100,000 interventions from a CSV file (spreadsheet import, docs/imports.md).

    flock /tmp/passerelle-bench.lock env DATABASE_URL=postgres://postgres@127.0.0.1:5432/passerelle_bench_imports \
      .venv/bin/python bench/import_interventions.py [--rows 100000] [--people 10000] [--tracemalloc]

1. Drops and creates the database named in DATABASE_URL (never ``passerelle``, ``postgres``,
   ``template*`` or a ``test*`` database), migrates it, and makes one hub with a coordinator.
2. Imports ``--people`` people through the people import (they get the references the
   interventions name), then writes a CSV of ``--rows`` interventions (a fifth name two people,
   dates written three ways, half with two needs).
3. References, in the same run: a plain ``csv`` parse of the file, and a minimal psycopg ``COPY``
   of the same rows into the intervention and link tables (in a transaction rolled back): what
   reading and writing the rows cost with no checking at all.
4. The import as ``manage.py import_spreadsheet --commit`` runs it: the preview (every row checked
   with the services' rules), then the commit (checked again, written in batches, one
   transaction). Prints the time of each, the resident memory (VmRSS) when 10,000, 50,000 and
   100,000 rows are done, the peak (``ru_maxrss``), and, last, the ratios to the references.
   ``--tracemalloc`` also traces Python's allocations (slower: for the memory figures only).

Figures are from one run on a shared two-core machine.
"""

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.support import (  # noqa: E402
    database_create,
    database_settings,
    django_setup_in_process,
    log,
    print_references,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/passerelle_bench_imports"
SAMPLED_AT = (10_000, 50_000, 100_000)


def rss_mb() -> float:
    """The process's resident memory now, in MB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def world(people: int):
    from organisations import services
    from organisations.choices import OrganisationKind, Role
    from organisations.models import User

    hub = services.organisation_create(actor=None, name="Bench hub", slug="bench-hub", kind=OrganisationKind.HUB)
    coordinator = User.objects.create_user("coordination@bench.example", "bench-password", full_name="Coordination")
    services.membership_grant(actor=None, organisation=hub, user=coordinator, role=Role.COORDINATOR)
    start = date.today().replace(month=1, day=1) - timedelta(days=3 * 365)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["reference", "given_names", "family_names", "gender_identity", "first_intake_date"])
    for index in range(people):
        # Digits kept apart by letters: the duplicate check hears "100" as "10" (doubled sounds).
        tag = "".join(f"{digit}{letter}" for digit, letter in zip(str(index), "abcdefghij", strict=False))
        writer.writerow(
            [
                f"P-{index:06d}",
                f"Nombre{tag}",
                f"Apellido{tag}",
                ["woman", "man"][index % 2],
                (start + timedelta(days=index % 365)).isoformat(),
            ]
        )
    started = time.monotonic()
    import_file(io.BytesIO(text.getvalue().encode()), kind="people", actor=coordinator, organisation=hub)
    log(f"people import: {people:,} people in {time.monotonic() - started:.1f} s")
    return hub, coordinator, start


def write_interventions(path: Path, rows: int, people: int, start: date) -> None:
    types = ["intake_welcome", "follow_up", "accompaniment", "referral", "information_orientation"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["occurred_on", "type", "person_references", "team", "duration_minutes", "need_categories"])
        for index in range(rows):
            day = start + timedelta(days=index % 700)
            written = [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y")][index % 3]
            named = f"P-{index % people:06d}"
            if index % 5 == 0:
                named += f";P-{(index * 7 + 3) % people:06d}"
            writer.writerow(
                [
                    written,
                    types[index % 5],
                    named,
                    "welcome_team",
                    15 + index % 4 * 15,
                    "food;employment" if index % 2 else "",
                ]
            )


def reference_parse(path: Path) -> float:
    started = time.monotonic()
    with path.open(newline="", encoding="utf-8") as source:
        count = sum(1 for _row in csv.reader(source)) - 1
    assert count > 0
    return time.monotonic() - started


def reference_copy(path: Path, url: str, organisation_id: int, user_id: int) -> float:
    """The same rows COPYed into the two tables with psycopg, no checking: the floor."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(url) as conn:
        references = dict(
            conn.execute(
                "SELECT external_reference, id FROM people_person WHERE owner_id = %s", [organisation_id]
            ).fetchall()
        )
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM people_intervention").fetchone()[0]
        links = []
        with (
            conn.cursor().copy(
                "COPY people_intervention (id, organisation_id, occurred_on, type, mode, team, language_used, "
                "interpreter_used, duration_minutes, need_categories, note, recorded_by_id, created_at) FROM STDIN"
            ) as copy,
            path.open(newline="", encoding="utf-8") as source,
        ):
            rows = csv.reader(source)
            next(rows)
            for offset, (day, kind, named, team, minutes, needs) in enumerate(rows):
                if "/" in day or day[2] == "-":
                    day = f"{day[6:10]}-{day[3:5]}-{day[0:2]}"
                pk = next_id + offset
                categories = "[" + ", ".join(f'"{need}"' for need in needs.split(";") if need) + "]"
                copy.write_row(
                    (
                        pk,
                        organisation_id,
                        day,
                        kind,
                        "in_person",
                        team,
                        "es",
                        "none",
                        int(minutes),
                        categories,
                        "",
                        user_id,
                        "now",
                    )
                )
                links += [(pk, references[reference]) for reference in named.split(";")]
        with conn.cursor().copy("COPY people_intervention_people (intervention_id, person_id) FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        conn.rollback()
    return time.monotonic() - started


def import_file(stream, *, kind, actor, organisation, samples=None):
    from people import imports

    def progress(done: int, total: int) -> None:
        if samples is not None and done % 20_000 == 0:
            log(f"  {done:,} of {total:,} rows")
        if samples is not None:
            for mark in SAMPLED_AT:
                if done >= mark and mark not in samples:
                    traced = tracemalloc.get_traced_memory()[0] / 1e6 if tracemalloc.is_tracing() else None
                    samples[mark] = (rss_mb(), traced)

    started = time.monotonic()
    result = imports.preview(
        stream, kind=kind, actor=actor, organisation=organisation, max_rows=imports.COMMAND_MAX_ROWS
    )
    previewed = time.monotonic() - started
    assert result.can_commit, (result.file_error, result.errors[:3])
    batch = imports.batch_create(
        stream,
        actor=actor,
        organisation=organisation,
        kind=kind,
        file_name="bench.csv",
        preview_result=result,
        keep_file=False,
    )
    started = time.monotonic()
    batch = imports.commit(stream, batch=batch, actor=actor, max_rows=imports.COMMAND_MAX_ROWS, progress=progress)
    return previewed, time.monotonic() - started, batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--tracemalloc", action="store_true")
    options = parser.parse_args()
    url, name, maintenance = database_settings(DEFAULT_DATABASE_URL)
    database_create(maintenance, name, drop_first=True)
    django_setup_in_process(url, statement_timeout_ms="600000")
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", verbosity=0)
    hub, coordinator, start = world(options.people)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "interventions.csv"
        write_interventions(path, options.rows, options.people, start)
        log(f"file: {options.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")
        parse = reference_parse(path)
        log(f"reference, csv parse only: {parse:.2f} s")
        copy = reference_copy(path, url, hub.pk, coordinator.pk)
        log(f"reference, psycopg COPY of the same rows (rolled back): {copy:.2f} s")
        if options.tracemalloc:
            tracemalloc.start()
        samples: dict[int, tuple] = {}
        before = rss_mb()
        with path.open("rb") as stream:
            previewed, committed, batch = import_file(
                stream, kind="interventions", actor=coordinator, organisation=hub, samples=samples
            )
    from people.models import Intervention

    assert Intervention.objects.count() == options.rows == batch.created_count
    total = previewed + committed
    log(
        f"import: preview {previewed:.1f} s + commit {committed:.1f} s = {total:.1f} s "
        f"({options.rows / total:,.0f} rows/s; goal: under 120 s)"
    )
    log(f"ratio to the COPY reference: {total / copy:.1f}x; to the csv parse: {total / parse:.0f}x")
    log(f"resident memory before the import: {before:.0f} MB")
    for mark, (rss, traced) in sorted(samples.items()):
        traced_text = f", Python allocations {traced:.1f} MB" if traced is not None else ""
        log(f"  at {mark:,} rows committed: resident {rss:.0f} MB{traced_text}")
    if options.tracemalloc:
        log(f"  Python allocations peak: {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB")
    log(f"peak resident memory of the process (ru_maxrss): {peak_rss_mb():.0f} MB")
    log(f"load average: {os.getloadavg()[0]:.1f}")
    print_references(
        [
            ("import, preview + commit", total, f"psycopg COPY of the same {options.rows:,} rows", copy, "s"),
            ("import, preview + commit", total, "csv parse of the same file", parse, "s"),
        ]
    )


if __name__ == "__main__":
    main()
