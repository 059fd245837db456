"""Serializers of the organisations API. They shape data in and out; they hold no business
logic (the viewsets hand validated data to the services)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.choices import NeedCategory, PartnershipScope, Role, UILanguage
from organisations.errors import NotFoundError
from organisations.models import (
    AuditEntry,
    Location,
    Membership,
    Organisation,
    Partnership,
    Service,
    User,
    language_code_validator,
)
from organisations.validators import validate_name, working_date_validator


class OrganisationBriefSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "kind", "kind_label"]


class IdField(serializers.PrimaryKeyRelatedField):
    """Written as the id of an object. An id that does not exist is a 404, like an object the user
    may not reach: the schema says "an integer", and any integer is a well-formed request."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() == ["does_not_exist"]:
                raise NotFoundError() from None
            raise


class OrganisationField(IdField):
    """Written as an organisation id, read as the organisation's brief form (the schema says so:
    ``organisations.api.schema.OrganisationFieldExtension``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.filter(is_active=True))
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_representation(self, value):
        return OrganisationBriefSerializer(value).data

    def get_choices(self, cutoff=None):
        # The browsable API keys its select options by to_representation(), a dict here, which
        # cannot be a key: offer ids instead.
        queryset = self.get_queryset()
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {organisation.pk: self.display_value(organisation) for organisation in queryset}


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class LanguageListField(serializers.ListField):
    child = serializers.CharField(max_length=3, validators=[language_code_validator])

    def to_internal_value(self, data):
        return sorted(set(super().to_internal_value(data)))


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    languages_served = LanguageListField(required=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "kind_label",
            "description",
            "languages_served",
            "email",
            "phone",
            "website",
            "is_active",
        ]
        read_only_fields = ["id", "slug", "kind", "is_active"]


class MembershipSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "user",
            "organisation",
            "role",
            "role_label",
            "is_active",
            "valid_until",
            "created_at",
            "ended_at",
        ]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer):
    """Grant a role: to an existing user by email, or to a new one (then ``full_name`` is needed
    and the person sets a password through "forgot your password")."""

    organisation = IdField(queryset=Organisation.objects.filter(is_active=True))
    user_email = serializers.EmailField()
    full_name = serializers.CharField(max_length=150, required=False, validators=[validate_name])
    role = serializers.ChoiceField(choices=Role.choices)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, validators=[working_date_validator])

    def validate(self, attrs):
        attrs["user_email"] = attrs["user_email"].lower()
        if not User.objects.filter(email=attrs["user_email"]).exists() and not attrs.get("full_name"):
            raise serializers.ValidationError(
                {"full_name": _("Give the full name of a person who has no account yet.")}
            )
        return attrs


class MembershipUpdateSerializer(serializers.Serializer):
    valid_until = serializers.DateTimeField(allow_null=True, validators=[working_date_validator])


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    preferred_language = serializers.ChoiceField(choices=UILanguage.choices, required=False)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "preferred_language", "memberships"]
        read_only_fields = ["id", "email", "memberships"]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user):
        from organisations.selectors import user_memberships

        return MembershipSerializer(user_memberships(user=user), many=True).data


class PartnershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationField()
    partner = OrganisationField()
    scope = serializers.ChoiceField(choices=PartnershipScope.choices)
    scope_label = serializers.CharField(source="get_scope_display", read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "organisation",
            "partner",
            "scope",
            "scope_label",
            "note",
            "is_active",
            "created_at",
            "ended_at",
        ]
        read_only_fields = ["id", "is_active", "created_at", "ended_at"]


class LocationSerializer(serializers.ModelSerializer):
    organisation = OrganisationField()

    class Meta:
        model = Location
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            "address_1",
            "city",
            "region",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "is_active",
        ]
        read_only_fields = ["id"]


class ServiceSerializer(serializers.ModelSerializer):
    organisation = OrganisationField()
    need_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCategory.choices), allow_empty=False
    )
    languages = LanguageListField(allow_empty=False)
    locations = IdField(many=True, required=False, queryset=Location.objects.all())

    class Meta:
        model = Service
        fields = [
            "id",
            "organisation",
            "name",
            "description",
            "eligibility",
            "how_to_refer",
            "email",
            "url",
            "need_categories",
            "languages",
            "locations",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "organisation", "action", "object_type", "object_id", "ip_address", "details"]
        read_only_fields = fields
