"""Writing the audit log: services call ``audit_record`` for every write, and selectors call
``audit_read`` for every read of a person's data. The request's IP address reaches them through a
context variable set by ``AuditContextMiddleware`` (and by the websocket consumer), so that no
service has to be handed the request."""

from contextvars import ContextVar

from django.conf import settings
from django.db import models

from organisations.models import AuditEntry

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)


def client_ip_address(meta: dict) -> str | None:
    """The client's address; behind the production proxy, the first X-Forwarded-For entry."""
    if settings.HTTPS:
        forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return meta.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor,
    organisation,
    action: str,
    obj: models.Model | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry. ``action`` is namespaced (``organisations.membership.granted``);
    ``details`` must hold no sensitive personal data: ids, codes and field names only."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=current_ip_address.get(),
        details=details or {},
    )


def audit_read(*, actor, organisation, obj: models.Model, what: str) -> AuditEntry:
    """Record that ``actor`` read personal data (``what``: ``person.file``, ``referral.detail``)."""
    return audit_record(actor=actor, organisation=organisation, action=f"{what}.read", obj=obj)
