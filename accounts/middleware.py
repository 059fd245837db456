"""Request middleware of the accounts app: session timeouts and the second factor for pages."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve

from accounts.sessions import session_refresh
from accounts.two_factor import second_step_url, two_factor_needed
from organisations.views import is_api_request

# Pages a logged-in user reaches before passing the second factor: the second-factor pages
# themselves, logging out, the language switch and the password pages.
OPEN_BEFORE_SECOND_FACTOR = {
    "two-factor-setup",
    "two-factor-verify",
    "logout",
    "login",
    "language-switch",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
}


class SessionTimeoutMiddleware:
    """Push back a logged-in session's idle expiry (at most once a minute) and end a session past
    its absolute timeout (``accounts.sessions``). After authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session_refresh(request)
        return self.get_response(request)


class TwoFactorMiddleware:
    """Send a logged-in user who needs a second factor and has not passed it in this session to
    set it up or to enter a code; after django-otp's ``OTPMiddleware``.

    The API is left to its authentication classes (a JSON 403 for a session, tokens carry the
    second factor: ``accounts.authentication``), static files to WhiteNoise, which answers first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not is_api_request(request) and two_factor_needed(user):
            # Marks the pages open before the second factor: they show no live updates.
            request.two_factor_pending = True
            if not self.is_open(request):
                return HttpResponseRedirect(second_step_url(user, request.get_full_path()))
        return self.get_response(request)

    @staticmethod
    def is_open(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 page shows nothing
        return match.url_name in OPEN_BEFORE_SECOND_FACTOR
