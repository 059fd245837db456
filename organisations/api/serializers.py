"""Serializers of the organisations API. They shape data in and out; they hold no business
logic (the viewsets hand validated data to the services)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.api import strict
from organisations.choices import DataGroup, InvitationStatus, NeedCategory, PartnershipScope, Role, UILanguage
from organisations.errors import NotFoundError
from organisations.models import (
    AuditEntry,
    DataSharingAgreement,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
    User,
    language_code_validator,
)
from organisations.permissions import Action
from organisations.texts import LANGUAGE_CODES
from organisations.validators import working_date_validator


def translated_fields(*texts: str) -> list[str]:
    """The API's fields for texts written in three languages (``organisations/translation.py``):
    ``name`` in the reader's language (else French), read-only, then ``name_fr``, ``name_en``
    and ``name_es`` to read and write, null where not written."""
    return [field for text in texts for field in (text, *(f"{text}_{code}" for code in LANGUAGE_CODES))]


def french_required(*texts: str) -> dict:
    """``extra_kwargs`` making the French text of ``texts`` required and never null (French is
    the reference every reader falls back to)."""
    return {f"{text}_fr": {"required": True, "allow_null": False, "allow_blank": False} for text in texts}


class RestrictedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """Written as the id of an object the requesting user may perform ``action`` on; the one
    way an API input names another object, and what the browsable API's forms offer.

    Any other id, whether it exists or not, is a 404 like the object itself (never a 400 "does
    not exist" next to a 404 "not allowed", which would tell the two apart), and the choices the
    browsable API lists are only the objects the user may act on.
    """

    def __init__(self, *, model, action: str = Action.CHANGE, **kwargs):
        self.model = model
        self.action = action
        # The unrestricted queryset only tells the schema generator the model; reads go through
        # get_queryset(), which restricts to the request's user.
        kwargs.setdefault("queryset", model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.model.objects.restrict(getattr(request, "user", None), self.action)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise NotFoundError()
        return obj


class OrganisationBriefSerializer(strict.ModelSerializer):
    kind_label = strict.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "kind", "kind_label"]


class OrganisationField(RestrictedPrimaryKeyField):
    """Written as the id of an active organisation the user may see, read as its brief form (the
    schema says so: ``organisations.api.schema.OrganisationFieldExtension``)."""

    def __init__(self, **kwargs):
        super().__init__(model=Organisation, action=Action.VIEW, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)

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


class UserBriefSerializer(strict.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class LanguageListField(serializers.ListField):
    child = strict.CharField(max_length=3, validators=[language_code_validator])

    def to_internal_value(self, data):
        return sorted(set(super().to_internal_value(data)))


class OrganisationSerializer(strict.ModelSerializer):
    kind_label = strict.CharField(source="get_kind_display", read_only=True)
    languages_served = LanguageListField(required=False)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "kind_label",
            *translated_fields("description"),
            "languages_served",
            "email",
            "phone",
            "website",
            "is_active",
        ]
        # The name is the platform staff's to change (``organisation_update``).
        read_only_fields = ["id", "slug", "name", "kind", "is_active", "description"]


class MembershipSerializer(strict.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    role_label = strict.CharField(source="get_role_display", read_only=True)

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


class MembershipInvitationSerializer(strict.ModelSerializer):
    """An invitation as its organisation's admins see it. Nothing in it depends on whether the
    address has an account."""

    organisation = OrganisationBriefSerializer(read_only=True)
    role_label = strict.CharField(source="get_role_display", read_only=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)
    status_label = strict.CharField(source="get_status_display", read_only=True)
    invited_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = MembershipInvitation
        fields = [
            "id",
            "organisation",
            "email",
            "role",
            "role_label",
            "membership_valid_until",
            "status",
            "status_label",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "declined_at",
            "revoked_at",
        ]
        read_only_fields = fields


class MembershipInvitationCreateSerializer(serializers.Serializer):
    """Invite whoever owns ``email`` to ``role``; they accept from the link in the email (with
    their account, or by creating one). ``language``: the email's language for someone with no
    account (an account's own preferred language wins)."""

    organisation = OrganisationField()
    email = strict.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    membership_valid_until = serializers.DateTimeField(
        required=False, allow_null=True, validators=[working_date_validator]
    )
    language = serializers.ChoiceField(choices=UILanguage.choices, required=False)


class MembershipUpdateSerializer(serializers.Serializer):
    valid_until = serializers.DateTimeField(allow_null=True, validators=[working_date_validator])


class MeSerializer(strict.ModelSerializer):
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


class AgreementSerializer(strict.ModelSerializer):
    """A data-sharing agreement the partnership rests on: what it covers and when. Its signed PDF
    is not in the API: both sides' admins and coordinators open it on the partnerships page."""

    purposes = serializers.ListField(child=serializers.ChoiceField(choices=NeedCategory.choices), read_only=True)
    data_groups = serializers.ListField(child=serializers.ChoiceField(choices=DataGroup.choices), read_only=True)
    in_force = serializers.SerializerMethodField()
    recorded_by = OrganisationBriefSerializer(source="recorded_for", read_only=True)

    class Meta:
        model = DataSharingAgreement
        fields = [
            "id",
            "reference",
            "purposes",
            "data_groups",
            "valid_from",
            "valid_until",
            "in_force",
            "recorded_by",
            "recorded_at",
            "ended_at",
        ]
        read_only_fields = fields

    def get_in_force(self, agreement: DataSharingAgreement) -> bool:
        """Whether it covers referrals or holds today."""
        return agreement.is_in_force()


class PartnershipSerializer(strict.ModelSerializer):
    """A partnership as both sides see it: which side proposed it and when it was answered or
    ended (the people who acted are in each side's audit log), and the data-sharing agreements
    it rests on (a referral or a hold needs one in force that covers what it shares)."""

    organisation = OrganisationBriefSerializer(read_only=True)
    partner = OrganisationBriefSerializer(read_only=True)
    scope_label = strict.CharField(source="get_scope_display", read_only=True)
    status_label = strict.CharField(source="get_status_display", read_only=True)
    proposed_by = OrganisationBriefSerializer(read_only=True)
    ended_by = OrganisationBriefSerializer(read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "organisation",
            "partner",
            "scope",
            "scope_label",
            "note",
            "status",
            "status_label",
            "proposed_by",
            "created_at",
            "answered_at",
            "ended_by",
            "ended_at",
            "agreements",
        ]
        read_only_fields = fields


class PartnershipProposeSerializer(serializers.Serializer):
    """Propose that ``organisation`` works with ``partner`` for ``scope`` (referrals: it refers
    people to the partner; housing: it sees and holds the partner's beds). ``proposed_by`` is
    your side: by default ``organisation`` if you manage its partnerships, else ``partner``. The
    other side's admins or coordinators accept or decline."""

    organisation = OrganisationField()
    partner = OrganisationField()
    scope = serializers.ChoiceField(choices=PartnershipScope.choices)
    note = strict.CharField(required=False, default="", allow_blank=True)
    proposed_by = OrganisationField(required=False)


class LocationSerializer(strict.ModelSerializer):
    organisation = OrganisationField()

    class Meta:
        model = Location
        fields = [
            "id",
            "organisation",
            *translated_fields("name", "description"),
            "address_1",
            "city",
            "region",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "is_active",
        ]
        read_only_fields = ["id", "name", "description"]
        extra_kwargs = french_required("name")


class ServiceSerializer(strict.ModelSerializer):
    organisation = OrganisationField()
    need_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCategory.choices), allow_empty=False
    )
    languages = LanguageListField(allow_empty=False)
    locations = RestrictedPrimaryKeyField(model=Location, action=Action.VIEW, many=True, required=False)

    class Meta:
        model = Service
        fields = [
            "id",
            "organisation",
            *translated_fields("name", "description", "eligibility", "how_to_refer"),
            "email",
            "url",
            "need_categories",
            "languages",
            "locations",
            "is_active",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at", "name", "description", "eligibility", "how_to_refer"]
        extra_kwargs = french_required("name")


class AuditEntrySerializer(strict.ModelSerializer):
    actor = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor", "organisation", "action", "object_type", "object_id", "ip_address", "details"]
        read_only_fields = fields
