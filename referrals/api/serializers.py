"""Serializers of the referrals API. The person appears only as ``referrals.sharing`` allows for
the organisation reading (``context["organisation_id"]``)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.api import strict
from organisations.api.serializers import (
    OrganisationBriefSerializer,
    OrganisationField,
    RestrictedPrimaryKeyField,
    UserBriefSerializer,
)
from organisations.choices import NeedCategory, OrganisationKind
from organisations.models import Service
from organisations.permissions import Action
from organisations.validators import ID_MAX, working_date_validator
from people.api.serializers import choice_list
from people.choices import DataGroup, NeedUrgency
from people.models import Consent, Person
from referrals import sharing
from referrals.choices import FHIR_STATUS, WAITING_FOR_RECIPIENT, DeclineReason, ReferralEventKind, ReferralStatus
from referrals.models import Referral, ReferralEvent, ReferralMessage


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.ReadOnlyField):
    """The translated label of a choice field's value, looked up in a table built once.

    ``source="get_FOO_display"`` builds a dictionary of all the choices for every row it
    renders; in a page of 50 referrals with three labels each that was a third of the request's
    Python time. A value outside the choices is returned as it is, as ``get_FOO_display`` does.
    """

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class ReferralListSerializer(strict.ModelSerializer):
    """A referral in an inbox: what it is about, where it stands, the person's name if shared."""

    sender = OrganisationBriefSerializer(read_only=True)
    recipient = OrganisationBriefSerializer(read_only=True)
    assignee = UserBriefSerializer(read_only=True)
    person_name = serializers.SerializerMethodField()
    status_label = ChoiceLabelField(ReferralStatus.choices, source="status")
    need_category_label = ChoiceLabelField(NeedCategory.choices, source="need_category")
    urgency_label = ChoiceLabelField(NeedUrgency.choices, source="urgency")
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

    @extend_schema_field(strict.CharField(allow_null=True))
    def get_person_name(self, referral) -> str | None:
        return sharing.display_name(referral, self.context["organisation_id"])

    def get_is_overdue(self, referral) -> bool:
        return referral.status in WAITING_FOR_RECIPIENT and referral.respond_by < timezone.now()


class ReferralEventSerializer(strict.ModelSerializer):
    actor = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    kind_label = ChoiceLabelField(ReferralEventKind.choices, source="kind")

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


class ReferralMessageSerializer(strict.ModelSerializer):
    """A message of the thread; ``body`` is empty and ``withheld_on`` the day the consent stopped
    covering it when the reader's organisation may no longer read it (``referrals.sharing``)."""

    author = UserBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    withheld_on = serializers.SerializerMethodField()

    class Meta:
        model = ReferralMessage
        fields = ["id", "author", "organisation", "body", "withheld_on", "created_at"]
        read_only_fields = ["id", "author", "organisation", "withheld_on", "created_at"]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_withheld_on(self, message):
        return getattr(message, "withheld_on", None)


