"""The client's address behind our own proxies, for a Django request and for an ASGI connection,
and the context variable through which the audit log reads it (set by ``AuditContextMiddleware``
and by the websocket consumer), so that no service has to be handed the request."""

from contextvars import ContextVar

from django.conf import settings

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)


def forwarded_client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The client's address, given the connection's peer and the request's X-Forwarded-For.

    Only the entries appended by our own proxies are believed: each of the
    ``settings.TRUSTED_PROXY_COUNT`` proxies in front of the application appends the address it
    was reached from, so the client is the entry that many places from the right. Whatever a
    client writes into the header itself stands further left and is never read. With no trusted
    proxy, the peer is the client. A header shorter than the proxies configured (a request that
    did not come through all of them) falls back to the peer."""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer or None
    entries = [entry.strip() for entry in (forwarded_for or "").split(",") if entry.strip()]
    if len(entries) < count:
        return peer or None
    return entries[-count]


def client_ip_address(meta: dict) -> str | None:
    """The address of the client of a Django request (``forwarded_client_address``)."""
    return forwarded_client_address(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"))


def scope_client_address(scope: dict) -> str | None:
    """The address of the client of an ASGI connection (a websocket), by the same rule."""
    client = scope.get("client")
    forwarded = [value for name, value in scope.get("headers", ()) if name == b"x-forwarded-for"]
    return forwarded_client_address(
        client[0] if client else None, b",".join(forwarded).decode("latin-1") if forwarded else None
    )
