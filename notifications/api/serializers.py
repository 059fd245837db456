"""The notification as the API, the inbox stream and the pages show it: its text in the active
language (rendered now, never stored translated) and the link to its object."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.kinds import registered_kinds
from notifications.models import Delivery, Notification
from notifications.rendering import notification_label, notification_text, notification_url
from organisations.api import strict


class NotificationOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = strict.CharField()


class NotificationSerializer(strict.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    organisation = NotificationOrganisationSerializer(allow_null=True, read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "text", "url", "organisation", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_kind_label(self, notification) -> str:
        return notification_label(notification)

    def get_text(self, notification) -> str:
        return notification_text(notification)

    def get_url(self, notification) -> str:
        return notification_url(notification)

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class MarkAllReadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=(), required=False, help_text="Only this kind.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.code, kind.label) for kind in registered_kinds()]


class MarkAllReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked read.")
    unread_count = serializers.IntegerField()


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string", "enum": Delivery.values}})
class DeliveriesField(serializers.DictField):
    """Kind code → delivery (`in_app`, `email`, `digest`, `off`). A code that is no kind is
    refused by the service (422): the kinds are registered at start-up, not in the schema."""


class PreferenceSerializer(serializers.Serializer):
    kind = strict.CharField()
    label = strict.CharField()
    delivery = strict.CharField()
    locked = serializers.BooleanField(help_text="This kind cannot be switched off.")
    choices = serializers.ListField(child=strict.CharField())


class PreferencesUpdateSerializer(serializers.Serializer):
    deliveries = DeliveriesField(child=serializers.ChoiceField(choices=Delivery.choices))
