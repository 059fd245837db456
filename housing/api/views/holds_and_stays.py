"""Holds and stays, which name people: seen by the placing organisation and the hosting provider
only, each read with what the reader may know of the people. The hub holds beds, moves the arrival,
releases; the provider checks in, extends, checks out; either moves the people to other beds."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from housing import selectors, services
from housing.api.serializers import (
    CheckInSerializer,
    HoldCreateSerializer,
    HoldExtendSerializer,
    HoldReleaseSerializer,
    HoldSerializer,
    MoveSerializer,
    StayCheckOutSerializer,
    StayExtendSerializer,
    StaySerializer,
)
from housing.api.views.common import (
    CONFLICT,
    IDEMPOTENCY_KEY,
    OccupantFilterMixin,
    OccupantsViewSetMixin,
    RestrictedListRetrieveViewSet,
    allocations_with_beds,
)
from housing.choices import HoldStatus, StayStatus
from housing.models import Hold, Stay
from organisations.api.filters import IdFilter, RestrictedFilterSet
from organisations.api.idempotency import idempotent
from organisations.permissions import rights_read_once


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
