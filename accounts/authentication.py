"""API authentication: personal tokens (django-rest-knox) and the session, which must have passed
the second factor when the user needs one (docs/security.md)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from accounts.two_factor import two_factor_needed

# A token's "last used" time is written at most this often, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class CsrfFailed(exceptions.PermissionDenied):
    default_detail = _("The page's security check failed (CSRF): reload the page and try again.")
    default_code = "csrf_failed"


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = _("Enter the code of your second factor first: log in again on the web page.")
    default_code = "two_factor_required"


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <token>``. A token was made from a session that passed the second
    factor, so it carries it. Records when the token was last used, to the minute."""

    def _cleanup_token(self, auth_token) -> bool:
        """Refuse (and delete) this token if it has expired. knox also reads every other token of
        the user on each request to delete the expired ones; the ``accounts.api_tokens_expire``
        job does that instead, off the request."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at >= LAST_USED_PRECISION:
            auth_token.last_used_at = now
            auth_token.save(update_fields=["last_used_at"])
        return user, auth_token


class TwoFactorSessionAuthentication(SessionAuthentication):
    """The browser's session (with its CSRF check), refused with a JSON 403
    ``two_factor_required`` when the user needs a second factor this session has not passed.

    DRF's ``force_authenticate`` in tests skips every authentication class: such a request
    stands for a request whose credentials already carry the second factor, like a token."""

    def enforce_csrf(self, request):
        """DRF's CSRF check, refused in the request's language (DRF's message quotes Django's
        English reason)."""
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed() from None

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is None:
            return None
        # OTPMiddleware's user knows whether this session passed the second factor.
        if not request._request.user.is_verified() and two_factor_needed(authenticated[0]):
            raise TwoFactorRequired()
        return authenticated


def request_from_session(request) -> bool:
    """Whether this API request was authenticated by a browser session (not by a token)."""
    return isinstance(request.successful_authenticator, TwoFactorSessionAuthentication)


def session_passed_second_factor(request) -> bool:
    """Whether this API request comes from a browser session that passed the second factor: only
    such a request may make a token (a token cannot make another one)."""
    return isinstance(request.successful_authenticator, TwoFactorSessionAuthentication) and bool(
        request._request.user.is_verified()
    )
