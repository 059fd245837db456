"""The one websocket consumer, at ``/ws/``: every live stream speaks through it.

Protocol (docs/live-updates.md):
  client → ``{"subscribe": stream, "key": key}`` / ``{"unsubscribe": stream, "key": key}``
  server → ``snapshot``, then ``delta`` messages with strictly increasing per-key versions,
           a ``heartbeat`` with the current versions every WS_HEARTBEAT_SECONDS,
           ``unsubscribed`` when access is lost, ``error`` for a refused request.

Rules of this module: every ORM call goes through ``database_sync_to_async``; relaying a delta
makes no query (its recipients were chosen when the group was joined, and access is re-checked
when it changes and on every heartbeat); a key the user may not see and a stream that does not
exist get the same answer.
"""

import asyncio
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications import events
from notifications.models import StreamVersion
from notifications.streams import get_stream
from organisations.audit import current_ip_address

logger = logging.getLogger(__name__)

# Closed before accept: the handshake is refused (HTTP 403) and the browser sees close code 1006.
CLOSE_UNAUTHENTICATED = 4401


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Serves the subscribe / snapshot / delta / heartbeat protocol for every registered stream."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        # (stream, key) → last version sent to this socket
        self.subscriptions: dict[tuple[str, str], int] = {}
        await self.channel_layer.group_add(events.user_group(user.pk), self.channel_name)
        await self.accept()
        self.heartbeat_task = asyncio.create_task(self.heartbeat_loop())

    async def disconnect(self, code):
        if not hasattr(self, "user"):
            return
        self.heartbeat_task.cancel()
        await self.channel_layer.group_discard(events.user_group(self.user.pk), self.channel_name)
        for stream, key in list(self.subscriptions):
            await self.channel_layer.group_discard(events.stream_group(stream, key), self.channel_name)
        self.subscriptions.clear()

    # --- client requests ------------------------------------------------------------------

    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            await self.send_error("bad_request", _("Each message must be a JSON object."))
            return
        if "subscribe" in content:
            await self.subscribe(content.get("subscribe"), content.get("key"))
        elif "unsubscribe" in content:
            await self.unsubscribe(content.get("unsubscribe"), content.get("key"))
        else:
            await self.send_error("bad_request", _("Unknown request: send “subscribe” or “unsubscribe”."))

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            content = json.loads(text_data or "")
        except ValueError:
            await self.send_error("bad_request", _("Each message must be a JSON object."))
            return
        await self.receive_json(content)

    async def subscribe(self, stream_name, key):
        try:
            key = events.normalise_key(key)
        except ValueError:
            await self.send_error("not_found", _("Not found."), stream=stream_name, key=key)
            return
        stream = get_stream(stream_name) if isinstance(stream_name, str) else None
        if stream is None or not await self.allowed(stream_name, key):
            await self.send_error("not_found", _("Not found."), stream=stream_name, key=key)
            return
        # Join first, then read the snapshot: a delta committed in between arrives after the
        # snapshot with a version the snapshot already covers, and is dropped below.
        await self.channel_layer.group_add(events.stream_group(stream_name, key), self.channel_name)
        version, data = await database_sync_to_async(self.take_snapshot)(stream, key)
        self.subscriptions[(stream_name, key)] = version
        await self.send_json({"type": "snapshot", "stream": stream_name, "key": key, "version": version, "data": data})

    async def unsubscribe(self, stream_name, key):
        key = str(key)
        if self.subscriptions.pop((stream_name, key), None) is not None:
            await self.channel_layer.group_discard(events.stream_group(stream_name, key), self.channel_name)
        await self.send_json({"type": "unsubscribed", "stream": stream_name, "key": key, "reason": "requested"})

    # --- events from the channel layer ----------------------------------------------------

    async def stream_delta(self, event):
        """Relay a committed change: no query, the JSON text was built once by the publisher."""
        subscription = (event["stream"], event["key"])
        known = self.subscriptions.get(subscription)
        if known is None or event["version"] <= known:
            return
        self.subscriptions[subscription] = event["version"]
        await self.send(text_data=event["text"])

    async def access_changed(self, event):
        """A membership, partnership or consent of this user changed: re-check every subscription."""
        await self.recheck_access()

    # --- helpers ----------------------------------------------------------------------------

    async def heartbeat_loop(self):
        """Send the current versions every WS_HEARTBEAT_SECONDS and re-check access, so that a
        lost delta or a lost access change is caught within one heartbeat."""
        while True:
            await asyncio.sleep(settings.WS_HEARTBEAT_SECONDS)
            try:
                if not await self.recheck_access():
                    return
                versions = await database_sync_to_async(self.read_versions)(list(self.subscriptions))
                await self.send_json({"type": "heartbeat", "versions": versions})
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Heartbeat failed; closing the socket so that the client reconnects.")
                await self.close()
                return

    async def recheck_access(self) -> bool:
        """Drop the subscriptions the user lost; close the socket if the user was deactivated.
        Returns whether the socket stays open."""
        if not await database_sync_to_async(self.user_is_active)():
            await self.close()
            return False
        for stream_name, key in list(self.subscriptions):
            if not await self.allowed(stream_name, key):
                self.subscriptions.pop((stream_name, key), None)
                await self.channel_layer.group_discard(events.stream_group(stream_name, key), self.channel_name)
                await self.send_json(
                    {"type": "unsubscribed", "stream": stream_name, "key": key, "reason": "access_lost"}
                )
        return True

    async def allowed(self, stream_name: str, key: str) -> bool:
        stream = get_stream(stream_name)
        return stream is not None and await database_sync_to_async(stream.can_subscribe)(self.user, key)

    def take_snapshot(self, stream, key):
        ip_token = current_ip_address.set(self.client_ip())
        try:
            with translation.override(self.user.preferred_language):
                return events.current_version(stream.name, key), stream.snapshot(self.user, key)
        finally:
            current_ip_address.reset(ip_token)

    def read_versions(self, subscriptions) -> list[dict]:
        stored = {
            (row.stream, row.key): row.version
            for row in StreamVersion.objects.filter(key__in={key for _, key in subscriptions})
        }
        return [
            {"stream": stream, "key": key, "version": stored.get((stream, key), 0)} for stream, key in subscriptions
        ]

    def user_is_active(self) -> bool:
        return get_user_model().objects.filter(pk=self.user.pk, is_active=True).exists()

    def client_ip(self) -> str | None:
        client = self.scope.get("client")
        return client[0] if client else None

    async def send_error(self, code: str, message: str, **extra):
        with translation.override(self.user.preferred_language):
            await self.send_json({"type": "error", "code": code, "message": str(message), **extra})
