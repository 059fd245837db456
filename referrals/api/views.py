"""API of the referral workflow. Reads go through ``referrals.selectors`` (each restricted, the
detail read audited); every write is one call to ``referrals.services``, which checks that the
user may act for the side the action belongs to. A referral the user may not see is a 404."""

from operator import itemgetter

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organisations.api.idempotency import idempotent
from organisations.api.pagination import IdCursorPagination
from organisations.models import Organisation
from organisations.permissions import RestrictedObjectPermission, organisation_ids_with_permission, rights_read_once
from referrals import selectors, services
from referrals.api.filters import ReferralFilter
from referrals.api.serializers import (
    ORGANISATION_VALUES,
    ROW_VALUES,
    ReferralAssignSerializer,
    ReferralConflictSerializer,
    ReferralCreateSerializer,
    ReferralDetailSerializer,
    ReferralMessageSerializer,
    ReferralReReferSerializer,
    ReferralRowSerializer,
    ReferralTransitionSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retry with the same key and body gets the first answer back and writes nothing.",
)

# Which selector each box of the list reads, and which organisation its rows (``ROW_VALUES``) are
# read for.
BOXES = {
    "received": (selectors.referrals_received, itemgetter("recipient_id")),
    "sent": (selectors.referrals_sent, itemgetter("sender_id")),
    "all": (selectors.referral_list, None),
}
BOX_PARAMETER = OpenApiParameter(
    "box",
    OpenApiTypes.STR,
    enum=list(BOXES),
    description="`received`: your organisations' inbox; `sent`: what they sent; `all` (default): both.",
)

# URL names of the transitions → keys of services.TRANSITIONS (``expire`` is the worker's only).
TRANSITION_ACTIONS = {
    "send": "Send a draft to the partner.",
    "request_info": "The partner asks the sender for information (`note` holds the question).",
    "answer_info": "The sender answers the partner's question (`note` holds the answer).",
    "accept": "The partner accepts the referral.",
    "decline": "The partner declines, with a coded `reason` and an optional `note`.",
    "start": "The partner starts working on the referral.",
    "complete": "The partner records that the service was given (`note`: the outcome).",
    "cancel": "The sender cancels the referral.",
}


class ReferralPagination(IdCursorPagination):
    """Keyset pages on the id: no ``COUNT(*)`` over a partner's whole history."""

    page_size = 50


def _transition_view(name: str, description: str):
    """The viewset method of one transition, ``POST referrals/{id}/<name>/``."""

    def view(self, request, pk=None):
        return self._transition(request, name)

    view.__name__ = name
    view.__doc__ = description
    url = name.replace("_", "-")
    view = action(detail=True, methods=["post"], url_path=url, url_name=url)(idempotent(view))
    return extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ReferralTransitionSerializer,
        responses={200: ReferralDetailSerializer, 409: ReferralConflictSerializer},
    )(view)


