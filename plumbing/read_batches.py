"""The database reads of the websocket consumer, made in batches: one thread call answers the
questions of every socket that asked while the previous call ran (permissions per user and
stream, versions, snapshots shared where a stream allows it)."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from plumbing.models import StreamVersion
from plumbing.streams import get_stream

if TYPE_CHECKING:
    from plumbing.consumer import StreamConsumer


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
