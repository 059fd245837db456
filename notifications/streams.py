"""The registry of live streams. Apps register a stream (its name, who may subscribe to which key,
and what a snapshot holds) from their ``AppConfig.ready``; the one websocket consumer serves them
all with the same protocol (docs/live-updates.md)."""

from typing import Any


class Stream:
    """A live stream. Subclasses set ``name`` and answer the two questions below, both through the
    access policy. Both run in a thread with database access (never in the event loop)."""

    name: str = ""

    def can_subscribe(self, user, key: str) -> bool:
        """Whether ``user`` may follow ``key``; asked at subscribe time, on every heartbeat and
        whenever the user's access changes."""
        raise NotImplementedError

    def snapshot(self, user, key: str) -> Any:
        """The full current state of ``key`` as ``user`` may see it, JSON-serialisable."""
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
