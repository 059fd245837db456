"""Live events: the only module that talks to the channel layer.

``publish_on_commit`` bumps the key's version inside the caller's transaction and sends the delta
after the transaction commits, so nothing is ever pushed for a change that was rolled back. A send
that fails (Redis down) is logged and never fails the write: clients catch up through the version
in the next heartbeat or snapshot.
"""

import hashlib
import json
import logging
import re
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from plumbing.models import StreamVersion

logger = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

# Close codes of the websocket (docs/live-updates.md).
# The socket's session is not, or no longer, logged in (logout, expiry, password change,
# deactivation, second factor reset): the page must log in again, reconnecting is useless.
CLOSE_SESSION_ENDED = 4401
# One of the user's roles ended: the client reconnects and follows what it still may.
CLOSE_ACCESS_CHANGED = 4403


def normalise_key(key) -> str:
    """Stream keys are short ASCII strings so that they can be part of a channel group name."""
    key = str(key)
    if not KEY_PATTERN.match(key):
        raise ValueError(f"Invalid stream key: {key!r}")
    return key


def stream_group(stream: str, key) -> str:
    """The channel-layer group of everyone subscribed to ``stream``/``key``."""
    return f"stream.{stream}.{normalise_key(key)}"


def user_group(user_id: int) -> str:
    """The channel-layer group of all open sockets of one user."""
    return f"user.{user_id}"


def current_version(stream: str, key) -> int:
    """The version a snapshot of ``stream``/``key`` taken now corresponds to."""
    version = (
        StreamVersion.objects.filter(stream=stream, key=normalise_key(key)).values_list("version", flat=True).first()
    )
    return version or 0


def bump_version(stream: str, key: str) -> int:
    """Add one to the key's version and return it, in one statement (an upsert: PostgreSQL and
    SQLite). The row stays locked until the caller's transaction ends, so concurrent publishers
    on one key commit in version order."""
    quote = connection.ops.quote_name
    table = quote(StreamVersion._meta.db_table)
    stream_column, key_column, version_column = (
        quote(StreamVersion._meta.get_field(name).column) for name in ("stream", "key", "version")
    )
    # Identifiers come from the model, values are parameters.
    sql = (
        f"INSERT INTO {table} ({stream_column}, {key_column}, {version_column}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({stream_column}, {key_column}) "
        f"DO UPDATE SET {version_column} = {table}.{version_column} + 1 RETURNING {version_column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [stream, key])
        return cursor.fetchone()[0]


def encode(message: dict) -> str:
    """Serialise a message once, for every socket that receives it."""
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"))


def publish_on_commit(stream: str, key, data) -> int:
    """Publish ``data`` as the next delta of ``stream``/``key`` once the transaction commits.

    Call it inside the service's transaction. ``data`` is built with the REST serializer of the
    object, or is a function that builds it once the transaction has committed: the key's
    version stays locked from here to the commit, so by then every earlier version has committed
    too, and a state read then holds all of them (and perhaps a later change, which the next
    version's delta repeats). A state that takes long to read is read there, not while other
    writers of the key wait for its lock. Returns the new version.
    """
    key = normalise_key(key)
    version = bump_version(stream, key)
    if callable(data):
        transaction.on_commit(partial(_build_and_send_delta, stream, key, version, data))
    else:
        event = _delta_event(stream, key, version, data)
        transaction.on_commit(partial(send_to_group, stream_group(stream, key), event))
    return version


def _delta_event(stream: str, key: str, version: int, data) -> dict:
    text = encode(
        {"type": "delta", "stream": stream, "key": key, "version": version, "prev_version": version - 1, "data": data}
    )
    return {"type": "stream.delta", "stream": stream, "key": key, "version": version, "text": text}


def _build_and_send_delta(stream: str, key: str, version: int, build) -> None:
    """Read the delta's data after the commit and send it. Never raises, like ``send_to_group``:
    if the read fails, the boards catch up through the version in the next heartbeat."""
    try:
        data = build()
    except Exception:
        logger.exception("Live event %s/%s v%s could not be read; clients will resynchronise.", stream, key, version)
        return
    send_to_group(stream_group(stream, key), _delta_event(stream, key, version, data))


def publish_access_changed_on_commit(user_ids) -> None:
    """Tell the open sockets of these users, after commit, to check their subscriptions again
    (a membership, partnership or consent ended). Heartbeats re-check too, should this be lost."""
    for user_id in set(user_ids):
        transaction.on_commit(partial(send_to_group, user_group(user_id), {"type": "access.changed"}))


def session_hash(session_key: str | None) -> str | None:
    """What names a session in live events: a hash, so that no session key goes through Redis."""
    return hashlib.sha256(session_key.encode()).hexdigest() if session_key else None


def close_user_sockets_on_commit(user_ids, *, code: int) -> None:
    """Close every open socket of these users, after commit, with ``code``."""
    for user_id in set(user_ids):
        transaction.on_commit(partial(send_to_group, user_group(user_id), {"type": "sockets.close", "code": code}))


def close_session_sockets_on_commit(user_id: int, session_key: str) -> None:
    """Close the sockets of one session of this user (a logout), after commit."""
    event = {"type": "sockets.close", "code": CLOSE_SESSION_ENDED, "session": session_hash(session_key)}
    transaction.on_commit(partial(send_to_group, user_group(user_id), event))


def send_to_group(group: str, event: dict) -> None:
    """Send now. Never raises: the write this follows has already committed.

    The group's name travels in the event: each web process receives it once and relays it to
    its own sockets in that group (``plumbing.local_groups.LocalGroups``)."""
    try:
        async_to_sync(get_channel_layer().group_send)(group, {**event, "group": group})
    except Exception:
        logger.exception("Live event to %s could not be sent; clients will resynchronise.", group)
