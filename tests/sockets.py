"""Opening the one websocket endpoint in tests, through the real routing stack (origin check,
session authentication with its second factor, the consumer) and the configured channel layer."""

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from config.routing import websocket_application
from tests.auth import login

# A page of this site, as the origin check wants it: the Origin's host and port are the Host's.
ORIGIN = b"http://localhost"
HOST = b"localhost"


@database_sync_to_async
def session_cookie_for(user) -> str:
    """The session cookie of a complete login (second factor included) as ``user``."""
    client = Client()
    login(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(user=None, *, client: Client | None = None, origin: bytes | None = ORIGIN, host: bytes = HOST):
    """A websocket from a page of ``origin`` served at ``host``: logged in as ``user`` (a fresh
    session), or with ``client``'s session, or anonymous. Returns (communicator, connected)."""
    headers = [(b"host", host)]
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None:
        cookie = await session_cookie_for(user)
    elif client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    else:
        cookie = None
    if cookie is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(websocket_application, "/ws/", headers=headers)
    connected, _code = await communicator.connect()
    return communicator, connected
