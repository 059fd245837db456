"""Websocket routing: one endpoint, authenticated by the session cookie (a session that has not
passed the second factor its user needs counts as anonymous), refused unless the Origin header
names one of ALLOWED_HOSTS (cross-site websocket hijacking)."""

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from accounts.websocket import VerifiedSessionMiddleware
from notifications.consumers import StreamConsumer

websocket_application = AllowedHostsOriginValidator(
    AuthMiddlewareStack(VerifiedSessionMiddleware(URLRouter([path("ws/", StreamConsumer.as_asgi())])))
)
