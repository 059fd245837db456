"""What a websocket client may send, and from where: the origin check, the size, rate and shape of
messages and the number of sockets per user (docs/security.md, "Websockets").

The consumer (``plumbing/consumer.py``) asks this module and closes the socket with one of
the close codes below; ``static/js/live.js`` does not reconnect after a close in the 4400–4499
range (nor after 1009, Daphne's own "message too big"), since the same page would be refused
again. The limits are settings (``WS_*`` in config/settings.py).
"""

import json
import time
import urllib.parse
from dataclasses import dataclass, field

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.translation import gettext_lazy as _

from plumbing.events import KEY_PATTERN

# Close codes after the handshake was accepted: the 4000–4999 range is the application's own
# (RFC 6455, 7.4.2); each mirrors the HTTP status of the same meaning.
CLOSE_BAD_MESSAGE = 4400
CLOSE_TOO_MANY_SOCKETS = 4409
CLOSE_MESSAGE_TOO_LARGE = 4413
CLOSE_TOO_MANY_MESSAGES = 4429

# code → (the ``error`` message's code, its text, the close frame's reason)
CLOSE_REASONS = {
    CLOSE_BAD_MESSAGE: ("bad_message", _("Each message must be a JSON object of a few fields.")),
    CLOSE_TOO_MANY_SOCKETS: ("too_many_sockets", _("Too many live connections are open for your account.")),
    CLOSE_MESSAGE_TOO_LARGE: ("message_too_large", _("The message is too large.")),
    CLOSE_TOO_MANY_MESSAGES: ("too_many_messages", _("Too many messages in a short time.")),
}


class Refused(Exception):
    """A client message that ends the socket: ``close_code`` says why."""

    def __init__(self, close_code: int):
        super().__init__(close_code)
        self.close_code = close_code


def parse_message(text: str | None, bytes_data: bytes | None = None) -> dict:
    """The client's message as a JSON object, or ``Refused``: a binary frame, a message over
    WS_MAX_MESSAGE_BYTES, text that is not JSON, JSON nested past the parser's recursion limit
    (``json.loads`` raises ``RecursionError`` there: caught, never logged) or anything but an
    object."""
    if bytes_data is not None or text is None:
        raise Refused(CLOSE_BAD_MESSAGE)
    limit = settings.WS_MAX_MESSAGE_BYTES
    # A character is at least one byte: only text near the limit needs encoding to be measured.
    if len(text) > limit or (len(text) * 4 > limit and len(text.encode()) > limit):
        raise Refused(CLOSE_MESSAGE_TOO_LARGE)
    try:
        content = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(CLOSE_BAD_MESSAGE) from None
    if not isinstance(content, dict):
        raise Refused(CLOSE_BAD_MESSAGE)
    return content


def token(value) -> str | None:
    """``value`` as a stream name or key the server may repeat back, or None: only short ASCII
    identifiers (``events.KEY_PATTERN``) are ever sent back to the client, never what it wrote."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    value = str(value)
    return value if KEY_PATTERN.match(value) else None


@dataclass
class MessageBudget:
    """A token bucket per socket: ``burst`` messages at once, then ``per_second`` on average.

    Messages are counted when the consumer takes them, one after another, so a flood waiting in
    the server's queue spends the budget as fast as the consumer reads it."""

    burst: float
    per_second: float
    tokens: float = field(init=False)
    checked_at: float = field(init=False, default_factory=time.monotonic)

    def __post_init__(self):
        self.tokens = self.burst

    @classmethod
    def from_settings(cls) -> "MessageBudget":
        return cls(burst=settings.WS_MESSAGE_BURST, per_second=settings.WS_MESSAGES_PER_SECOND)

    def spend(self) -> bool:
        """Take one message from the budget; False when it is exhausted."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.checked_at) * self.per_second)
        self.checked_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


# --- The origin check ---------------------------------------------------------------------------------

DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or URL, the port made explicit; None if it has none."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def is_secure(headers: dict[bytes, bytes], scope: dict) -> bool:
    """Whether the browser reached us over TLS, by Django's rule for HTTP requests: the
    SECURE_PROXY_SSL_HEADER set by the TLS-terminating proxy, else the connection's own scheme."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        name, value = settings.SECURE_PROXY_SSL_HEADER
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        return headers.get(header, b"").decode("latin-1").split(",")[0].strip() == value
    return scope.get("scheme") == "wss"


def origin_allowed(scope: dict) -> bool:
    """The ``Origin`` of a websocket handshake is this site's own: the same scheme, host and port
    as the address the browser connected to (its ``Host``, which must be one of ALLOWED_HOSTS),
    or one of CSRF_TRUSTED_ORIGINS. The rule Django applies to the Origin of a form's POST."""
    headers = dict(scope.get("headers") or [])
    origin = origin_of(headers.get(b"origin", b"").decode("latin-1"))
    host = headers.get(b"host", b"").decode("latin-1")
    if origin is None or not host:
        return False
    domain, _port = split_domain_port(host)
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]  # Django's own default in DEBUG
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    scheme = "https" if is_secure(headers, scope) else "http"
    trusted = [origin_of(f"{scheme}://{host}")] + [origin_of(url) for url in settings.CSRF_TRUSTED_ORIGINS]
    return origin in trusted


class SameOriginValidator:
    """ASGI middleware: refuses the handshake (HTTP 403) unless ``origin_allowed``. Channels'
    ``AllowedHostsOriginValidator`` compares the host only, so a page served by another port or
    over plain HTTP of the same host could open a socket with the user's cookie."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
