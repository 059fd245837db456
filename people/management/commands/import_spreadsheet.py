"""``manage.py import_spreadsheet``: load a hub's people, households or interventions from a CSV
or XLSX file (``people.imports``), for files larger than the page takes; or an organisation's
own services for the directory (``--kind services``, ``organisations.service_import``).

Without ``--commit`` it only previews: counts, the errors of each row with its line, possible
duplicates; nothing is written. With ``--commit`` it previews, then, when no row has an error,
writes every row in one transaction (all or nothing), printing a progress line per batch.
It acts as ``--user`` (an admin or coordinator of the hub: the same rule as the page) and speaks
that user's language.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.formats import number_format

from organisations.errors import ApplicationError
from organisations.models import Organisation, User
from organisations.service_import import services_import
from people import imports
from people.choices import ImportKind

# A partner's own services for the directory, beside the hub's files.
SERVICES = "services"


class Command(BaseCommand):
    help = "Preview, then import, a spreadsheet of people, households or interventions."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file.")
        parser.add_argument("--kind", required=True, choices=[*ImportKind.values, SERVICES])
        parser.add_argument("--organisation", required=True, help="The hub's slug.")
        parser.add_argument(
            "--user",
            required=True,
            help="Email of who imports: the hub's admin or coordinator; for services, the organisation's admin.",
        )
        parser.add_argument("--commit", action="store_true", help="Write the rows (otherwise only preview).")
        parser.add_argument(
            "--accept-duplicates", action="store_true", help="Import rows that may be people already on file."
        )
        parser.add_argument("--max-rows", type=int, default=imports.COMMAND_MAX_ROWS)

    def handle(self, *args, **options):
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if user is None or organisation is None:
            raise CommandError("No such active user or organisation.")
        with translation.override(user.preferred_language or None), open(options["file"], "rb") as stream:
            self._run(stream, user=user, organisation=organisation, options=options)

    def _services(self, stream, *, user, organisation, options):
        """A partner's services (``organisations.service_import``): few rows, previewed and
        committed by the same run of ``service_create``."""
        try:
            result = services_import(
                stream, actor=user, organisation=organisation, file_name=options["file"], commit=options["commit"]
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        if result.file_error:
            raise CommandError(result.file_error)
        for line, column, message in result.errors:
            self.stdout.write(f"  {line}: {column + ': ' if column else ''}{message}")
        if result.errors:
            raise CommandError(str(translation.gettext("Nothing was imported: correct the rows with errors first.")))
        for name in result.names:
            self.stdout.write(f"  {name}")
        if result.committed:
            self.stdout.write(
                translation.gettext("Imported: %(rows)s rows.")
                % {"rows": number_format(result.row_count, force_grouping=True)}
            )

    def _run(self, stream, *, user, organisation, options):
        if options["kind"] == SERVICES:
            self._services(stream, user=user, organisation=organisation, options=options)
            return
        started = time.monotonic()
        kind, max_rows = options["kind"], options["max_rows"]
        try:
            result = imports.preview(
                stream, kind=kind, actor=user, organisation=organisation, file_name=options["file"], max_rows=max_rows
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        if result.file_error:
            raise CommandError(result.file_error)
        self.stdout.write(f"{result.summary()} ({time.monotonic() - started:.1f} s)")
        for problem in result.errors:
            self.stdout.write(f"  {problem.line}: {problem.column + ': ' if problem.column else ''}{problem.message}")
        for duplicate in result.duplicates:
            self.stdout.write(f"  {duplicate.line}: {duplicate.name} ~ {'; '.join(duplicate.matches)}")
        if not options["commit"]:
            return
        if not result.can_commit:
            raise CommandError(str(translation.gettext("Nothing was imported: correct the rows with errors first.")))
        batch = imports.batch_create(
            stream,
            actor=user,
            organisation=organisation,
            kind=kind,
            file_name=options["file"],
            preview_result=result,
            keep_file=False,
        )

        def progress(done: int, total: int) -> None:
            line = translation.gettext("%(done)s of %(total)s rows") % {
                "done": number_format(done, force_grouping=True),
                "total": number_format(total, force_grouping=True),
            }
            self.stdout.write(f"{line} ({time.monotonic() - started:.1f} s)")
            sys.stdout.flush()

        try:
            batch = imports.commit(
                stream,
                batch=batch,
                actor=user,
                accept_duplicates=options["accept_duplicates"],
                max_rows=max_rows,
                progress=progress,
            )
        except ApplicationError as error:
            imports.batch_discard(actor=user, batch=batch)
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            translation.gettext("Imported: %(rows)s rows.")
            % {"rows": number_format(batch.created_count, force_grouping=True)}
        )
