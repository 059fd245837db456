"""API of short-term housing: declarations that restrict (through the base class or the
selectors), validate with a serializer and hand the result to ``housing.services``.

Who reaches what (``housing.apps`` registers the rules): provider staff manage their own sites
and beds; hubs with a housing partnership with the provider see its availability and hold its
beds; holds and stays, which name people, are seen by the placing organisation and the hosting
provider only; city liaisons get occupancy figures from the reports (`reports.api`, suppressed
there) and nothing here. Anything outside the
restriction is a 404.

A bed that was just taken is a 409 carrying the taken bed ids and the site's current
availability version, so that a board can resynchronise before the user tries again.
"""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from housing import selectors, services
from housing.api.serializers import (
    BedSerializer,
    BoardQuerySerializer,
    BoardSiteSerializer,
    CheckInSerializer,
    HoldCreateSerializer,
    HoldExtendSerializer,
    HoldReleaseSerializer,
    HoldSerializer,
    MoveSerializer,
    OutOfServicePeriodSerializer,
    OutOfServiceSerializer,
    RoomCreateSerializer,
    RoomSerializer,
    SiteAvailabilitySerializer,
    SiteSerializer,
    SiteUpdateSerializer,
    StayCheckOutSerializer,
    StayExtendSerializer,
    StaySerializer,
    UnmetRequestCreateSerializer,
    UnmetRequestSerializer,
)
from housing.availability import AVAILABILITY_STREAM, bed_statuses, site_availability
from housing.choices import HoldStatus, StayStatus, UnmetReason
from housing.models import Bed, BedAllocation, Hold, Room, Site, Stay, UnmetHousingRequest
from organisations.api import strict
from organisations.api.base import RestrictedViewSetMixin
from organisations.api.exceptions import RuleError
from organisations.api.filters import DateTimeFilter, IdFilter, RestrictedFilterSet
from organisations.api.idempotency import idempotent
from organisations.errors import NotFoundError
from organisations.models import Organisation
from organisations.permissions import Action, ObjectPermission, RestrictedObjectPermission, rights_read_once
from people import selectors as people_selectors
from plumbing.events import current_version

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retry with the same key and body gets the first answer back and writes nothing; "
    "the same key with another body is refused (422).",
)

CONFLICT = inline_serializer(
    "HousingConflict",
    {
        "detail": strict.CharField(),
        "code": strict.CharField(help_text="`beds_taken` when a bed was just taken, else another conflict."),
        "beds": serializers.ListField(
            child=serializers.IntegerField(), required=False, help_text="With `beds_taken`: the taken beds."
        ),
        "version": serializers.IntegerField(
            required=False, help_text="With `beds_taken`: the site's current `housing.availability` version."
        ),
    },
)


def allocations_with_beds() -> Prefetch:
    """What hold and stay rows show of their beds, in one query whatever the page size."""
    return Prefetch("allocations", queryset=BedAllocation.objects.select_related("bed__room").order_by("bed_id"))


