"""Websocket authentication: after Channels' session middleware has found the user, a session
that has not passed the second factor its user needs counts as not logged in."""

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from accounts.two_factor import session_passes_two_factor


class VerifiedSessionMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        passes = database_sync_to_async(session_passes_two_factor)
        if user is not None and user.is_authenticated and not await passes(scope["session"], user):
            scope = {**scope, "user": AnonymousUser()}
        return await super().__call__(scope, receive, send)
