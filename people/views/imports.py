"""Pages of the spreadsheet import (``people.imports``): upload a file, read its preview, then
import it or discard it; and the template CSV of each kind.

The page commits synchronously, up to ``imports.PAGE_MAX_ROWS`` rows (a few seconds): a longer
request would be cut by a proxy or a phone's network halfway, and a commit that cannot be watched
is worse than one that is refused at once. A larger file is refused with that limit named, and
goes through ``manage.py import_spreadsheet``, which prints its progress line by line. Who may
use these pages: ``permissions.import_organisation_ids`` (a hub's admins and coordinators); a
batch of another organisation, or any batch for anyone else, is a 404.
"""

import io
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from organisations import permissions
from organisations.errors import ApplicationError
from organisations.forms import RestrictedChoicesForm, RestrictedModelChoiceField, hide_single_choice
from organisations.models import Organisation
from people import imports
from people.choices import ImportKind, ImportStatus
from people.models import ImportBatch


class ImportUploadForm(RestrictedChoicesForm):
    """The file to import, what its rows are, and for which hub (when the user imports for
    several)."""

    organisation = RestrictedModelChoiceField(label=gettext_lazy("Organisation"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("The rows are"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("CSV or XLSX, with the columns of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        hide_single_choice(self.fields["organisation"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.PAGE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it, or ask for the import command.")
                % {"size": imports.PAGE_MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _organisations(user):
    ids = permissions.import_organisation_ids(user)
    if not ids:
        raise Http404
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def _batch_or_404(user, token: str) -> ImportBatch:
    batch = imports.batch_list(user=user).filter(token=token).first() if _is_uuid(token) else None
    if batch is None:
        raise Http404
    return batch


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@login_required
def import_start(request):
    """Upload a spreadsheet; the preview follows, nothing is written yet."""
    organisations = _organisations(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, organisations=organisations, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stream = io.BytesIO(upload.read())
        organisation, kind = form.cleaned_data["organisation"], form.cleaned_data["kind"]
        try:
            result = imports.preview(
                stream,
                kind=kind,
                actor=request.user,
                organisation=organisation,
                file_name=upload.name,
                max_rows=imports.PAGE_MAX_ROWS,
            )
            if result.file_error:
                form.add_error("file", result.file_error)
            else:
                batch = imports.batch_create(
                    stream,
                    actor=request.user,
                    organisation=organisation,
                    kind=kind,
                    file_name=upload.name,
                    preview_result=result,
                    keep_file=True,
                )
                return redirect("people:import-batch", str(batch.token))
        except ApplicationError as error:
            form.add_error(None, str(error.message))
    batches = imports.batch_list(user=request.user)[:10]
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "batches": batches,
            "kinds": ImportKind.choices,
            "page_max_rows": number_format(imports.PAGE_MAX_ROWS, force_grouping=True),
        },
    )


@login_required
def import_batch(request, token: str):
    """The preview of an uploaded file (read again, in the reader's language), or what its
    import did."""
    batch = _batch_or_404(request.user, token)
    result = None
    if batch.status == ImportStatus.PREVIEWED:
        result = imports.preview(
            io.BytesIO(bytes(batch.content)),
            kind=batch.kind,
            actor=request.user,
            organisation=batch.organisation,
            file_name=batch.file_name,
            max_rows=imports.PAGE_MAX_ROWS,
        )
    return render(request, "people/import_preview.html", {"batch": batch, "preview": result})


@login_required
@require_POST
def import_commit(request, token: str):
    """Import the previewed file: all its rows in one transaction, or none."""
    batch = _batch_or_404(request.user, token)
    try:
        batch = imports.commit(
            io.BytesIO(bytes(batch.content)),
            batch=batch,
            actor=request.user,
            accept_duplicates=request.POST.get("accept_duplicates") == "on",
            max_rows=imports.PAGE_MAX_ROWS,
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext("Imported: %(rows)s row of %(file)s.", "Imported: %(rows)s rows of %(file)s.", batch.row_count)
            % {"rows": number_format(batch.row_count, force_grouping=True), "file": batch.file_name},
        )
    return redirect("people:import-batch", str(batch.token))


@login_required
@require_POST
def import_discard(request, token: str):
    """Forget an uploaded file without importing it."""
    batch = _batch_or_404(request.user, token)
    imports.batch_discard(actor=request.user, batch=batch)
    messages.success(request, _("The file was discarded: nothing of it was imported."))
    return redirect("people:import")


@login_required
def import_template(request, kind: str):
    """The CSV to fill in for one kind of import: the header line and an example row."""
    _organisations(request.user)
    if kind not in imports.LAYOUTS:
        raise Http404
    response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="passerelle-{kind}.csv"'
    return response
