"""The ``notifications.inbox`` live stream: one key per user, their own notifications."""

from plumbing.streams import Stream

SNAPSHOT_SIZE = 10


class NotificationInboxStream(Stream):
    """Key: a user id; only that user may subscribe. A snapshot holds the unread count and the
    latest notifications, worded in the user's language; a delta the new count and the new
    notification (or none, when some were marked read)."""

    name = "notifications.inbox"

    def can_subscribe(self, user, key: str) -> bool:
        return bool(user and user.is_authenticated and user.is_active and key == str(user.pk))

    def snapshot(self, user, key: str):
        from django.conf import settings
        from django.utils import translation

        from notifications import selectors, services
        from notifications.api.serializers import NotificationSerializer

        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            latest = selectors.notifications_mark_visibility(
                user=user, notifications=list(selectors.notification_list(user=user)[:SNAPSHOT_SIZE])
            )
            latest = NotificationSerializer(latest, many=True).data
        return {"unread_count": services.unread_count(user), "latest": latest}