class ReferralDetailSerializer(ReferralListSerializer):
    """One referral: the list fields, the reason, the person as shared, the timeline and thread.
    Once the consent stops covering it, the partner gets the status and dates, empty texts and
    ``text_withheld_on`` (the day it stopped), from ``selectors.referral_detail``. ``decline_side``
    says whose side a decline comes from (the person's or the provider's); ``paused_at`` when the
    deadline stopped while the sender owes an answer, ``paused_total`` how long it was paused in
    all (``respond_by`` already counts it)."""

    person = serializers.SerializerMethodField()
    text_withheld_on = serializers.SerializerMethodField()
    events = ReferralEventSerializer(many=True, read_only=True)
    messages = ReferralMessageSerializer(many=True, read_only=True)
    decline_reason_label = ChoiceLabelField(DeclineReason.choices, source="decline_reason")

    class Meta(ReferralListSerializer.Meta):
        fields = [
            *ReferralListSerializer.Meta.fields,
            "reason",
            "text_withheld_on",
            "shared_groups",
            "person",
            "decline_reason",
            "decline_reason_label",
            "decline_side",
            "paused_at",
            "paused_total",
            "outcome",
            "accepted_at",
            "closed_at",
            "first_response_at",
            "re_referral_of",
            "events",
            "messages",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_text_withheld_on(self, referral):
        return getattr(referral, "text_withheld_on", None)

    @extend_schema_field(serializers.DictField())
    def get_person(self, referral) -> dict:
        return sharing.shared_person(referral, self.context["organisation_id"])


# What a list row reads, for ``.values()``: not the person file, the consent's scope or the
# referral's free text. The sender and recipient come from ``context["organisations"]`` (see
# ``ReferralViewSet.list``).
ROW_VALUES = (
    "id",
    "version",
    "status",
    "service_id",
    "need_category",
    "urgency",
    "for_household",
    "respond_by",
    "assignee_id",
    "assignee__email",
    "assignee__full_name",
    "created_at",
    "sent_at",
    "updated_at",
    *sharing.NAME_VALUES,
)
# What a row shows of its sender and recipient (OrganisationBriefSerializer, less the label),
# for ``context["organisations"]``: organisation id → these values.
ORGANISATION_VALUES = ("id", "slug", "name", "kind")


def _datetime(value, zone) -> str | None:
    """What DRF's ``DateTimeField`` gives with the default ISO 8601 format, without its per-call
    checks: the time in the current time zone, ``Z`` for UTC."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _Labels(dict):
    """The labels of one choices enumeration in the request's language, each translated the
    first time the page needs it: a page shows a few of the values, and translating every label
    of four enumerations for each request cost about 0.4 ms."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def __missing__(self, value):
        label = self[value] = str(self.choices.get(value, value))
        return label


# Value → lazy label, read once: ``TextChoices.choices`` builds its list anew at every access.
STATUS_LABELS = dict(ReferralStatus.choices)
NEED_LABELS = dict(NeedCategory.choices)
URGENCY_LABELS = dict(NeedUrgency.choices)
KIND_LABELS = dict(OrganisationKind.choices)


class _Page:
    """What every row of one page shares: the labels in the request's language, the time zone,
    the time and the date, the organisation each row is read for (``context["reader_id"]``),
    and the organisations by id (``context["organisations"]``), each made brief once."""

    def __init__(self, context: dict):
        self.organisations = context["organisations"]
        self.reader_id = context["reader_id"]
        self.status = _Labels(STATUS_LABELS)
        self.need = _Labels(NEED_LABELS)
        self.urgency = _Labels(URGENCY_LABELS)
        self.kind = _Labels(KIND_LABELS)
        self.zone = timezone.get_current_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.briefs: dict[int, dict] = {}

    def organisation(self, organisation_id: int) -> dict:
        brief = self.briefs.get(organisation_id)
        if brief is None:
            organisation = self.organisations[organisation_id]
            brief = self.briefs[organisation_id] = {**organisation, "kind_label": self.kind[organisation["kind"]]}
        return dict(brief)


class ReferralRowListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        page = _Page(self.context)
        return [self.child.row(row, page) for row in data]


# The fields (and so the OpenAPI schema) are those of ReferralListSerializer, but a row is built
# as a plain dictionary from the referral's ``.values(*ROW_VALUES)``: model instances and the
# generic fields cost more CPU than the rest of the request. A test checks that both give the
# same row. The person's name still comes from referrals.sharing, so the consent redaction
# applies. Context: "reader_id" (values → the organisation the row is read for) and
# "organisations" (id → ``ORGANISATION_VALUES``).
class ReferralRowSerializer(ReferralListSerializer):
    """A referral in a list, shown as the organisation you read it for: the recipient in your
    inbox, the sender in what you sent, and in the mixed list the sender when you work its cases."""

    class Meta(ReferralListSerializer.Meta):
        list_serializer_class = ReferralRowListSerializer

    def to_representation(self, row: dict) -> dict:
        return self.row(row, _Page(self.context))

    def row(self, row: dict, page: _Page) -> dict:
        status, need, urgency, zone = row["status"], row["need_category"], row["urgency"], page.zone
        assignee_id = row["assignee_id"]
        return {
            "id": row["id"],
            "version": row["version"],
            "status": status,
            "status_label": page.status[status],
            # Referral.fhir_status, from the same table.
            "fhir_status": FHIR_STATUS[ReferralStatus(status)],
            "sender": page.organisation(row["sender_id"]),
            "recipient": page.organisation(row["recipient_id"]),
            "service": row["service_id"],
            "need_category": need,
            "need_category_label": page.need[need],
            "urgency": urgency,
            "urgency_label": page.urgency[urgency],
            "person_name": sharing.row_display_name(row, page.reader_id(row), today=page.today),
            "for_household": row["for_household"],
            "respond_by": _datetime(row["respond_by"], zone),
            "is_overdue": status in WAITING_FOR_RECIPIENT and row["respond_by"] < page.now,
            "assignee": None
            if assignee_id is None
            else {"id": assignee_id, "email": row["assignee__email"], "full_name": row["assignee__full_name"]},
            "created_at": _datetime(row["created_at"], zone),
            "sent_at": _datetime(row["sent_at"], zone),
            "updated_at": _datetime(row["updated_at"], zone),
        }


class ReferralCreateSerializer(serializers.Serializer):
    """A referral of ``person`` from ``sender`` (an organisation you work cases for) to
    ``recipient``, sharing ``shared_groups`` under ``consent``. Sent at once unless ``send`` is
    false (then it stays a draft)."""

    sender = OrganisationField()
    recipient = OrganisationField()
    service = RestrictedPrimaryKeyField(model=Service, action=Action.VIEW, required=False, allow_null=True)
    person = RestrictedPrimaryKeyField(model=Person, action=Action.CHANGE)
    need_category = serializers.ChoiceField(choices=NeedCategory.choices)
    urgency = serializers.ChoiceField(choices=NeedUrgency.choices)
    reason = strict.CharField(required=False, default="", allow_blank=True)
    shared_groups = choice_list(DataGroup.choices, allow_empty=False)
    consent = RestrictedPrimaryKeyField(model=Consent, action=Action.VIEW)
    respond_by = serializers.DateTimeField(required=False, allow_null=True, validators=[working_date_validator])
    for_household = serializers.BooleanField(default=False)
    send = serializers.BooleanField(default=True)


class ReferralTransitionSerializer(serializers.Serializer):
    """``version`` is the version you acted on: if the referral changed since, the answer is 409
    with ``current_version``. Declining needs a coded ``reason``; asking for and giving
    information needs a ``note``; completing may record the outcome in ``note``."""

    version = serializers.IntegerField(min_value=1)
    reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    note = strict.CharField(required=False, default="", allow_blank=True)


class ReferralAssignSerializer(serializers.Serializer):
    """``assignee``: the id of a case worker of the receiving organisation, or null for nobody.
    An id of nobody and an id of someone else get the same answer (``foreign_assignee``)."""

    version = serializers.IntegerField(min_value=1)
    assignee = serializers.IntegerField(min_value=1, max_value=ID_MAX, allow_null=True)


class ReferralReReferSerializer(serializers.Serializer):
    """Send a declined or expired referral to another partner, under the person's consent for it."""

    recipient = OrganisationField()
    consent = RestrictedPrimaryKeyField(model=Consent, action=Action.VIEW)
    service = RestrictedPrimaryKeyField(model=Service, action=Action.VIEW, required=False, allow_null=True)


class ReferralConflictSerializer(serializers.Serializer):
    """The 409 answer: the referral changed since your version, or its state does not allow the
    action."""

    detail = strict.CharField()
    code = strict.CharField()
    current_version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
