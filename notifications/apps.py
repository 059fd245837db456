from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported for what they register: the outbox and digest jobs; the organisations' kinds,
        # the receivers of its signals and the agreements' lapse job.
        from notifications import organisation_notices, services  # noqa: F401
        from notifications.inbox import NotificationInboxStream
        from notifications.models import Notification
        from organisations.permissions import Own, register_policy
        from plumbing import streams

        # A notification is its recipient's alone.
        register_policy(Notification, view=Own("recipient"), change=Own("recipient"))
        streams.register(NotificationInboxStream())
