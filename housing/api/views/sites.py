"""Sites and their beds: provider staff create and keep their sites, add rooms, confirm the board
and take beds out of service and back; hubs with a housing partnership see the board and each
site's availability."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from housing import selectors, services
from housing.api.serializers import (
    BedSerializer,
    BoardQuerySerializer,
    BoardSiteSerializer,
    OutOfServicePeriodSerializer,
    OutOfServiceSerializer,
    RoomCreateSerializer,
    RoomSerializer,
    SiteAvailabilitySerializer,
    SiteSerializer,
    SiteUpdateSerializer,
)
from housing.api.views.common import CONFLICT
from housing.availability import AVAILABILITY_STREAM, bed_statuses, site_availability
from housing.models import Bed, Room, Site
from organisations.api.base import RestrictedViewSetMixin
from organisations.permissions import Action, RestrictedObjectPermission
from plumbing.events import current_version

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
