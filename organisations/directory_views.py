"""Pages where an organisation's admins write their directory entry: the services, each text in
French, English and Spanish, with what is not yet translated in sight."""

import base64
import hashlib
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations import selectors, service_import, services
from organisations.directory_forms import SERVICE_TEXTS, ServiceForm
from organisations.errors import ApplicationError, NotFoundError
from organisations.forms import add_model_errors
from organisations.texts import missing_languages


def _edited(request, *, slug: str | None = None, service_id: int | None = None):
    """The organisation ``slug`` the user writes the entry of, or the one of its service
    ``service_id``, and that service; 404 when it is not theirs to change."""
    try:
        service = selectors.service_edited(user=request.user, pk=service_id) if service_id else None
        organisation = service.organisation if service else selectors.organisation_edited(user=request.user, slug=slug)
    except NotFoundError:
        raise Http404 from None
    return organisation, service


@login_required
def organisation_services(request, slug: str):
    """The organisation's services as their author sees them: active or not, and in which
    languages a text is still missing."""
    organisation, _none = _edited(request, slug=slug)
    listed = selectors.directory_services(user=request.user, include_inactive=True).filter(organisation=organisation)
    # For each service, the texts still missing a language, each with the languages it misses.
    rows = [
        (
            service,
            [
                (label, missing)
                for text, label in SERVICE_TEXTS.items()
                if (missing := missing_languages(service, text))
            ],
        )
        for service in listed
    ]
    return render(request, "organisations/services.html", {"organisation": organisation, "rows": rows})


@login_required
def service_edit(request, slug: str | None = None, service_id: int | None = None):
    """A new service of the organisation ``slug``, or its service ``service_id``, written in
    three languages."""
    organisation, service = _edited(request, slug=slug, service_id=service_id)
    form = ServiceForm(request.POST or None, instance=service, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            if service is None:
                services.service_create(actor=request.user, organisation=organisation, **fields)
            else:
                services.service_update(actor=request.user, service=service, **fields)
        except ApplicationError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Service saved."))
            return redirect("organisations:services", slug=organisation.slug)
    return render(
        request,
        "organisations/service_edit.html",
        {"organisation": organisation, "service": service, "form": form},
        status=400 if form.errors else 200,
    )


# --- Services from a spreadsheet ------------------------------------------------------------------

# A directory's services fit in a small file; the checked file waits in the session for the import.
SERVICES_FILE_MAX_BYTES = 512 * 1024
SESSION_KEY = "services_import"


class ServicesFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet of services"),
        help_text=gettext_lazy("CSV or XLSX, with the columns of the template, one service a line."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > SERVICES_FILE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 512 KB: a directory's services fit in less."))
        return upload


@login_required
def services_import_template(request, slug: str):
    _edited(request, slug=slug)
    response = HttpResponse(service_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="passerelle-services.csv"'
    return response


@login_required
def services_import(request, slug: str):
    """Services from a spreadsheet: the file is checked (every line through the same rules as
    the form, nothing kept), then, when every line passes, imported as it was checked, all or
    none."""
    organisation, _none = _edited(request, slug=slug)
    form = ServicesFileForm(request.POST or None, request.FILES or None)
    result, fingerprint, status = None, "", 200
    if request.method == "POST" and request.POST.get("commit"):
        waiting = request.session.get(SESSION_KEY) or {}
        if waiting.get("organisation") != organisation.pk or waiting.get("fingerprint") != request.POST["commit"]:
            messages.error(request, _("Check the file again: the one checked is no longer waiting."))
            return redirect("organisations:services-import", slug=organisation.slug)
        content = base64.b64decode(waiting["content"])
        result = service_import.services_import(
            io.BytesIO(content), actor=request.user, organisation=organisation, file_name=waiting["name"], commit=True
        )
        if result.committed:
            del request.session[SESSION_KEY]
            messages.success(request, _("%(count)s services imported.") % {"count": len(result.names)})
            return redirect("organisations:services", slug=organisation.slug)
        status = 400
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = service_import.services_import(
            io.BytesIO(content), actor=request.user, organisation=organisation, file_name=upload.name, commit=False
        )
        if result.can_commit:
            fingerprint = hashlib.sha256(content).hexdigest()
            request.session[SESSION_KEY] = {
                "organisation": organisation.pk,
                "fingerprint": fingerprint,
                "name": upload.name,
                "content": base64.b64encode(content).decode(),
            }
        else:
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "organisations/services_import.html",
        {"organisation": organisation, "form": form, "result": result, "fingerprint": fingerprint},
        status=status,
    )
