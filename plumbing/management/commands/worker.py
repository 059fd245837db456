"""``manage.py worker``: run the registered periodic jobs until stopped."""

import signal
import threading

from django.core.management.base import BaseCommand

from plumbing.jobs import registered_jobs, run_due_jobs
from plumbing.worker import run_forever


class Command(BaseCommand):
    help = "Run Passerelle's periodic jobs (hold expiry, deadlines, reminders, email outbox…)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the jobs that are due once, then exit.")
        parser.add_argument("--tick", type=float, default=None, help="Seconds between passes.")

    def handle(self, *args, once: bool, tick: float | None, **options):
        names = ", ".join(job.name for job in registered_jobs()) or "none"
        self.stdout.write(f"Worker: jobs registered: {names}")
        if once:
            for name, count in run_due_jobs().items():
                self.stdout.write(f"  {name}: {count} item(s)")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        run_forever(stop, tick)
        self.stdout.write("Worker stopped.")
