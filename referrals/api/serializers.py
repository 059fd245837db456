"""Serializers of the referrals API. The person appears only as ``referrals.sharing`` allows for
the organisation reading (``context["organisation_id"]``)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.api.serializers import OrganisationBriefSerializer, OrganisationField, UserBriefSerializer
from organisations.choices import NeedCategory
from organisations.models import Service, User
from organisations.permissions import Action
from people.api.serializers import RestrictedPrimaryKeyField, choice_list
from people.choices import DataGroup, NeedUrgency
from people.models import Consent, Person
from referrals import sharing
from referrals.choices import DeclineReason, ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage


class ReferralListSerializer(serializers.ModelSerializer):
    """A referral in an inbox: what it is about, where it stands, the person's name if shared."""

    sender = OrganisationBriefSerializer(read_only=True)
    recipient = OrganisationBriefSerializer(read_only=True)
    assignee = UserBriefSerializer(read_only=True)
    person_name = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    need_category_label = serializers.CharField(source="get_need_category_display", read_only=True)
    urgency_label = serializers.CharField(source="get_urgency_display", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "version",
            "status",
            "status_label",
            "fhir_status",
            "sender",
            "recipient",
            "service",
            "need_category",
            "need_category_label",
            "urgency",
            "urgency_label",
            "person_name",
            "for_household",
            "respond_by",
            "is_overdue",
            "assignee",
            "created_at",
            "sent_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_person_name(self, referral) -> str | None:
        return sharing.display_name(referral, self.context["organisation_id"])

    def get_is_overdue(self, referral) -> bool:
        from django.utils import timezone

        from referrals.choices import WAITING_FOR_RECIPIENT

        return referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < timezone.now()


class ReferralEventSerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = [
            "id",
            "at",
            "actor",
            "organisation",
            "kind",
            "kind_label",
            "from_status",
            "to_status",
            "reason",
            "note",
        ]
        read_only_fields = fields


class ReferralMessageSerializer(serializers.ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = ReferralMessage
        fields = ["id", "author", "organisation", "body", "created_at"]
        read_only_fields = ["id", "author", "organisation", "created_at"]


class ReferralDetailSerializer(ReferralListSerializer):
    """One referral: the list fields, the reason, the person as shared, the timeline and thread."""

    person = serializers.SerializerMethodField()
    events = ReferralEventSerializer(many=True, read_only=True)
    messages = ReferralMessageSerializer(many=True, read_only=True)
    decline_reason_label = serializers.CharField(source="get_decline_reason_display", read_only=True)

    class Meta(ReferralListSerializer.Meta):
        fields = [
            *ReferralListSerializer.Meta.fields,
            "reason",
            "shared_groups",
            "person",
            "decline_reason",
            "decline_reason_label",
            "outcome",
            "accepted_at",
            "closed_at",
            "first_response_at",
            "re_referral_of",
            "events",
            "messages",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_person(self, referral) -> dict:
        return sharing.shared_person(referral, self.context["organisation_id"])


class ReferralRowSerializer(ReferralListSerializer):
    """A row of a list that mixes sent and received referrals: each row is shown as the
    organisation the user reads it for, given by ``context["reader_id"](referral)``."""

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_person_name(self, referral) -> str | None:
        return sharing.display_name(referral, self.context["reader_id"](referral))


class ReferralCreateSerializer(serializers.Serializer):
    """A referral of ``person`` from ``sender`` (an organisation you work cases for) to
    ``recipient``, sharing ``shared_groups`` under ``consent``. Sent at once unless ``send`` is
    false (then it stays a draft)."""

    sender = OrganisationField()
    recipient = OrganisationField()
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True), required=False, allow_null=True
    )
    person = RestrictedPrimaryKeyField(model=Person, action=Action.CHANGE)
    need_category = serializers.ChoiceField(choices=NeedCategory.choices)
    urgency = serializers.ChoiceField(choices=NeedUrgency.choices)
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    shared_groups = choice_list(DataGroup.choices, allow_empty=False)
    consent = RestrictedPrimaryKeyField(model=Consent, action=Action.VIEW)
    respond_by = serializers.DateTimeField(required=False, allow_null=True)
    for_household = serializers.BooleanField(default=False)
    send = serializers.BooleanField(default=True)


class ReferralTransitionSerializer(serializers.Serializer):
    """``version`` is the version you acted on: if the referral changed since, the answer is 409
    with ``current_version``. Declining needs a coded ``reason``; asking for and giving
    information needs a ``note``; completing may record the outcome in ``note``."""

    version = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ReferralAssignSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True)


class ReferralReReferSerializer(serializers.Serializer):
    """Send a declined or expired referral to another partner, under the person's consent for it."""

    recipient = OrganisationField()
    consent = RestrictedPrimaryKeyField(model=Consent, action=Action.VIEW)
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.filter(is_active=True), required=False, allow_null=True
    )


class ReferralConflictSerializer(serializers.Serializer):
    """The 409 answer: the referral changed since your version, or its state does not allow the
    action."""

    detail = serializers.CharField()
    code = serializers.CharField()
    current_version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
