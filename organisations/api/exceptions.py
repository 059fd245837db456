"""The one exception handler of the API: every error is JSON, translated into the request's
language, with per-field messages for invalid input; a domain error keeps its status
(404 not found or not allowed, 409 conflict)."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from organisations.errors import ApplicationError, ConflictError

logger = logging.getLogger(__name__)


def _is_lock_timeout(exc) -> bool:
    """The database gave up waiting for a lock (PostgreSQL's ``lock_timeout``, SQLite's busy
    timeout): a concurrent write held it; this request changed nothing and may be retried."""
    return getattr(exc.__cause__, "sqlstate", None) == "55P03" or "database is locked" in str(exc)


def exception_handler(exc, context):
    if isinstance(exc, OperationalError) and _is_lock_timeout(exc):
        logger.warning("Lock timeout answered as 409: %s", exc)
        exc = ConflictError(code="busy")
    if isinstance(exc, ApplicationError):
        return Response({"detail": str(exc.message), "code": exc.code, **exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("Some fields are not valid."), "code": "invalid", "fields": fields}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"]), "code": getattr(exc, "default_code", "error")}
    if response.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response.data["code"] = "method_not_allowed"
    return response
