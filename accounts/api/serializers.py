from django.conf import settings
from rest_framework import serializers

from accounts.models import ApiToken
from organisations.api import strict


class ApiTokenSerializer(strict.ModelSerializer):
    """A token as listed: its name and first characters, never its text."""

    class Meta:
        model = ApiToken
        fields = ["token_key", "name", "created", "expiry", "last_used_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = strict.CharField(max_length=100)
    lifetime_days = serializers.IntegerField(min_value=1, max_value=settings.API_TOKEN_MAX_DAYS)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A token just made, with its text: the only time it is shown."""

    token = strict.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TwoFactorResetSerializer(serializers.Serializer):
    membership = serializers.IntegerField(help_text="The id of the member's membership in your organisation.")
