"""``manage.py retention``: apply the retention periods now, with a progress line per batch."""

from django.core.management.base import BaseCommand

from retention.services import audit_purge_allowed, retention_apply


class Command(BaseCommand):
    help = "Anonymise or destroy what is past its retention period (resumes an interrupted run)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=None, help="Rows per transaction.")

    def handle(self, *args, batch_size: int | None, **options):
        if not audit_purge_allowed():
            self.stdout.write("Audit entries: left for the database owner (run this command as the owner).")

        def progress(kind: str, done: int, action: str) -> None:
            self.stdout.write(f"{kind}: {done} {action}", ending="\r")
            self.stdout.flush()

        handled = retention_apply(batch_size=batch_size, progress=progress)
        self.stdout.write(f"\nRetention: {handled} row(s) handled.")
