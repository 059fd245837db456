"""Admin site: the email outbox, so that a failing SMTP server is visible (and a failed email can
be queued again); notifications are read-only."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification, OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["pk", "recipient", "address", "notification", "digest_day", "status", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    # ``params`` may hold an invitation's one-time link until the email is sent: not shown.
    fields = readonly_fields = [field.name for field in OutgoingEmail._meta.fields if field.name != "params"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try sending again now"))
    def retry(self, request, queryset):
        queryset.exclude(status=OutgoingEmail.Status.SENT).update(
            status=OutgoingEmail.Status.PENDING, next_attempt_at=timezone.now()
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["pk", "recipient", "kind", "organisation", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
