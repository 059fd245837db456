"""Websocket routing: one endpoint, authenticated by the session cookie, refused unless the
Origin header names one of ALLOWED_HOSTS (cross-site websocket hijacking)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from notifications.consumers import StreamConsumer

websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter([path("ws/", StreamConsumer.as_asgi())]))
)
