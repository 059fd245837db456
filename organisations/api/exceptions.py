"""The one exception handler of the API: every error is JSON, translated into the request's
language, with per-field messages for invalid input; a domain error keeps its status
(404 not found or not allowed, 409 conflict, 422 refused by a rule).

Invalid input is a 400 when the OpenAPI schema already says it is wrong, and a 422 when the
schema admits it but a rule it cannot state refuses it (``organisations.errors.RULE_CODES``)."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from organisations.audit import audit_refused_request
from organisations.errors import RULE_CODES, ApplicationError, ConflictError, NotFoundError, TooManyRequestsError

logger = logging.getLogger(__name__)


class RuleError(exceptions.ValidationError):
    """Input that matches the schema, refused by a rule across fields or against the stored data
    (a custom range whose end comes before its start): a 422 with the message on its field."""

    def __init__(self, detail):
        super().__init__(detail, code="rule")


def _is_lock_timeout(exc) -> bool:
    """The database gave up waiting for a lock (PostgreSQL's ``lock_timeout``, SQLite's busy
    timeout): a concurrent write held it; this request changed nothing and may be retried."""
    return getattr(exc.__cause__, "sqlstate", None) == "55P03" or "database is locked" in str(exc)


def _codes(codes) -> set[str]:
    """Every error code in DRF's nested ``get_codes()`` structure."""
    if isinstance(codes, dict):
        return set().union(*(_codes(value) for value in codes.values()))
    if isinstance(codes, list):
        return set().union(*(_codes(value) for value in codes))
    return {codes}


def _audit_refused(context) -> None:
    """A 404 of the API on a route naming an object: audited when the object is someone else's
    personal data (``organisations.audit.audit_refused_request``)."""
    view = context.get("view")
    request = context.get("request")
    kwargs = getattr(view, "kwargs", None)
    if not kwargs or request is None:
        return
    queryset = getattr(view, "queryset", None)
    if queryset is None:
        try:
            queryset = view.get_queryset()
        except Exception:  # the 404 is answered whatever the view's queryset does
            return
    audit_refused_request(user=request.user, kwargs=kwargs, model_label=queryset.model._meta.label_lower)


def exception_handler(exc, context):
    if isinstance(exc, Http404 | exceptions.NotFound | NotFoundError):
        _audit_refused(context)
    if isinstance(exc, OperationalError) and _is_lock_timeout(exc):
        logger.warning("Lock timeout answered as 409: %s", exc)
        exc = ConflictError(code="busy")
    if isinstance(exc, ApplicationError):
        response = Response({"detail": str(exc.message), "code": exc.code, **exc.extra}, status=exc.status_code)
        if isinstance(exc, TooManyRequestsError):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        codes = _codes(exc.get_codes())
        ruled = bool(codes) and codes <= RULE_CODES
        response.data = {"detail": _("Some fields are not valid."), "code": "refused" if ruled else "invalid"}
        response.data["fields"] = fields
        if ruled:
            response.status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "code": getattr(exc, "default_code", "error")}
    if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response.data["code"] = "method_not_allowed"
    return response
