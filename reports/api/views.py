"""The reports API: one endpoint per section of figures, the monthly time series and today's
counters. Read-only. Anyone without ``view_aggregates`` gets a 404; suppression is applied by the
selectors, so no small count reaches a suppressed viewer whatever the client."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations.permissions import RestrictedObjectPermission
from reports import selectors
from reports.api.serializers import (
    LiveCountersSerializer,
    OccupancySerializer,
    PeriodQuerySerializer,
    SectionReportSerializer,
    TimeSeriesSerializer,
)
from reports.catalogue import SECTIONS

NOT_FOUND = OpenApiResponse(description="You may not see the reports (`code`: `not_found`).")
REFUSED = OpenApiResponse(
    description="Invalid period, or a custom range asked by a viewer who gets suppressed figures "
    "(`code`: `custom_range_hub_only`)."
)


def requested_period(request):
    query = PeriodQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["resolved"]


class SectionReportView(APIView):
    """Every table of a section for a period, with the previous period's figures beside."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(
        summary="Figures of a section",
        description="Interventions, people served (by gender identity, trans experience apart, age band, "
        "language, claim stage, intake channel), needs, referrals or housing, for a month, a fiscal year or "
        "(hub coordinators) a custom range, compared with the period before. City liaisons get counts from "
        '1 to 4 as "<5" and the cells hidden to protect them as "x" (`value` null).',
        parameters=[
            OpenApiParameter("section", str, OpenApiParameter.PATH, enum=list(SECTIONS)),
            PeriodQuerySerializer,
        ],
        responses={
            200: SectionReportSerializer,
            400: REFUSED,
            404: NOT_FOUND,
            503: OpenApiResponse(
                description="A custom range took longer than 5 s to count (`code`: `range_too_heavy`)."
            ),
        },
    )
    def get(self, request, section: str):
        period = requested_period(request)
        return Response(
            SectionReportSerializer(selectors.section_report(user=request.user, section=section, period=period)).data
        )


class TimeSeriesView(APIView):
    permission_classes = [RestrictedObjectPermission]

    @extend_schema(
        summary="Monthly time series",
        description="Interventions, distinct people and new people month by month over the fiscal year of "
        "the period (or the custom range's months), suppressed like the sections.",
        parameters=[PeriodQuerySerializer],
        responses={200: TimeSeriesSerializer, 400: REFUSED, 404: NOT_FOUND},
    )
    def get(self, request):
        period = requested_period(request)
        return Response(TimeSeriesSerializer(selectors.time_series(user=request.user, period=period)).data)


class LiveCountersView(APIView):
    permission_classes = [RestrictedObjectPermission]

    @extend_schema(
        summary="Today's counters",
        description="Interventions and unmet housing requests today, beds free and holds now: the snapshot "
        "of the `reports.live` stream (key `hub` unsuppressed, `city` suppressed).",
        responses={200: LiveCountersSerializer, 404: NOT_FOUND},
    )
    def get(self, request):
        viewer = selectors.require_viewer(user=request.user)
        return Response(LiveCountersSerializer(selectors.live_counters(suppressed=not viewer.unsuppressed)).data)


class OccupancyView(APIView):
    """Occupancy now (``/api/v1/housing/occupancy/``): the reports' figures of the moment, so that
    a liaison gets them suppressed like every other figure (``selectors.occupancy``)."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(
        summary="Occupancy now",
        description="Beds by site kind and status, holds and stays now, unmet housing requests today and "
        "this month. Hub coordinators get exact figures of this moment; everyone else who may see the "
        'reports gets the hour\'s snapshot, each figure rounded to 5, 1 to 4 as "<5" (`value` null).',
        responses={200: OccupancySerializer, 404: NOT_FOUND},
    )
    def get(self, request):
        return Response(OccupancySerializer(selectors.occupancy(user=request.user)).data)
