"""Websocket routing: one endpoint, authenticated by the session cookie (a session that has not
passed the second factor its user needs counts as anonymous), refused unless the Origin header
names this site itself, scheme, host and port (cross-site websocket hijacking;
plumbing/websocket_limits.py)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from accounts.websocket import VerifiedSessionMiddleware
from plumbing.consumer import StreamConsumer
from plumbing.websocket_limits import SameOriginValidator

websocket_application = SameOriginValidator(
    AuthMiddlewareStack(VerifiedSessionMiddleware(URLRouter([path("ws/", StreamConsumer.as_asgi())])))
)
