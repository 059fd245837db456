"""Helpers shared by the benchmark scripts of this folder.

The scripts run as ``python bench/<name>.py`` from the project root; each puts the project root
on sys.path and then imports this module as ``bench.support``. Django and psycopg are imported
inside the functions that need them, as the scripts do, so that importing this module costs
nothing and needs no settings.
"""

import http.client
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

# Databases a benchmark never uses (nor any ``test*`` or ``template*`` one).
PROTECTED_DATABASES = {"passerelle", "postgres", "template0", "template1"}
STARTED = time.monotonic()


def log(message: str) -> None:
    """Print a line prefixed with the seconds elapsed since the start of the run."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of unsorted values; NaN when there are none."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


def free_port() -> int:
    """A TCP port of 127.0.0.1 free at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- A database of the bench's own, next to DATABASE_URL's --------------------------------------------


def database_urls(bench_database: str, *, local_only: bool = True) -> tuple[str, str]:
    """(the bench database URL, the maintenance database URL), on DATABASE_URL's server.

    The bench database is ``bench_database``, or BENCH_DATABASE when set, never the one named in
    DATABASE_URL. Exits on a server other than PostgreSQL, on a server other than 127.0.0.1 when
    ``local_only``, and on a protected, ``test*`` or ``template*`` database name.
    """
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/passerelle"
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"DATABASE_URL must point to PostgreSQL, not {parts.scheme!r}.")
    if local_only and parts.hostname not in ("127.0.0.1", "localhost"):
        sys.exit("This benchmark runs against a local PostgreSQL only (127.0.0.1).")
    name = os.environ.get("BENCH_DATABASE", bench_database)
    if name in PROTECTED_DATABASES or name.startswith(("test", "template")):
        sys.exit(f"Refusing to use database {name!r}.")
    return (
        urllib.parse.urlunsplit(parts._replace(path=f"/{name}")),
        urllib.parse.urlunsplit(parts._replace(path="/postgres")),
    )


def ensure_database(database_url: str, maintenance_url: str) -> None:
    """Create the database of ``database_url`` if it is missing, then migrate it (Django must be
    set up on that database)."""
    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- The database named in DATABASE_URL, given to the bench ----------------------------------------------


def database_settings(default_url: str) -> tuple[str, str, str]:
    """(bench database URL, its name, the maintenance database URL on the same server).

    The bench database is the one named in DATABASE_URL (``default_url`` when unset). Exits on a
    server other than PostgreSQL on 127.0.0.1, and on a missing, protected, ``test*`` or
    ``template*`` database name.
    """
    url = os.environ.get("DATABASE_URL") or default_url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"DATABASE_URL must point to PostgreSQL, not {parts.scheme!r}.")
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("This benchmark runs against a local PostgreSQL only (127.0.0.1).")
    name = parts.path.lstrip("/")
    if not name or name in PROTECTED_DATABASES or name.startswith(("test", "template")):
        example = urllib.parse.urlsplit(default_url).path.lstrip("/")
        sys.exit(f"Refusing to use database {name!r}: give the benchmark its own, e.g. {example}.")
    return url, name, urllib.parse.urlunsplit(parts._replace(path="/postgres"))


def database_exists(maintenance_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def database_create(maintenance_url: str, name: str, *, drop_first: bool) -> None:
    """Create database ``name``, dropping it first (connections and all) when ``drop_first``."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        ident = sql.Identifier(name)
        if drop_first:
            log(f"dropping database {name}")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        log(f"creating database {name}")
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def django_setup_in_process(url: str, *, statement_timeout_ms: str) -> None:
    """Set Django up on ``url`` for measuring in this process with the test client (which speaks
    as "testserver"). DB_STATEMENT_TIMEOUT_MS defaults to ``statement_timeout_ms``; like
    DJANGO_SETTINGS_MODULE, DEBUG and LOG_LEVEL, a value already in the environment wins."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", statement_timeout_ms)
    import django

    django.setup()


# --- gunicorn ----------------------------------------------------------------------------------------


def gunicorn_executable() -> str:
    """The virtualenv's gunicorn (next to this Python), else the one on PATH."""
    return shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"


def gunicorn_env(database_url: str) -> dict:
    """The environment of a production-like gunicorn serving ``database_url``."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WORKER_IN_PROCESS": "false",
    }


def wait_for_healthz(process: subprocess.Popen, port: int) -> subprocess.Popen:
    """Return ``process`` once GET /healthz on ``port`` answers 200; exit if gunicorn dies or
    does not answer within 60 s (stopping it first)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return process
        except OSError:
            pass
        time.sleep(0.25)
    stop_gunicorn(process)
    sys.exit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop of its own workers), then kill after 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    log("gunicorn stopped")


