"""``Idempotency-Key`` for API writes: the first request with a key runs and its answer is stored
in the same transaction; a replay with the same body gets that answer back and writes nothing; the
same key with a different body gets 422. Concurrent replays wait for the first one's commit on the
unique index, then read its answer."""

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from organisations.errors import ApplicationError
from organisations.models import IdempotencyRecord
from plumbing.jobs import periodic_job

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_FOR = timedelta(days=2)


class IdempotencyKeyReused(ApplicationError):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_message = _("This Idempotency-Key was already used for a different request.")


def _request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(view_method):
    """Decorate a viewset method (``create``, an ``@action``) that writes."""

    def wrapper(self, request, *args, **kwargs):
        key = request.META.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 200:
            raise ApplicationError(
                _("The Idempotency-Key is too long (200 characters at most)."), code="idempotency_key_invalid"
            )
        request_hash = _request_hash(request)
        scope = f"{request.method} {request.path}"
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=request.user, key=key, scope=scope, request_hash=request_hash
                )
                response = view_method(self, request, *args, **kwargs)
                if response.status_code >= 400:
                    # A refused request changed nothing; its key may be used again.
                    transaction.set_rollback(True)
                    return response
                record.status_code = response.status_code
                record.response_body = json.loads(json.dumps(response.data, default=str))
                record.save(update_fields=["status_code", "response_body"])
                return response
        except IntegrityError:
            stored = IdempotencyRecord.objects.get(user=request.user, key=key)
            if stored.request_hash != request_hash or stored.scope != scope:
                raise IdempotencyKeyReused() from None
            return Response(stored.response_body, status=stored.status_code, headers={"Idempotent-Replay": "true"})

    wrapper.__name__ = view_method.__name__
    wrapper.__doc__ = view_method.__doc__
    return wrapper


@periodic_job("organisations.idempotency_cleanup", every=timedelta(hours=1))
def idempotency_records_delete_old() -> int:
    """Forget stored answers after two days: keys protect retries, not history."""
    deleted, _details = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
