from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported here, not at module level: this app imports no domain app, and organisations'
        # own modules import notifications.
        from notifications import (
            services,  # noqa: F401 - registers the outbox and digest jobs
            streams,
        )
        from notifications.inbox import NotificationInboxStream
        from notifications.models import Notification
        from organisations.permissions import Own, register_policy

        # A notification is its recipient's alone.
        register_policy(Notification, view=Own("recipient"), change=Own("recipient"))
        streams.register(NotificationInboxStream())
