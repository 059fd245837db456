"""Pages where an organisation's admins write their directory entry: the services, each text in
French, English and Spanish, with what is not yet translated in sight."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from organisations import selectors, services
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
    rows = [(service, missing_languages(service, *SERVICE_TEXTS)) for service in listed]
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
