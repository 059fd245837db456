"""The one websocket consumer, at ``/ws/``: every live stream speaks through it.

Protocol (docs/live-updates.md):
  client → ``{"subscribe": stream, "key": key}`` / ``{"unsubscribe": stream, "key": key}``
  server → ``snapshot``, then ``delta`` messages with strictly increasing per-key versions,
           a ``heartbeat`` with the current versions every WS_HEARTBEAT_SECONDS,
           ``unsubscribed`` when access is lost, ``error`` for a refused request.
A message outside the limits of ``plumbing/websocket_limits.py`` (size, rate, shape) and a
socket beyond the user's cap get an ``error``, then the socket is closed with a 44xx code.

Rules of this module: every ORM call goes through ``database_sync_to_async``; relaying a delta
makes no query (its recipients were chosen when the group was joined, and access is re-checked
when it changes and on every heartbeat); a key the user may not see and a stream that does not
exist get the same answer.

Fan-out (STACK.md trap 8, docs/benchmarks.md): sockets do not join channel-layer groups
themselves. ``LocalGroups`` (``plumbing.local_groups``) makes one channel of this process the only
layer member of each group that has subscribers here, so a change reaches the process once, and
is then written to each local socket in one loop, with the JSON text the publisher serialised
once. The sockets' database reads are batched (``plumbing.read_batches``).
"""

import asyncio
import logging
import math

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from plumbing import events
from plumbing.client_address import current_ip_address, scope_client_address
from plumbing.local_groups import LocalGroups
from plumbing.read_batches import AccessRead, SubscribeRead
from plumbing.streams import get_stream
from plumbing.websocket_limits import (
    CLOSE_REASONS,
    CLOSE_TOO_MANY_MESSAGES,
    CLOSE_TOO_MANY_SOCKETS,
    MessageBudget,
    Refused,
    parse_message,
    token,
)

logger = logging.getLogger(__name__)

# Heartbeats fall on the process's ticks of this length: the sockets due within one tick are
# re-checked together, in one batch of reads (``ReadBatches``), instead of one thread call each.
HEARTBEAT_TICK_SECONDS = 1.0


