"""The one websocket consumer, at ``/ws/``: every live stream speaks through it.

Protocol (docs/live-updates.md):
  client → ``{"subscribe": stream, "key": key}`` / ``{"unsubscribe": stream, "key": key}``
  server → ``snapshot``, then ``delta`` messages with strictly increasing per-key versions,
           a ``heartbeat`` with the current versions every WS_HEARTBEAT_SECONDS,
           ``unsubscribed`` when access is lost, ``error`` for a refused request.
A message outside the limits of ``notifications/websocket_limits.py`` (size, rate, shape) and a
socket beyond the user's cap get an ``error``, then the socket is closed with a 44xx code.

Rules of this module: every ORM call goes through ``database_sync_to_async``; relaying a delta
makes no query (its recipients were chosen when the group was joined, and access is re-checked
when it changes and on every heartbeat); a key the user may not see and a stream that does not
exist get the same answer.

Fan-out (STACK.md trap 8, docs/benchmarks.md): sockets do not join channel-layer groups
themselves. ``LocalGroups`` makes one channel of this process the only layer member of each group
that has subscribers here, so a change reaches the process once, and is then written to each local
socket in one loop, with the JSON text the publisher serialised once.
"""

import asyncio
import logging
import math
from collections import defaultdict
from dataclasses import dataclass

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications import events
from notifications.models import StreamVersion
from notifications.streams import get_stream
from notifications.websocket_limits import (
    CLOSE_REASONS,
    CLOSE_TOO_MANY_MESSAGES,
    CLOSE_TOO_MANY_SOCKETS,
    MessageBudget,
    Refused,
    parse_message,
    token,
)
from organisations.audit import current_ip_address, scope_client_address

logger = logging.getLogger(__name__)

# Seconds between attempts to reach the channel layer again after it failed (Redis restarting).
LAYER_RETRY_SECONDS = 0.5

# Heartbeats fall on the process's ticks of this length: the sockets due within one tick are
# re-checked together, in one batch of reads (``ReadBatches``), instead of one thread call each.
HEARTBEAT_TICK_SECONDS = 1.0


def next_heartbeat_delay(now: float) -> float:
    """Seconds from ``now`` (the event loop's clock) to a socket's next heartbeat:
    WS_HEARTBEAT_SECONDS, rounded up to the next tick shared by every socket of the process."""
    interval = settings.WS_HEARTBEAT_SECONDS
    tick = min(HEARTBEAT_TICK_SECONDS, interval)
    return math.ceil((now + interval) / tick) * tick - now


def read_versions(subscriptions) -> dict[tuple[str, str], int]:
    """The current version of each (stream, key), in one query."""
    stored = {
        (row.stream, row.key): row.version
        for row in StreamVersion.objects.filter(key__in={key for _, key in subscriptions})
    }
    return {subscription: stored.get(subscription, 0) for subscription in subscriptions}


@dataclass(eq=False)
class SubscribeRead:
    """A socket asks to follow ``stream``/``key``: answered with None (refused) or the snapshot's
    version and the encoded snapshot message."""

    consumer: "StreamConsumer"
    stream: object
    key: str


@dataclass(eq=False)
class AccessRead:
    """A socket re-checks its subscriptions: answered with (user still active and session still
    live, subscriptions lost, current versions of those kept when ``with_versions``)."""

    consumer: "StreamConsumer"
    subscriptions: list[tuple[str, str]]
    with_versions: bool


