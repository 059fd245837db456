"""What the housing API's viewsets share: the idempotency header and the 409 answer as OpenAPI
declares them, the restricted list-and-detail base, and the mixins through which holds and stays
leave with what the reader may know of their people."""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from housing import selectors
from housing.models import BedAllocation
from organisations.api import strict
from organisations.api.base import RestrictedViewSetMixin
from organisations.permissions import rights_read_once
from people import selectors as people_selectors

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


class OccupantFilterMixin:
    """``person`` and ``household`` match only files the reader may see (a provider: none), as
    an id nobody has: the filters never link a hold or stay code to a file."""

    def filter_occupant(self, queryset, name, value):
        return people_selectors.narrow_to_visible_occupant(
            queryset, user=self.request.user, field=name, occupant_id=value
        )