def next_heartbeat_delay(now: float) -> float:
    """Seconds from ``now`` (the event loop's clock) to a socket's next heartbeat:
    WS_HEARTBEAT_SECONDS, rounded up to the next tick shared by every socket of the process."""
    interval = settings.WS_HEARTBEAT_SECONDS
    tick = min(HEARTBEAT_TICK_SECONDS, interval)
    return math.ceil((now + interval) / tick) * tick - now


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Serves the subscribe / snapshot / delta / heartbeat protocol for every registered stream.

    Channels runs every ORM call of the process in one thread: a socket's database questions (the
    permission check with the snapshot, the access check with a heartbeat's versions) go through
    the process's ``ReadBatches``, so that a burst of handshakes, resubscriptions or heartbeats
    makes a few thread calls for all the sockets, not one each.
    """

    async def __call__(self, scope, receive, send):
        """Channels' ``AsyncConsumer.__call__`` without a channel-layer channel per socket: the
        socket's events come from ``LocalGroups`` through ``local_events`` (deltas directly)."""
        self.scope = scope
        self.base_send = send
        self.local_groups = LocalGroups.current()
        self.local_events: asyncio.Queue = asyncio.Queue()
        self.groups_joined: set[str] = set()
        # (stream, key) → last version sent to this socket
        self.subscriptions: dict[tuple[str, str], int] = {}
        # (stream, key) → deltas that arrived while the snapshot was being read
        self.pending: dict[tuple[str, str], list[dict]] = {}
        # What this client may still send (plumbing/websocket_limits.py); once a message is
        # refused the socket is closing, and whatever the client queued after it is dropped.
        self.budget = MessageBudget.from_settings()
        self.refused = False
        try:
            await await_many_dispatch([receive, self.local_events.get], self.dispatch)
        except StopConsumer:
            pass
        finally:
            # Also when the consumer failed: a dead socket must not stay in the groups.
            for group in self.groups_joined:
                self.local_groups.leave(group, self)
            if hasattr(self, "heartbeat_task"):
                self.heartbeat_task.cancel()

    async def dispatch(self, message):
        """Channels' dispatch without its ``close_old_connections`` thread call before every
        message: every ORM call here goes through ``database_sync_to_async``, which does that
        itself, and the extra call queued each client message behind the database work of all
        the other sockets."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def join(self, group: str) -> None:
        self.groups_joined.add(group)
        await self.local_groups.join(group, self)

    def leave(self, group: str) -> None:
        self.groups_joined.discard(group)
        self.local_groups.leave(group, self)

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Closed before accept: the handshake is refused (HTTP 403); the browser sees 1006.
            await self.close(code=events.CLOSE_SESSION_ENDED)
            return
        self.user = user
        self.session_key = self.scope["session"].session_key
        self.session_hash = events.session_hash(self.session_key)
        group = events.user_group(user.pk)
        # Counted and joined with no await in between, so two handshakes cannot both take the
        # last place. Accepted first, so that the browser sees the close code.
        if self.local_groups.size(group) >= settings.WS_MAX_SOCKETS_PER_USER:
            await self.accept()
            await self.refuse(CLOSE_TOO_MANY_SOCKETS)
            return
        await self.join(group)
        await self.accept()
        self.heartbeat_task = asyncio.create_task(self.heartbeat_loop())

    async def disconnect(self, code):
        # Groups are left when the consumer ends (``__call__``).
        self.subscriptions.clear()

    # --- client requests ------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        """Every client message passes the rate, size and shape limits first: a message outside
        them closes the socket (``refuse``)."""
        if self.refused:
            return
        try:
            if not self.budget.spend():
                raise Refused(CLOSE_TOO_MANY_MESSAGES)
            content = parse_message(text_data, bytes_data)
        except Refused as refusal:
            await self.refuse(refusal.close_code)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        if "subscribe" in content:
            await self.subscribe(content.get("subscribe"), content.get("key"))
        elif "unsubscribe" in content:
            await self.unsubscribe(content.get("unsubscribe"), content.get("key"))
        else:
            await self.send_error("bad_request", _("Unknown request: send “subscribe” or “unsubscribe”."))

    async def subscribe(self, stream_name, key):
        # Only well-formed names and keys are repeated in the answer (``token``), so that the
        # client can tell which subscription failed; nothing else the client wrote comes back.
        stream_name, key = token(stream_name), token(key)
        if not (stream_name and key):
            await self.send_error("not_found", _("Not found."))
            return
        stream = get_stream(stream_name)
        if stream is None:
            await self.send_error("not_found", _("Not found."), stream=stream_name, key=key)
            return
        # Join first, then check access and read the snapshot (one thread call). Nothing reaches
        # the socket before the check passed: deltas that arrive meanwhile wait in ``pending``
        # and are replayed after the snapshot; those it already covers are dropped.
        subscription = (stream_name, key)
        group = events.stream_group(stream_name, key)
        self.pending[subscription] = []
        try:
            await self.join(group)
            snapshot = await self.local_groups.reads.ask(SubscribeRead(self, stream, key))
        finally:
            buffered = self.pending.pop(subscription)
        if snapshot is None:
            if subscription not in self.subscriptions:
                self.leave(group)
            await self.send_error("not_found", _("Not found."), stream=stream_name, key=key)
            return
        version, text = snapshot
        self.subscriptions[subscription] = version
        await self.send(text_data=text)
        for event in buffered:
            await self.stream_delta(event)

    async def unsubscribe(self, stream_name, key):
        stream_name, key = token(stream_name), token(key)
        if not (stream_name and key):
            await self.send_error("not_found", _("Not found."))
            return
        if self.subscriptions.pop((stream_name, key), None) is not None:
            self.leave(events.stream_group(stream_name, key))
        await self.send_json({"type": "unsubscribed", "stream": stream_name, "key": key, "reason": "requested"})

    # --- events (from LocalGroups) ----------------------------------------------------------

    async def stream_delta(self, event):
        """Relay a committed change: no query, the JSON text was built once by the publisher."""
        subscription = (event["stream"], event["key"])
        if subscription in self.pending:
            self.pending[subscription].append(event)
            return
        known = self.subscriptions.get(subscription)
        if known is None or event["version"] <= known:
            return
        self.subscriptions[subscription] = event["version"]
        # Straight to the ASGI send, past the consumer's own ``send`` methods (same message).
        await self.base_send(event.get("message") or {"type": "websocket.send", "text": event["text"]})

    async def access_changed(self, event):
        """A membership, partnership or consent of this user changed: re-check every subscription."""
        await self.recheck_access()

    async def sockets_close(self, event):
        """The user's session ended (logout: this session only) or their access changed: close
        with the event's code, at once (``events.close_user_sockets_on_commit``)."""
        if event.get("session") in (None, self.session_hash):
            await self.close(code=event["code"])

    # --- helpers ----------------------------------------------------------------------------

    async def heartbeat_loop(self):
        """Send the current versions every WS_HEARTBEAT_SECONDS and re-check access, so that a
        lost delta or a lost access change is caught within one heartbeat."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(next_heartbeat_delay(loop.time()))
            if not await self.send_heartbeat():
                return

    async def send_heartbeat(self) -> bool:
        """Re-check access, then send the current versions. Returns whether the socket stays open."""
        try:
            return await self.recheck_access(heartbeat=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Heartbeat failed; closing the socket so that the client reconnects.")
            await self.close()
            return False

    async def recheck_access(self, heartbeat: bool = False) -> bool:
        """Drop the subscriptions the user lost; close the socket if the user was deactivated or
        the session ended; for a heartbeat, then send the current versions. Returns whether the
        socket stays open."""
        request = AccessRead(self, list(self.subscriptions), with_versions=heartbeat)
        active, lost, versions = await self.local_groups.reads.ask(request)
        if not active:
            await self.close(code=events.CLOSE_SESSION_ENDED)
            return False
        for stream_name, key in lost:
            if self.subscriptions.pop((stream_name, key), None) is not None:
                self.leave(events.stream_group(stream_name, key))
                await self.send_json(
                    {"type": "unsubscribed", "stream": stream_name, "key": key, "reason": "access_lost"}
                )
        if heartbeat:
            await self.send_versions(versions)
        return True

    async def send_versions(self, versions: dict[tuple[str, str], int]) -> None:
        """A heartbeat: the current version of each subscription of this socket."""
        await self.send_json(
            {
                "type": "heartbeat",
                "versions": [
                    {"stream": stream, "key": key, "version": versions[(stream, key)]}
                    for stream, key in self.subscriptions
                    if (stream, key) in versions  # not one subscribed while the versions were read
                ],
            }
        )

    # --- database work (runs in the database thread, from ``read_batch``) --------------------

    def read_snapshot(self, stream, key: str, version: int) -> str | None:
        """The encoded snapshot message of a key this user was just allowed, read in the user's
        language and with the socket's address for the audit log (``read_batch``). None when the
        object went away between the check and the read."""
        ip_token = current_ip_address.set(self.client_ip())
        try:
            with translation.override(self.user.preferred_language):
                data = stream.snapshot(self.user, key)
                # Encoded here, in the user's language (lazy strings), once for a shared snapshot.
                return events.encode(
                    {"type": "snapshot", "stream": stream.name, "key": key, "version": version, "data": data}
                )
        except ObjectDoesNotExist:
            return None
        finally:
            current_ip_address.reset(ip_token)

    def client_ip(self) -> str | None:
        return scope_client_address(self.scope)

    async def send_error(self, code: str, message: str, **extra):
        with translation.override(self.user.preferred_language):
            await self.send_json({"type": "error", "code": code, "message": str(message), **extra})

    async def refuse(self, close_code: int) -> None:
        """Say why in an ``error`` message, then close with ``close_code`` (websocket_limits)."""
        self.refused = True
        code, message = CLOSE_REASONS[close_code]
        await self.send_error(code, message)
        await self.close(code=close_code, reason=code)