# --- CPU per request --------------------------------------------------------------------------------


def _proc_stat(pid: str) -> tuple[int, float, float] | None:
    """(parent pid, its own CPU seconds, CPU seconds of its children that have exited) of a
    process, from /proc; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_snapshot(gunicorn_pid: int, database_name: str, *, exited_backends: bool = True) -> dict:
    """CPU seconds used so far by gunicorn (master and workers), PostgreSQL for the bench
    database, and this process (the load generator). Compare two snapshots: CPU per request is
    robust to other work on a shared machine, unlike latency.

    Processes come and go during a run (a worker's database connection is replaced after
    ``conn_max_age``): the CPU of those that have exited is read from their parent, gunicorn's
    master and PostgreSQL's postmaster (whose exited children may include other databases'
    backends, rarely during a run). ``exited_backends=False`` leaves the postmaster's out: for a
    bench whose servers keep their connections (a pool), where the backends other helpers' test
    runs open and close on the shared server would otherwise be counted."""
    gunicorn = postgres = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = _proc_stat(pid)
        if stat is None:
            continue
        parent, own, exited_children = stat
        if int(pid) == gunicorn_pid:
            gunicorn += own + exited_children
        elif parent == gunicorn_pid:
            gunicorn += own
        else:
            command = _cmdline(pid)
            if command.startswith("postgres: ") and f" {database_name} " in command:
                postgres += own
            elif exited_backends and command.split(" ", 1)[0].endswith("/bin/postgres"):
                postgres += exited_children
    return {"gunicorn": gunicorn, "postgres": postgres, "load generator": time.process_time()}


def print_cpu(cpu_used: dict | None, requests: int) -> None:
    """Where the CPU went, per request: robust to other work on a shared machine, unlike latency."""
    if not cpu_used or not requests:
        return
    per_request = {key: seconds * 1000 / requests for key, seconds in cpu_used.items()}
    total = sum(per_request.values())
    parts = "  ".join(f"{key} {value:.1f}" for key, value in per_request.items())
    print(
        f"  CPU per request (ms): {parts}  total {total:.1f} -> at most ~{os.cpu_count() * 1000 / total:.0f} req/s"
        f" if {os.cpu_count()} CPUs did nothing else"
    )


def agreement_for_bench(partnership) -> None:
    """A data-sharing agreement in force for a year on ``partnership``, covering every need and
    every group of information: referrals and holds rest on one."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from organisations import services
    from organisations.choices import DataGroup, NeedCategory

    services.agreement_record(
        actor=None,
        partnership=partnership,
        reference="BENCH-1",
        purposes=list(NeedCategory.values),
        data_groups=list(DataGroup.values),
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
        document=ContentFile(b"%PDF-1.4\n%%EOF\n", name="bench.pdf"),
    )


# --- The figure against its reference ----------------------------------------------------------------


def load_average() -> str:
    """The load averages of 1, 5 and 15 minutes, and the CPUs they are shared by."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def _number(value: float) -> str:
    if abs(value) >= 1000 or (isinstance(value, int) and value == value):
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"


def reference_line(label: str, value: float, reference_label: str, reference: float, unit: str = "ms") -> str:
    """``inbox p50 42.1 ms · reference (bare request, same server) 3.2 ms · ratio 13.2×``."""
    if reference and reference == reference and value == value:  # neither zero nor NaN
        ratio = value / reference
        ratio_text = f"{ratio:.1f}×" if ratio >= 10 else f"{ratio:.2f}×"
    else:
        ratio_text = "-"
    suffix = f" {unit}" if unit else ""
    return (
        f"{label} {_number(value)}{suffix} · reference ({reference_label}) {_number(reference)}{suffix}"
        f" · ratio {ratio_text}"
    )


def print_references(lines: list[tuple]) -> None:
    """A benchmark's last lines: each figure next to the reference it is judged against, measured
    in the same run, and their ratio (the figure to compare runs by: absolute times follow the
    machine and its neighbours, the ratio much less). Each line is ``reference_line``'s arguments."""
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print()
    print(f"Against the same run's references ({stamp}, {load_average()}):")
    for line in lines:
        print("  " + reference_line(*line))
