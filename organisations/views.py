"""Pages of the web shell: home, the organisation directory, the profile, the language switch,
login and the error pages. Views read through selectors and write through services."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from organisations import selectors, services
from organisations.choices import SPOKEN_LANGUAGES, UILanguage
from organisations.forms import DirectorySearchForm, LoginForm


class LoginView(auth_views.LoginView):
    """Login by email; the interface switches to the user's preferred language afterwards."""

    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    memberships = selectors.user_memberships(user=request.user)
    return render(request, "organisations/home.html", {"memberships": memberships})


@login_required
def directory(request):
    """The organisation directory: services searchable by need, language and kind."""
    form = DirectorySearchForm(request.GET)
    form.is_valid()  # a bad value is shown next to its field; the valid filters still apply
    filters = form.cleaned_data
    services_found = selectors.directory_services(
        user=request.user,
        need_category=filters.get("need_category") or None,
        language=filters.get("language") or None,
        organisation_kind=filters.get("organisation_kind") or None,
    )
    return render(
        request,
        "organisations/directory.html",
        {"form": form, "services": services_found, "language_names": SPOKEN_LANGUAGES},
    )


@login_required
def organisation_detail(request, slug: str):
    organisation = selectors.organisation_list(user=request.user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    services_offered = selectors.directory_services(user=request.user).filter(organisation=organisation)
    return render(
        request,
        "organisations/organisation_detail.html",
        {"organisation": organisation, "services": services_offered, "language_names": SPOKEN_LANGUAGES},
    )


@login_required
def profile(request):
    """The user's own account and memberships (kept live through the membership stream)."""
    return render(request, "organisations/profile.html", {"memberships": selectors.user_memberships(user=request.user)})


@require_POST
def language_switch(request):
    """Switch the interface language; a logged-in user's choice is remembered on their account."""
    language = request.POST.get("language")
    if request.user.is_authenticated and language in UILanguage.values:
        services.user_update_profile(user=request.user, preferred_language=language)
    # Django's set_language sets the cookie and refuses to redirect off site.
    return set_language(request)


def healthz(request):
    """Liveness and database check for the reverse proxy and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def is_api_request(request) -> bool:
    """Whether ``request`` is for the REST API, which answers its errors in JSON, not with pages."""
    return request.path.startswith("/api/")


def request_refused(request, *, status: int, code: str, title: str, message: str) -> HttpResponse:
    """Refuse a request that could not be read: JSON ``{"detail", "code"}`` on the API, a
    standalone page elsewhere (no user, no session: the request may not have got that far)."""
    if is_api_request(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    page = loader.get_template("400.html").render({"title": title, "message": message})
    return HttpResponse(page, status=status)


def bad_request(request, exception=None):
    """Django's answer to a request it refused while reading it (``handler400``): a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or with too many fields is a 413, anything else a 400."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return request_refused(
            request,
            status=413,
            code="too_large",
            title=_("Too large"),
            message=_("What you sent is too large. Send less at once, or shorter texts."),
        )
    return request_refused(
        request,
        status=400,
        code="bad_request",
        title=_("Request not understood"),
        message=_("This request could not be read. Go back and try again."),
    )


def page_not_found(request, exception=None):
    if is_api_request(request):
        return JsonResponse({"detail": str(_("Not found.")), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api_request(request):
        return JsonResponse(
            {"detail": str(_("Something went wrong on our side. Please try again.")), "code": "server_error"},
            status=500,
        )
    # No request context: the navigation queries the database, which may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def form_address_page(request, *, allow: str):
    """The page for a GET on an address that only takes a form's POST
    (``FormAddressPageMiddleware``): 405, with what to do instead."""
    page = render(request, "405.html", status=405)
    page["Allow"] = allow
    return page
