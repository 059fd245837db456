"""API viewsets of the organisations app: declarations that restrict (through the base class),
validate with a serializer and hand the result to a service."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations import hsds, selectors, services
from organisations.api.base import RestrictedModelViewSet, RestrictedReadOnlyViewSet
from organisations.api.filters import DateTimeFilter, FilterSet
from organisations.api.serializers import (
    AuditEntrySerializer,
    LocationSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    MeSerializer,
    OrganisationSerializer,
    PartnershipSerializer,
    ServiceSerializer,
)
from organisations.choices import NeedCategory, OrganisationKind
from organisations.models import AuditEntry, Location, Membership, Organisation, Partnership, Service
from organisations.permissions import RestrictedObjectPermission


class MeView(APIView):
    """The logged-in user, with their active memberships and roles."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(MeSerializer(user).data)


class OrganisationFilter(FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["kind", "is_active"]


class OrganisationViewSet(RestrictedModelViewSet):
    """The organisations of the network. Their admins edit their own profile; creating one is done
    by the platform's administrators."""

    queryset = Organisation.objects.all()
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "description"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )


class MembershipFilter(FilterSet):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "is_active"]


@extend_schema_view(
    create=extend_schema(request=MembershipCreateSerializer, responses={201: MembershipSerializer}),
    partial_update=extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer),
    update=extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer),
)
class MembershipViewSet(RestrictedModelViewSet):
    """Who holds which role where. Members see their colleagues; organisation admins grant,
    change and end memberships of their own organisation."""

    queryset = Membership.objects.select_related("user", "organisation")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def create(self, request, *args, **kwargs):
        serializer = MembershipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = services.membership_invite(
            actor=request.user,
            organisation=data["organisation"],
            email=data["user_email"],
            full_name=data.get("full_name", ""),
            role=data["role"],
            valid_until=data.get("valid_until"),
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.membership_update(actor=request.user, membership=membership, **serializer.validated_data)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the membership: the person loses the access it gave at once."""
        membership = services.membership_end(actor=request.user, membership=self.get_object())
        return Response(MembershipSerializer(membership).data)


class PartnershipFilter(FilterSet):
    class Meta:
        model = Partnership
        fields = ["organisation", "partner", "scope", "is_active"]


class PartnershipViewSet(RestrictedModelViewSet):
    """Which organisations work with which, for referrals or housing. Both sides see it; the
    coordinators and admins of the first organisation create and end it."""

    queryset = Partnership.objects.select_related("organisation", "partner")
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = services.partnership_create(actor=self.request.user, **serializer.validated_data)

    @extend_schema(request=None, responses=PartnershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the partnership."""
        partnership = services.partnership_end(actor=request.user, partnership=self.get_object())
        return Response(PartnershipSerializer(partnership).data)


class DirectoryFilter(FilterSet):
    """Search the directory by need category, language and kind of organisation."""

    need_category = django_filters.ChoiceFilter(
        choices=NeedCategory.choices, field_name="need_category_links__category", distinct=True
    )
    language = django_filters.CharFilter(field_name="language_links__language", distinct=True)
    organisation_kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, field_name="organisation__kind")


class ServiceFilter(DirectoryFilter):
    class Meta:
        model = Service
        fields = ["organisation", "is_active"]


class ServiceViewSet(RestrictedModelViewSet):
    """Services of the directory, searchable by need category and language."""

    queryset = Service.objects.select_related("organisation").prefetch_related(
        "need_category_links", "language_links", "locations"
    )
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    search_fields = ["name", "description", "organisation__name"]

    def perform_create(self, serializer):
        serializer.instance = services.service_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organisation", None)
        serializer.instance = services.service_update(actor=self.request.user, service=serializer.instance, **data)


class LocationFilter(FilterSet):
    need_category = django_filters.ChoiceFilter(
        choices=NeedCategory.choices, field_name="services__need_category_links__category", distinct=True
    )
    language = django_filters.CharFilter(field_name="services__language_links__language", distinct=True)

    class Meta:
        model = Location
        fields = ["organisation", "is_active"]


class LocationViewSet(RestrictedModelViewSet):
    """Places where services are delivered, searchable by the need categories and languages of
    their services."""

    queryset = Location.objects.select_related("organisation")
    serializer_class = LocationSerializer
    filterset_class = LocationFilter

    def perform_create(self, serializer):
        serializer.instance = services.location_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organisation", None)
        serializer.instance = services.location_update(actor=self.request.user, location=serializer.instance, **data)


class AuditEntryFilter(FilterSet):
    since = DateTimeFilter(field_name="at", lookup_expr="gte")
    until = DateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["organisation", "action", "object_type", "object_id", "actor"]


class AuditEntryViewSet(RestrictedReadOnlyViewSet):
    """The audit log of the organisations whose privacy officer you are. Read-only: nobody can
    change or delete an entry."""

    queryset = AuditEntry.objects.select_related("actor", "organisation")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter


class HSDSDirectoryView(APIView):
    """The service directory as Open Referral HSDS 3.0 organizations, with their services and
    locations."""

    permission_classes = [RestrictedObjectPermission]

    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request):
        organisations = selectors.hsds_organisations(user=request.user)
        return Response([hsds.organisation_to_hsds(organisation) for organisation in organisations])
