"""Login throttling with django-axes: the settings' callables and the handler (docs/security.md).

Failures are counted for two things at once (``AXES_LOCKOUT_PARAMETERS``):
- the (email, address) pair, locked after ``LOGIN_FAILURE_LIMIT`` failures. Someone guessing a
  victim's password from their own address locks only that pair: the victim, elsewhere, still
  logs in;
- the address alone, locked after the much higher ``LOGIN_ADDRESS_FAILURE_LIMIT``, against one
  address trying many accounts. A shared office address is not locked by a few typos.

A lockout lasts the cool-off after the pair's last failure: ``LOGIN_COOLOFF_MINUTES``, doubled for
every further ``LOGIN_FAILURE_LIMIT`` failures of the pair, never more than
``LOGIN_COOLOFF_MAX_MINUTES``. The typed email is counted whether or not an account has it, so an
unknown email is answered exactly like a known one.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from plumbing.client_address import client_ip_address


def login_email(request, credentials: dict | None) -> str | None:
    """The email as the attempt typed it, normalised, so that "Ana@x" and "ana@x" are one pair."""
    if credentials is not None:
        email = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        email = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return email.strip().lower() if isinstance(email, str) else None


def login_client_ip(request) -> str | None:
    """The client's address, from the one function that decides it for the audit log too."""
    return client_ip_address(request.META)


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def login_cool_off(request=None) -> timedelta:
    """How long a lockout lasts after the last failure: it doubles with every further round of
    ``LOGIN_FAILURE_LIMIT`` failures of the (email, address) pair, up to the maximum."""
    base = timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    if request is None:
        return base
    email = get_client_username(request)
    address = getattr(request, "axes_ip_address", None) or login_client_ip(request)
    failures = _failures(AccessAttempt.objects.filter(username=email, ip_address=address)) if email else 0
    rounds = max(0, failures - settings.LOGIN_FAILURE_LIMIT) // settings.LOGIN_FAILURE_LIMIT
    return min(base * 2**rounds, timedelta(minutes=settings.LOGIN_COOLOFF_MAX_MINUTES))


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with a limit of its own for the address alone.

    axes compares one failure count with one limit; here the count is the pair's, unless the
    address alone has passed its higher limit, which then counts as a locked pair."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair, address = (_failures(attempts) for attempts in self.get_user_attempts(request, credentials))
        if address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(pair, settings.LOGIN_FAILURE_LIMIT)
        return pair