class RestrictedListRetrieveViewSet(
    RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and detail restricted to the request's action; writes are explicit, through services."""

    lookup_value_regex = r"\d+"


class OccupantsViewSetMixin:
    """Holds and stays leave the view with what the reader may know of their people
    (``housing.selectors.with_occupants``: names to the placing hub, and to the provider only
    under the people's consent), checked at every read."""

    def list(self, request, *args, **kwargs):
        # The user's grants are read once for the page: the rows' restriction, who may be named,
        # and which side each row is audited as read for.
        with rights_read_once():
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            rows = selectors.with_occupants(user=request.user, rows=page if page is not None else queryset)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        [row] = selectors.with_occupants(user=request.user, rows=[self.get_object()])
        return Response(self.get_serializer(row).data)

    def _read(self, row):
        [row] = selectors.with_occupants(user=self.request.user, rows=[self.queryset.get(pk=row.pk)])
        return row


# --- Sites ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The housing board",
        description="Every site you may see, with its beds counted by status now and the free ones by room kind.",
        parameters=[BoardQuerySerializer],
        responses=BoardSiteSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="A site's availability",
        description="The site's beds with their computed status and its counts (no person), and the version of "
        "the `housing.availability` stream (key: the site id) this state is at least as new as.",
        responses=SiteAvailabilitySerializer,
    ),
    create=extend_schema(request=SiteSerializer, responses={201: SiteSerializer}),
    partial_update=extend_schema(request=SiteUpdateSerializer, responses=SiteUpdateSerializer),
)
class SiteViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Housing sites. Provider staff create and keep their sites; hubs with a housing partnership
    with the provider see them on the board."""

    queryset = Site.objects.filter(is_active=True).select_related("provider")
    serializer_class = SiteSerializer
    filter_backends = []
    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_value_regex = r"\d+"

    def list(self, request, *args, **kwargs):
        query = BoardQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        sites = []
        for entry in selectors.board(user=request.user, **query.validated_data):
            entry["site"].board_counts = entry["counts"]
            sites.append(entry["site"])
        page = self.paginate_queryset(sites)
        return self.get_paginated_response(BoardSiteSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        site = self.get_object()
        # The version first: the state read after it is at least as new, so a board that starts
        # from this answer may get a delta it already shows, never miss one.
        version = current_version(AVAILABILITY_STREAM, site.pk)
        return Response(SiteAvailabilitySerializer({"version": version, **site_availability(site)}).data)

    def perform_create(self, serializer):
        serializer.instance = services.site_create(actor=self.request.user, **serializer.validated_data)

    def partial_update(self, request, *args, **kwargs):
        serializer = SiteUpdateSerializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        site = services.site_update(actor=request.user, site=serializer.instance, **serializer.validated_data)
        return Response(SiteUpdateSerializer(site).data)

    @extend_schema(request=None, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The provider confirms that the site's beds are true now ("last confirmed" on the board)."""
        site = services.site_confirm(actor=request.user, site=self.get_object())
        return Response(SiteSerializer(site).data)

    @extend_schema(request=RoomCreateSerializer, responses={201: RoomSerializer})
    @action(detail=True, methods=["post"])
    def rooms(self, request, pk=None):
        """Add a room (a shared room or a family unit) with its beds."""
        site = self.get_object()
        serializer = RoomCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        room = services.room_create(actor=request.user, site=site, **serializer.validated_data)
        room = Room.objects.prefetch_related("beds__room").get(pk=room.pk)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


# --- Beds ----------------------------------------------------------------------------------------


