"""The one family of domain errors. Services raise them; one DRF exception handler and the web
views turn them into responses. Messages are translated and safe to show to the user.

On the API, a request the OpenAPI schema already says is wrong (a missing field, a wrong type,
a value outside an enum) is a 400; a request the schema admits but a rule refuses (a consent that
needs express agreement, a birth date in the future, an end before the start) is a 422, because
no schema can state that rule. Validators of such rules raise their errors with one of
``RULE_CODES``.
"""

from django.utils.translation import gettext_lazy as _

# Error codes of rules the OpenAPI schema cannot state. A validation error whose every code is one
# of these is a 422 on the API (``organisations.api.exceptions``); any other code makes it a 400.
RULE_CODES = frozenset(
    {
        "implausible_date",  # organisations.validators.PlausibleDateValidator
        "rule",  # a rule across fields or against the stored data (``RuleError`` in a serializer)
        "overflow",  # DRF: a date-time that cannot be put in the server's time zone
        # DRF: text with a NUL or a lone surrogate, which PostgreSQL cannot store
        "null_characters_not_allowed",
        "surrogate_characters_not_allowed",
        # Django and DRF: a value another row already has (a room's name on its site)
        "unique",
        "unique_together",
    }
)


class ApplicationError(Exception):
    """A domain rule refused the operation; ``message`` is shown to the user as it is."""

    status_code = 422
    default_code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, extra: dict | None = None):
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.extra = extra or {}
        super().__init__(str(self.message))


class NotFoundError(ApplicationError):
    """The object does not exist *or* the user may not act on it: the two look the same."""

    status_code = 404
    default_code = "not_found"
    default_message = _("Not found.")


class ConflictError(ApplicationError):
    """The operation clashes with the current state (already done, stale version, taken)."""

    status_code = 409
    default_code = "conflict"
    default_message = _("This was changed in the meantime. Reload and try again.")


class TooManyRequestsError(ApplicationError):
    """Too many of one operation in a window (invitations per hour): a 429 whose ``Retry-After``
    says in how many seconds to try again."""

    status_code = 429
    default_code = "too_many"
    default_message = _("Too many requests: wait and try again.")

    def __init__(self, message=None, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = max(1, int(retry_after))
