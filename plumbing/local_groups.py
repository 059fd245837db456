"""The fan-out of the websocket consumer: one channel-layer member per process and group, which
writes each delta to the process's own sockets (STACK.md trap 8, docs/benchmarks.md)."""

import asyncio
import logging
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from plumbing.read_batches import ReadBatches, read_versions

if TYPE_CHECKING:
    from plumbing.consumer import StreamConsumer

logger = logging.getLogger(__name__)

# Seconds between attempts to reach the channel layer again after it failed (Redis restarting).
LAYER_RETRY_SECONDS = 0.5


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