@extend_schema_view(
    list=extend_schema(parameters=[BOX_PARAMETER], responses=ReferralRowSerializer(many=True)),
    retrieve=extend_schema(description="One referral with its timeline and thread. Every read is audited."),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ReferralCreateSerializer,
        responses={201: ReferralDetailSerializer},
    ),
)
class ReferralViewSet(viewsets.GenericViewSet):
    """Referrals your organisations sent or received. The person appears only as the referral
    shares them with the organisation you read it for, and not at all once the consent stops."""

    permission_classes = [RestrictedObjectPermission]
    filterset_class = ReferralFilter
    pagination_class = ReferralPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action == "list":
            selector, _reader = BOXES[self._box()]
            return selector(user=self.request.user)
        # Actions on one referral start from every referral the user may see; the service then
        # checks that the user may act for the side the action belongs to (404 otherwise).
        return selectors.referral_list(user=self.request.user)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return ReferralRowSerializer if self.action == "list" else ReferralDetailSerializer

    def _box(self) -> str:
        box = self.request.query_params.get("box") or "all"
        if box not in BOXES:
            raise exceptions.ValidationError({"box": [_("Choose “received”, “sent” or “all”.")]})
        return box

    def _row_reader(self, box: str):
        """The organisation each row is read for. In the mixed list that is the sender when the
        user works its cases, else the recipient (as ``selectors.reading_organisation_id``), from
        the user's grants read once for the whole page rather than a query per row."""
        reader = BOXES[box][1]
        if reader is not None:
            return reader
        case_organisations = organisation_ids_with_permission(self.request.user, "work_cases")
        return lambda row: row["sender_id"] if row["sender_id"] in case_organisations else row["recipient_id"]

    def _detail(self, referral_id: int) -> dict:
        """The audited read of one referral, shown as the organisation the user reads it for.
        Answers to writes use it too: they disclose the same data as a read."""
        referral = selectors.referral_detail(user=self.request.user, referral_id=referral_id)
        reader = selectors.reading_organisation_id(user=self.request.user, referral=referral)
        return ReferralDetailSerializer(referral, context={"organisation_id": reader}).data

    def list(self, request):
        box = self._box()
        # The rows are plain values, not model instances (ReferralRowSerializer). The page's few
        # organisations come from a query of their own: joining the organisation table twice
        # into the list query made PostgreSQL spend four times longer planning it than running
        # it (docs/benchmarks.md, "Referral inbox"). The page is read inside the block too: its
        # audit entry names the organisation each row is read for from the same grants.
        with rights_read_once():
            queryset = self.filter_queryset(self.get_queryset())
            reader = self._row_reader(box)
            page = self.paginate_queryset(queryset.values(*ROW_VALUES))
        ids = {row["sender_id"] for row in page} | {row["recipient_id"] for row in page}
        organisations = Organisation.objects.filter(pk__in=ids).values(*ORGANISATION_VALUES) if ids else []
        context = {"reader_id": reader, "organisations": {values["id"]: values for values in organisations}}
        return self.get_paginated_response(ReferralRowSerializer(page, many=True, context=context).data)

    def retrieve(self, request, pk=None):
        return Response(self._detail(int(pk)))

    @idempotent
    def create(self, request):
        serializer = ReferralCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        referral = services.referral_create(actor=request.user, **serializer.validated_data)
        return Response(self._detail(referral.pk), status=status.HTTP_201_CREATED)

    def _transition(self, request, name: str) -> Response:
        referral = self.get_object()
        serializer = ReferralTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = services.referral_transition(
            actor=request.user,
            referral=referral,
            action=name,
            expected_version=data["version"],
            reason=data.get("reason", ""),
            note=data["note"],
        )
        return Response(self._detail(referral.pk))

    send = _transition_view("send", TRANSITION_ACTIONS["send"])
    request_info = _transition_view("request_info", TRANSITION_ACTIONS["request_info"])
    answer_info = _transition_view("answer_info", TRANSITION_ACTIONS["answer_info"])
    accept = _transition_view("accept", TRANSITION_ACTIONS["accept"])
    decline = _transition_view("decline", TRANSITION_ACTIONS["decline"])
    start = _transition_view("start", TRANSITION_ACTIONS["start"])
    complete = _transition_view("complete", TRANSITION_ACTIONS["complete"])
    cancel = _transition_view("cancel", TRANSITION_ACTIONS["cancel"])

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ReferralAssignSerializer,
        responses={200: ReferralDetailSerializer, 409: ReferralConflictSerializer},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def assign(self, request, pk=None):
        """The receiving organisation puts one of its case workers in charge (`assignee: null`: nobody)."""
        referral = self.get_object()
        serializer = ReferralAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = services.referral_assign(
            actor=request.user, referral=referral, assignee_id=data["assignee"], expected_version=data["version"]
        )
        return Response(self._detail(referral.pk))

    # ``filters=False``: the referral list's filters do not apply to one referral's thread, and a
    # schema offering them would promise filtering that silently does not happen.
    @extend_schema(responses=ReferralMessageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def messages(self, request, pk=None):
        """The thread between the two organisations. Reading it is reading the referral: audited."""
        referral = selectors.referral_detail(user=request.user, referral_id=int(pk))
        return Response(ReferralMessageSerializer(referral.messages.all(), many=True).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ReferralMessageSerializer,
        responses={201: ReferralMessageSerializer},
    )
    @messages.mapping.post
    @idempotent
    def message_post(self, request, pk=None):
        """Write in the thread, for whichever side you work for."""
        referral = self.get_object()
        serializer = ReferralMessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.referral_message_post(
            actor=request.user, referral=referral, body=serializer.validated_data["body"]
        )
        return Response(ReferralMessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=ReferralReReferSerializer,
        responses={201: ReferralDetailSerializer, 409: ReferralConflictSerializer},
    )
    @action(detail=True, methods=["post"], url_path="re-refer", url_name="re-refer")
    @idempotent
    def re_refer(self, request, pk=None):
        """Send a declined or expired referral to another partner in one action."""
        referral = self.get_object()
        serializer = ReferralReReferSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        new = services.referral_rerefer(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(self._detail(new.pk), status=status.HTTP_201_CREATED)