def read_batch(requests: list) -> list:
    """Answer the database questions of many sockets in one thread call: each user's activity
    once, each (user, stream) permission once for all its keys, each version once and, for a
    stream whose snapshot is the same for everyone allowed (``shared_snapshot``), each snapshot
    once per key and language, encoded once. A request that fails gets its exception as answer.

    Permissions are still decided per user: a shared snapshot is only handed to the sockets whose
    user was allowed the key in this same call."""
    users = {request.consumer.user.pk: request.consumer.user for request in requests}
    rechecks = [request for request in requests if isinstance(request, AccessRead)]
    rechecking = {request.consumer.user.pk for request in rechecks}
    active = set(get_user_model().objects.filter(pk__in=rechecking, is_active=True).values_list("pk", flat=True))
    # A session ends by logout, or expires (idle or absolute timeout, docs/security.md): its
    # sockets close at their next heartbeat at the latest.
    live_sessions = set(
        Session.objects.filter(
            session_key__in={request.consumer.session_key for request in rechecks}, expire_date__gt=timezone.now()
        ).values_list("session_key", flat=True)
    )

    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    for request in requests:
        user_id = request.consumer.user.pk
        if isinstance(request, SubscribeRead):
            wanted[user_id, request.stream.name].add(request.key)
        elif user_id in active:
            for name, key in request.subscriptions:
                wanted[user_id, name].add(key)
    allowed: dict[tuple[int, str], set[str] | Exception] = {}
    for (user_id, name), keys in wanted.items():
        stream = get_stream(name)
        try:
            allowed[user_id, name] = stream.allowed_keys(users[user_id], keys) if stream else set()
        except Exception as error:
            allowed[user_id, name] = error

    def may_follow(user_id, name, key) -> bool:
        keys = allowed[user_id, name]
        if isinstance(keys, Exception):
            raise keys
        return key in keys

    # Versions first, then snapshots: a snapshot is never older than the version it is sent with.
    needed = set()
    for request in requests:
        if isinstance(request, SubscribeRead):
            needed.add((request.stream.name, request.key))
        elif request.with_versions and request.consumer.user.pk in active:
            needed.update(request.subscriptions)
    versions = read_versions(needed)

    shared: dict[tuple[str, str, str], str | None] = {}
    answers = []
    for request in requests:
        user = request.consumer.user
        try:
            if isinstance(request, AccessRead):
                if user.pk not in active or request.consumer.session_key not in live_sessions:
                    answers.append((False, [], {}))
                    continue
                lost = [(name, key) for name, key in request.subscriptions if not may_follow(user.pk, name, key)]
                kept = [subscription for subscription in request.subscriptions if subscription not in lost]
                answers.append((True, lost, {sub: versions[sub] for sub in kept} if request.with_versions else {}))
                continue
            stream, key = request.stream, request.key
            if not may_follow(user.pk, stream.name, key):
                answers.append(None)
                continue
            version = versions[stream.name, key]
            if stream.shared_snapshot:
                cache_key = (stream.name, key, user.preferred_language)
                if cache_key not in shared:
                    shared[cache_key] = request.consumer.read_snapshot(stream, key, version)
                text = shared[cache_key]
            else:
                text = request.consumer.read_snapshot(stream, key, version)
            answers.append(None if text is None else (version, text))
        except Exception as error:
            answers.append(error)
    return answers


class ReadBatches:
    """The database reads of the sockets of one process, made in batches.

    Channels runs every ORM call of the process in one thread, so a burst of subscriptions (every
    board resubscribing after a Redis restart, a storm of reconnections) or of heartbeats queued
    one call per socket: ~15 ms each for a board's permission check and snapshot, 1,000 boards
    ≈ 17 s (docs/benchmarks.md). Here a request waits only while the previous batch is in the
    thread; everything that arrived meanwhile goes in the next call, together (``read_batch``).
    A lone request is read at once: nothing is delayed on purpose."""

    def __init__(self):
        self.queue: list[tuple[SubscribeRead | AccessRead, asyncio.Future]] = []
        self.draining: asyncio.Task | None = None

    async def ask(self, request: SubscribeRead | AccessRead):
        future = asyncio.get_running_loop().create_future()
        self.queue.append((request, future))
        if self.draining is None:
            self.draining = asyncio.ensure_future(self.drain())
        answer = await future
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def drain(self) -> None:
        try:
            while self.queue:
                batch, self.queue = self.queue, []
                try:
                    answers = await database_sync_to_async(read_batch)([request for request, _ in batch])
                except Exception as error:
                    answers = [error] * len(batch)
                for (_request, future), answer in zip(batch, answers, strict=True):
                    if not future.done():  # its socket may have gone meanwhile
                        future.set_result(answer)
        finally:
            self.draining = None

    def stop(self) -> None:
        if self.draining is not None:
            self.draining.cancel()


