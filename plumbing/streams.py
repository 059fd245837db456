"""The registry of live streams. Apps register a stream (its name, who may subscribe to which key,
and what a snapshot holds) from their ``AppConfig.ready``; the one websocket consumer serves them
all with the same protocol (docs/live-updates.md)."""

from collections.abc import Iterable
from typing import Any


class Stream:
    """A live stream. Subclasses set ``name`` and answer the questions below, all through the
    access policy. They run in a thread with database access (never in the event loop)."""

    name: str = ""

    # True when ``snapshot`` returns the same data for every user allowed to follow the key (the
    # payload names no person and depends on nobody's permissions beyond that check): the process
    # then reads one snapshot per key for all the sockets that subscribe at the same time.
    shared_snapshot: bool = False

    def can_subscribe(self, user, key: str) -> bool:
        """Whether ``user`` may follow ``key``; asked at subscribe time, on every heartbeat and
        whenever the user's access changes."""
        raise NotImplementedError

    def allowed_keys(self, user, keys: Iterable[str]) -> set[str]:
        """The keys among ``keys`` that ``user`` may follow. Override to answer in one query."""
        return {key for key in keys if self.can_subscribe(user, key)}

    def snapshot(self, user, key: str) -> Any:
        """The full current state of ``key`` as ``user`` may see it, JSON-serialisable. Called
        only for a key that ``can_subscribe``/``allowed_keys`` has just allowed to ``user``."""
        raise NotImplementedError


_STREAMS: dict[str, Stream] = {}


def register(stream: Stream) -> Stream:
    """Add a stream to the registry (idempotent for the same name)."""
    _STREAMS[stream.name] = stream
    return stream


def unregister(name: str) -> None:
    """Remove a stream (used by tests that register their own)."""
    _STREAMS.pop(name, None)


def get_stream(name: str) -> Stream | None:
    return _STREAMS.get(name)
