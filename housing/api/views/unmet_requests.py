"""Unmet housing requests: households no bed fitted, recorded in one click by the organisation
whose cases they are; the city's reports count them."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from housing import services
from housing.api.serializers import UnmetRequestCreateSerializer, UnmetRequestSerializer
from housing.api.views.common import RestrictedListRetrieveViewSet
from housing.choices import UnmetReason
from housing.models import UnmetHousingRequest
from organisations.api.exceptions import RuleError
from organisations.api.filters import DateTimeFilter, RestrictedFilterSet
from organisations.errors import NotFoundError
from organisations.models import Organisation
from organisations.permissions import ObjectPermission


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
