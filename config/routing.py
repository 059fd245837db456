"""Websocket routing: one endpoint, authenticated by the session cookie, refused unless the
Origin header names this site itself, scheme, host and port (cross-site websocket hijacking;
notifications/websocket_limits.py)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path

from notifications.consumers import StreamConsumer
from notifications.websocket_limits import SameOriginValidator

websocket_application = SameOriginValidator(AuthMiddlewareStack(URLRouter([path("ws/", StreamConsumer.as_asgi())])))
