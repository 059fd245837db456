"""Daphne as a subprocess on the test database: the real ASGI server for browser tests and the
cross-process test (pytest-django's live_server is WSGI only; fork-based Daphne hangs after async
tests, STACK.md traps 4–5). Start one per test: a transactional test ends by flushing the database,
which recreates content types under new ids that a longer-lived server would not know."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict:
    """This process's environment (REDIS_URL included), pointed at the test database."""
    env = dict(os.environ, WORKER_IN_PROCESS="false", DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost")
    # Uploaded private documents (signed agreements) in a folder of the run, not in var/.
    env.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="passerelle-private-"))
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = str(database["NAME"])
    else:
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:  # noqa: S310 - local server
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Daphne did not start: see {log_path}") from None
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextlib.contextmanager
def daphne_servers(*names: str) -> Iterator[list[str]]:
    """Start one Daphne per name (logs in var/daphne-<name>.log), wait for all, yield their base
    URLs, stop them at the end."""
    env = server_environment()
    started = []
    try:
        for name in names:
            port = free_port()
            log_path = Path(settings.VAR_DIR) / f"daphne-{name}.log"
            with open(log_path, "a") as log:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        # As in production (docs/deployment.md): slow handshakes wait, not fail.
                        "--websocket_connect_timeout",
                        "30",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "config.asgi:application",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            started.append((f"http://127.0.0.1:{port}", process, log_path))
        for base_url, process, log_path in started:
            _wait_until_up(base_url, process, log_path)
        yield [base_url for base_url, _process, _log in started]
    finally:
        for _base_url, process, _log in started:
            _stop(process)
