"""Request middleware of the organisations app."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from organisations.audit import flush_reads, pending_reads
from organisations.views import form_address_page, is_api_request, request_refused
from plumbing.client_address import client_ip_address, current_ip_address


class UserLanguageMiddleware:
    """Speak the logged-in user's preferred language unless this browser chose another one.

    Runs after ``LocaleMiddleware`` and authentication. A language cookie (set by the language
    switcher, which also stores the choice on the user) wins; otherwise the user's preference
    wins over the browser's Accept-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class AuditContextMiddleware:
    """Make the client's IP address available to ``audit_record`` for this request, and write
    the request's audited reads in one INSERT at its end (``organisations.audit``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip_address.set(client_ip_address(request.META))
        buffer: dict = {}
        reads = pending_reads.set(buffer)
        try:
            return self.get_response(request)
        finally:
            pending_reads.reset(reads)
            try:
                flush_reads(buffer)
            finally:
                current_ip_address.reset(token)


class FormAddressPageMiddleware:
    """Answer a GET on a page address that only takes a form's POST with a page that says what
    to do, instead of the browser's blank 405 error.

    A worker reaches such an address by logging in again after their session ended while they
    sent a form: the login sends them back to the form's address, with a GET. The API keeps its
    own JSON 405.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and request.method in ("GET", "HEAD") and not is_api_request(request):
            return form_address_page(request, allow=response.get("Allow", "POST"))
        return response


class NoStoreMiddleware:
    """Tell browsers and proxies to keep no copy of any answer Django makes (``no-store``).

    Pages and API answers name people; a copy left in a shared computer's cache (the hub's
    reception desk) or a proxy would outlive the session. Rather than judge each view, every
    answer gets it, whatever the view set; static files are served before this middleware
    (WhiteNoise) and keep their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RequestLimitsMiddleware:
    """Refuse, before any view, what no view could answer: an address longer than
    ``MAX_URL_LENGTH`` (414) and a NUL character in the path or the query string, which
    PostgreSQL refuses in any text it is given (422: a rule the schema does not state, as for a
    NUL in a JSON body).

    The reverse proxy refuses longer addresses still before they get here (docs/deployment.md);
    this answers those it lets through, in the language the browser asks for (the user is not
    known yet at this point).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if len(request.path) + len(query) > settings.MAX_URL_LENGTH:
            return request_refused(
                request,
                status=414,
                code="url_too_long",
                title=_("Address too long"),
                message=_("This address is too long. Search with fewer or shorter words."),
            )
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return request_refused(
                request,
                status=422,
                code="invalid_character",
                title=_("Request not understood"),
                message=_("The address contains a character that is not allowed."),
            )
        return self.get_response(request)
