"""The worker loop, run by ``manage.py worker`` or, in the embedded default, in a thread of the
web process."""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

from plumbing.jobs import run_due_jobs

logger = logging.getLogger(__name__)


def run_forever(stop: threading.Event, tick_seconds: float | None = None) -> None:
    """Run due jobs every ``tick_seconds`` until ``stop`` is set."""
    tick = tick_seconds if tick_seconds is not None else settings.WORKER_TICK_SECONDS
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_jobs()
        except Exception:
            # The database may be briefly unreachable; the next tick tries again.
            logger.exception("Worker pass failed")
        finally:
            close_old_connections()
        stop.wait(tick)


def start_in_process() -> threading.Thread:
    """Start the worker as a daemon thread of this process (the embedded default)."""
    thread = threading.Thread(target=run_forever, args=(threading.Event(),), name="passerelle-worker", daemon=True)
    thread.start()
    logger.info("Background jobs run inside this process every %s s.", settings.WORKER_TICK_SECONDS)
    return thread