class BedViewSet(viewsets.GenericViewSet):
    """Beds of the sites whose staff you are: out of service and back."""

    permission_classes = [RestrictedObjectPermission]
    serializer_class = BedSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # Beds have no rules of their own: a bed is reached through its site's change right.
        sites = selectors.site_list(user=self.request.user, action=Action.CHANGE)
        return Bed.objects.filter(site__in=sites, is_active=True).select_related("site", "room")

    @extend_schema(request=OutOfServiceSerializer, responses={201: OutOfServicePeriodSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="out-of-service")
    def out_of_service(self, request, pk=None):
        """Take the bed out of service from `starts_at` (now) until `ends_at` (further notice);
        refused (409) while someone holds or occupies it in that period."""
        bed = self.get_object()
        serializer = OutOfServiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = services.bed_set_out_of_service(actor=request.user, bed=bed, **serializer.validated_data)
        return Response(OutOfServicePeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=BedSerializer)
    @action(detail=True, methods=["post"], url_path="in-service")
    def in_service(self, request, pk=None):
        """End the bed's current out-of-service period now."""
        bed = services.bed_return_to_service(actor=request.user, bed=self.get_object())
        bed.status = bed_statuses([bed])[bed.pk]
        return Response(BedSerializer(bed).data)


# --- Holds and stays -----------------------------------------------------------------------------


class OccupantFilterMixin:
    """``person`` and ``household`` match only files the reader may see (a provider: none), as
    an id nobody has: the filters never link a hold or stay code to a file."""

    def filter_occupant(self, queryset, name, value):
        return people_selectors.narrow_to_visible_occupant(
            queryset, user=self.request.user, field=name, occupant_id=value
        )


class HoldFilter(OccupantFilterMixin, RestrictedFilterSet):
    site = IdFilter(field_name="site__id")
    household = IdFilter(method="filter_occupant")
    person = IdFilter(method="filter_occupant")
    status = django_filters.MultipleChoiceFilter(choices=HoldStatus.choices)

    class Meta:
        model = Hold
        fields = ["site", "household", "person", "status"]


@extend_schema_view(
    list=extend_schema(description="Holds placed by your organisations or on your sites (they name people)."),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=HoldCreateSerializer,
        responses={201: HoldSerializer, 409: CONFLICT},
    ),
)
class HoldViewSet(OccupantsViewSetMixin, RestrictedListRetrieveViewSet):
    """Beds kept for a household or a person while they travel, until their expected arrival
    plus the site's grace, or check-in."""

    queryset = Hold.objects.select_related("site", "organisation", "household", "person", "held_by").prefetch_related(
        allocations_with_beds(), "household__members"
    )
    serializer_class = HoldSerializer
    filterset_class = HoldFilter

    @idempotent
    def create(self, request, *args, **kwargs):
        """Hold beds of one site, all of them or none: a bed taken meanwhile is a 409 with the
        taken beds and the site's current availability version.

        The user's rights are read once for the whole request (the referral field, then the
        service's three rights): holding beds changes no membership or role, so they stay true."""
        with rights_read_once():
            return self._create(request)

    def _create(self, request):
        serializer = HoldCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        hold = services.hold_request(
            actor=request.user,
            site_id=data["site"],
            household_id=data.get("household"),
            person_id=data.get("person"),
            bed_ids=data.get("beds"),
            room_id=data.get("room"),
            split_in_shared_rooms=data["split_in_shared_rooms"],
            referral=data.get("referral"),
            expected_arrival_at=data["expected_arrival_at"],
            in_transit=data["in_transit"],
            confirm_outside_check_in=data["confirm_outside_check_in"],
            override_reason=data["override_reason"],
            identity_consent=services.IdentityConsent() if data["share_identity"] else None,
        )
        return Response(HoldSerializer(self._read(hold)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=HoldExtendSerializer, responses={200: HoldSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def extend(self, request, pk=None):
        """The household arrives at another time: the hold lasts until then plus the site's grace,
        within the site's horizon (422) and check-in hours (409 `outside_check_in` unless
        confirmed), if its beds stay free (409 `beds_taken`)."""
        hold = self.get_object()
        serializer = HoldExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = services.hold_extend(actor=request.user, hold=hold, **serializer.validated_data)
        return Response(HoldSerializer(self._read(hold)).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=HoldReleaseSerializer, responses={200: HoldSerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def release(self, request, pk=None):
        """Free the hold's beds now; `no_show` when the household never arrived."""
        hold = self.get_object()
        serializer = HoldReleaseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = services.hold_release(actor=request.user, hold=hold, **serializer.validated_data)
        return Response(HoldSerializer(self._read(hold)).data)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=MoveSerializer, responses={200: HoldSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    @idempotent
    def move(self, request, pk=None):
        """Move the hold to other beds, of its site or (the placing hub) another site: the new
        site's rules (409 with the rule's code unless a coordinator overrides them), its horizon
        and check-in hours, and free beds (409 `beds_taken`) apply. The old beds are free at once."""
        hold = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.move(actor=request.user, record=hold, site=data["site"], bed_ids=data["beds"], **_move_options(data))
        return Response(HoldSerializer(self._read(hold)).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=CheckInSerializer, responses={201: StaySerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    @idempotent
    def check_in(self, request, pk=None):
        """The household arrived: the hold becomes a stay on the same beds."""
        hold = self.get_object()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stay = services.stay_check_in(actor=request.user, hold=hold, **serializer.validated_data)
        [stay] = selectors.with_occupants(user=request.user, rows=[StayViewSet.queryset.get(pk=stay.pk)])
        return Response(StaySerializer(stay).data, status=status.HTTP_201_CREATED)


def _move_options(data) -> dict:
    return {"override_reason": data["override_reason"], "confirm_outside_check_in": data["confirm_outside_check_in"]}


class StayFilter(OccupantFilterMixin, RestrictedFilterSet):
    site = IdFilter(field_name="site__id")
    household = IdFilter(method="filter_occupant")
    person = IdFilter(method="filter_occupant")
    status = django_filters.MultipleChoiceFilter(choices=StayStatus.choices)

    class Meta:
        model = Stay
        fields = ["site", "household", "person", "status"]


@extend_schema_view(
    list=extend_schema(description="Stays placed by your organisations or on your sites (they name people)."),
)
class StayViewSet(OccupantsViewSetMixin, RestrictedListRetrieveViewSet):
    """Households and people staying in a site: extend, check out."""

    queryset = Stay.objects.select_related(
        "site", "organisation", "household", "person", "recorded_by", "hold"
    ).prefetch_related(allocations_with_beds(), "household__members")
    serializer_class = StaySerializer
    filterset_class = StayFilter

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=StayExtendSerializer, responses={200: StaySerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def extend(self, request, pk=None):
        """Move the planned end later, within the site's maximum stay; a 409 when a bed is taken
        after the current planned end."""
        stay = self.get_object()
        serializer = StayExtendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stay = services.stay_extend(actor=request.user, stay=stay, **serializer.validated_data)
        return Response(StaySerializer(self._read(stay)).data)

    @extend_schema(parameters=[IDEMPOTENCY_KEY], request=MoveSerializer, responses={200: StaySerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    @idempotent
    def move(self, request, pk=None):
        """Move the stay to other beds, of its site or (the placing hub) another site: the new
        site's rules (409 with the rule's code unless a coordinator overrides them), its maximum
        stay and free beds (409 `beds_taken`) apply. The old beds are free at once."""
        stay = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.move(actor=request.user, record=stay, site=data["site"], bed_ids=data["beds"], **_move_options(data))
        return Response(StaySerializer(self._read(stay)).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY], request=StayCheckOutSerializer, responses={200: StaySerializer, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path="check-out")
    @idempotent
    def check_out(self, request, pk=None):
        """The household left: the beds are free from now; where they went is recorded."""
        stay = self.get_object()
        serializer = StayCheckOutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stay = services.stay_check_out(actor=request.user, stay=stay, **serializer.validated_data)
        return Response(StaySerializer(self._read(stay)).data)


# --- Unmet demand ----------------------------------------------------------------


class UnmetRequestFilter(RestrictedFilterSet):
    since = DateTimeFilter(field_name="recorded_at", lookup_expr="gte")
    until = DateTimeFilter(field_name="recorded_at", lookup_expr="lt")
    reason = django_filters.MultipleChoiceFilter(choices=UnmetReason.choices)

    class Meta:
        model = UnmetHousingRequest
        fields = ["since", "until", "reason"]


@extend_schema_view(
    list=extend_schema(description="Unmet housing requests your organisations recorded."),
    create=extend_schema(request=UnmetRequestCreateSerializer, responses={201: UnmetRequestSerializer}),
)
class UnmetRequestViewSet(mixins.CreateModelMixin, RestrictedListRetrieveViewSet):
    """Households no bed fitted, recorded in one click; the city's reports count them."""

    queryset = UnmetHousingRequest.objects.select_related("organisation", "household", "person", "recorded_by")
    serializer_class = UnmetRequestSerializer
    filterset_class = UnmetRequestFilter

    def create(self, request, *args, **kwargs):
        serializer = UnmetRequestCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation", None) or self._recording_organisation(data)
        unmet = services.unmet_request_record(actor=request.user, organisation=organisation, **data)
        return Response(UnmetRequestSerializer(unmet).data, status=status.HTTP_201_CREATED)

    def _recording_organisation(self, data) -> Organisation:
        """The owner of the occupant's file, else the one organisation whose cases the user works."""
        occupant = data.get("household") or data.get("person")
        if occupant is not None:
            return occupant.owner
        mine = list(Organisation.objects.filter(ObjectPermission("work_cases").q(self.request.user, Organisation))[:2])
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise NotFoundError()
        raise RuleError({"organisation": [_("Choose the organisation recording this request.")]})