class LocalGroups:
    """The sockets of this process (one event loop) in each channel-layer group.

    Why not Channels' own groups: a group message is delivered to every member channel, so one
    change to a key with 1,000 boards meant 1,000 consumer dispatches, each waking the consumer's
    task and checking database connections in a thread (``AsyncConsumer.dispatch``); measured
    here at 0.3–0.6 ms per socket, 8–17 times a raw websocket broadcast (docs/benchmarks.md).

    Here one channel of the process joins the layer group when the first local socket follows
    the key and leaves it when the last one goes. The listener receives each event once and:
    - writes a delta to every local member inline (the publisher's JSON text, no query, no
      thread, no task switch per socket);
    - queues any other event (an access change) on each member's own queue, so that it is handled
      in order with that socket's requests, as a Channels dispatch would.

    With Redis (channels_redis.core.RedisChannelLayer) this also means: one group member per
    process instead of one per socket (a killed process leaves one stale member, STACK.md trap
    11); memberships are renewed before ``group_expiry`` drops them; and when Redis fails
    (restart), the sockets stay open, the listener joins its groups again as soon as Redis
    answers and asks every local socket for a heartbeat at once, so boards that missed a delta
    resubscribe within seconds instead of at the next regular heartbeat.
    """

    _by_loop: dict[asyncio.AbstractEventLoop, "LocalGroups"] = {}

    @classmethod
    def current(cls) -> "LocalGroups":
        """The instance of the running event loop (Daphne runs one; tests run one per test) and
        of the configured layer (tests may swap it)."""
        loop = asyncio.get_running_loop()
        for closed in [other for other in cls._by_loop if other.is_closed()]:
            del cls._by_loop[closed]
        layer = get_channel_layer()
        instance = cls._by_loop.get(loop)
        if instance is None or instance.layer is not layer:
            if instance is not None:
                instance.stop()
            instance = cls._by_loop[loop] = cls(layer)
        return instance

    def __init__(self, layer):
        self.layer = layer
        self.members: dict[str, set[StreamConsumer]] = {}  # group → local sockets
        self.joined: set[str] = set()  # groups the process channel is a layer member of
        # Layer membership changes run one at a time, in order: a join never overtakes the
        # leave of the same group (which would leave the process out of the group).
        self.lock = asyncio.Lock()
        self.channel: str | None = None
        self.tasks: set[asyncio.Task] = set()
        self.reads = ReadBatches()

    # --- membership --------------------------------------------------------------------------

    async def join(self, group: str, consumer: "StreamConsumer") -> None:
        """Relay ``group``'s events to ``consumer``. Returns once the process is a layer member
        of the group, so that a snapshot read after this call misses no later delta."""
        self.members.setdefault(group, set()).add(consumer)
        if group in self.joined:
            return
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.background(self.listen())
                self.background(self.renew())
            if group not in self.joined:
                await self.layer.group_add(group, self.channel)
                self.joined.add(group)

    def size(self, group: str) -> int:
        """How many sockets of this process follow ``group``."""
        return len(self.members.get(group, ()))

    def leave(self, group: str, consumer: "StreamConsumer") -> None:
        """Stop relaying ``group`` to ``consumer`` at once; the process leaves the layer group in
        the background once no local socket follows it."""
        members = self.members.get(group)
        if members is None:
            return
        members.discard(consumer)
        if not members:
            del self.members[group]
            self.background(self.discard_if_unused(group))

    async def discard_if_unused(self, group: str) -> None:
        async with self.lock:
            if group in self.joined and group not in self.members:
                self.joined.discard(group)
                try:
                    await self.layer.group_discard(group, self.channel)
                except Exception:
                    # Redis down: the membership goes with Redis's data or expires (group_expiry).
                    logger.warning("Could not leave %s on the channel layer.", group, exc_info=True)

    # --- the listener --------------------------------------------------------------------------

    async def listen(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except Exception:
                logger.warning("The channel layer failed; joining the groups again.", exc_info=True)
                await self.recover()
                continue
            await self.relay(event)

    async def relay(self, event: dict) -> None:
        members = self.members.get(event.get("group"))
        if not members:
            return
        if event["type"] == "stream.delta":
            # One ASGI message for every socket: nothing is built per socket but the frame.
            event["message"] = {"type": "websocket.send", "text": event["text"]}
            for consumer in list(members):
                try:
                    await consumer.stream_delta(event)
                except Exception:
                    # One broken socket must not keep the others from their delta.
                    logger.warning("A delta could not be written to a socket.", exc_info=True)
        else:
            for consumer in list(members):
                consumer.local_events.put_nowait(event)

    async def recover(self) -> None:
        """Join every group again once the layer answers (a Redis restart forgets them all),
        then send every local socket a heartbeat at once: deltas sent meanwhile were lost, and a
        board that sees a newer version resubscribes. The versions are read once for the whole
        process; access is re-checked by the regular heartbeats."""
        while True:
            await asyncio.sleep(LAYER_RETRY_SECONDS)
            try:
                await self.rejoin()
            except Exception:
                logger.debug("The channel layer is still unreachable.")
            else:
                break
        sockets = {consumer for members in self.members.values() for consumer in members}
        versions = await database_sync_to_async(read_versions)(
            {sub for consumer in sockets for sub in consumer.subscriptions}
        )
        for consumer in sockets:
            try:
                await consumer.send_versions(versions)
            except Exception:
                logger.warning("A heartbeat could not be written to a socket.", exc_info=True)

    async def rejoin(self) -> None:
        async with self.lock:
            for group in list(self.joined):
                await self.layer.group_add(group, self.channel)

    async def renew(self) -> None:
        """Renew the memberships before the layer expires them: channels_redis drops a group
        member ``group_expiry`` seconds after it joined, however long its socket stays open."""
        interval = getattr(self.layer, "group_expiry", 86400) / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.rejoin()
            except Exception:
                logger.warning("Could not renew the channel-layer groups.", exc_info=True)

    def background(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)  # a reference, so the task is not garbage-collected while it runs
        task.add_done_callback(self.tasks.discard)

    def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        self.reads.stop()


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
        # What this client may still send (notifications/websocket_limits.py); once a message is
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
