"""Session lifetime: an idle timeout and an absolute one (docs/security.md).

The expiry written in the session row is always the earlier of "idle timeout from the last
refresh" and "absolute timeout from the login", so Django itself refuses an expired session, and
the websocket heartbeat finds it expired by reading that one column. The idle expiry is pushed
back at most once every ``SESSION_REFRESH_SECONDS``: a page making many requests writes its
session once a minute, not on each request.
"""

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.utils import timezone

# Session keys: when the session logged in, and when its idle expiry was last pushed back
# (Unix times, in seconds).
STARTED_KEY = "passerelle_started_at"
REFRESHED_KEY = "passerelle_refreshed_at"


def _now() -> int:
    return int(timezone.now().timestamp())


def _expire(session, now: int, started: int) -> int:
    """Set the session's expiry from ``now``; returns how many seconds it has left."""
    idle = int(settings.SESSION_IDLE_TIMEOUT_MINUTES * 60)
    remaining = min(idle, started + int(settings.SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600) - now)
    session[REFRESHED_KEY] = now
    if remaining > 0:
        session.set_expiry(remaining)
    return remaining


def session_start(session) -> None:
    """A login: the absolute timeout counts from now."""
    now = _now()
    session[STARTED_KEY] = now
    _expire(session, now, now)


def session_refresh(request) -> None:
    """A request of a logged-in session: push the idle expiry back, at most once a refresh
    interval; log out a session past its absolute timeout."""
    session = request.session
    now = _now()
    if now - session.get(REFRESHED_KEY, 0) < settings.SESSION_REFRESH_SECONDS:
        return
    if _expire(session, now, session.setdefault(STARTED_KEY, now)) <= 0:
        logout(request)


def user_sessions_end(user) -> int:
    """Delete every live session of ``user`` (a second factor reset). Sessions name their user
    only inside their encoded data, so this reads each live session once: there are about as many
    as people working right now, since a session ends after its idle timeout."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
