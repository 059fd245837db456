"""API viewsets of the organisations app: declarations that restrict (through the base class),
validate with a serializer and hand the result to a service."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations import hsds, selectors, services
from organisations.api.base import RestrictedModelViewSet, RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from organisations.api.filters import BooleanFilter, DateTimeFilter, RestrictedFilterBackend, RestrictedFilterSet
from organisations.api.serializers import (
    AuditEntrySerializer,
    LocationSerializer,
    MembershipInvitationCreateSerializer,
    MembershipInvitationSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    MeSerializer,
    OrganisationSerializer,
    PartnershipProposeSerializer,
    PartnershipSerializer,
    ServiceSerializer,
)
from organisations.choices import NeedCategory, OrganisationKind
from organisations.models import (
    AuditEntry,
    DataSharingAgreement,
    Location,
    Membership,
    MembershipInvitation,
    Organisation,
    Partnership,
    Service,
)
from organisations.permissions import RestrictedObjectPermission
from organisations.texts import LANGUAGE_CODES, content_language


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


class OrganisationFilter(RestrictedFilterSet):
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
    filter_backends = [RestrictedFilterBackend, filters.SearchFilter]
    search_fields = ["name", "description"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=serializer.instance, **serializer.validated_data
        )


class MembershipFilter(RestrictedFilterSet):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "is_active"]


@extend_schema_view(
    partial_update=extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer),
    update=extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer),
)
class MembershipViewSet(
    RestrictedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Who holds which role where. Members see their colleagues; organisation admins change and
    end memberships of their own organisation. A role is never granted from here: an admin
    invites (``membership-invitations``) and the person accepts."""

    queryset = Membership.objects.select_related("user", "organisation")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def update(self, request, *args, **kwargs):
        """PUT sets ``valid_until`` (required); PATCH may leave it out, as its schema says, and
        then changes nothing."""
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        if "valid_until" in serializer.validated_data:
            membership = services.membership_update(
                actor=request.user, membership=membership, **serializer.validated_data
            )
        return Response(MembershipSerializer(membership).data)

    @extend_schema(request=None, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the membership: the person loses the access it gave at once."""
        membership = services.membership_end(actor=request.user, membership=self.get_object())
        return Response(MembershipSerializer(membership).data)


class MembershipInvitationFilter(RestrictedFilterSet):
    pending = BooleanFilter(
        method="filter_pending",
        label=_("Waiting for an answer"),
        help_text=_("`true`: not answered, not revoked and not expired; `false`: the others."),
    )

    class Meta:
        model = MembershipInvitation
        fields = ["organisation", "role", "pending"]

    def filter_pending(self, queryset, name, value):
        pending = MembershipInvitation.objects.pending().values("pk")
        return queryset.filter(pk__in=pending) if value else queryset.exclude(pk__in=pending)


@extend_schema_view(
    create=extend_schema(
        request=MembershipInvitationCreateSerializer,
        responses={201: MembershipInvitationSerializer},
        description=(
            "Invite whoever owns `email` to a role: they get an email with a link that expires, and "
            "nothing is granted until they accept. The answer is the same whether or not the address "
            "has an account."
        ),
    ),
)
class MembershipInvitationViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations to a role in your organisation, for its admins: send, list, revoke."""

    queryset = MembershipInvitation.objects.select_related("organisation", "invited_by")
    serializer_class = MembershipInvitationSerializer
    filterset_class = MembershipInvitationFilter
    lookup_value_regex = r"\d+"
    # Actions a service may refuse with a 429 (invitations per hour), for the OpenAPI schema.
    rate_limited = ("create",)

    def create(self, request, *args, **kwargs):
        serializer = MembershipInvitationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation = services.invitation_create(
            actor=request.user,
            organisation=data["organisation"],
            email=data["email"],
            role=data["role"],
            valid_until=data.get("membership_valid_until"),
            language=data.get("language"),
        )
        return Response(MembershipInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MembershipInvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Withdraw an invitation not yet answered: its link stops working at once."""
        invitation = services.invitation_revoke(actor=request.user, invitation=self.get_object())
        return Response(MembershipInvitationSerializer(invitation).data)


class PartnershipFilter(RestrictedFilterSet):
    class Meta:
        model = Partnership
        fields = ["organisation", "partner", "scope", "status"]


def _partnership_action(service, description: str):
    """``POST partnerships/{id}/<name>/``: one call of ``service`` on the partnership."""

    def view(self, request, pk=None):
        partnership = service(actor=request.user, partnership=self.get_object())
        return Response(PartnershipSerializer(self._read(partnership)).data)

    view.__name__ = service.__name__.removeprefix("partnership_")
    view.__doc__ = description
    return extend_schema(request=None, responses=PartnershipSerializer)(action(detail=True, methods=["post"])(view))


@extend_schema_view(
    create=extend_schema(request=PartnershipProposeSerializer, responses={201: PartnershipSerializer}),
)
class PartnershipViewSet(
    RestrictedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Which organisations work with which, for referrals or housing. Both sides see it. Either
    side's admins or coordinators propose it; it takes effect only when the other side accepts;
    either side ends it."""

    queryset = Partnership.objects.select_related(
        "organisation", "partner", "proposed_by", "ended_by"
    ).prefetch_related(Prefetch("agreements", queryset=DataSharingAgreement.objects.select_related("recorded_for")))
    serializer_class = PartnershipSerializer
    filterset_class = PartnershipFilter
    lookup_value_regex = r"\d+"

    def _read(self, partnership: Partnership) -> Partnership:
        return self.queryset.get(pk=partnership.pk)

    def create(self, request, *args, **kwargs):
        """Propose a partnership; nothing is granted until the other side accepts."""
        serializer = PartnershipProposeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        partnership = services.partnership_propose(actor=request.user, **serializer.validated_data)
        return Response(PartnershipSerializer(self._read(partnership)).data, status=status.HTTP_201_CREATED)

    accept = _partnership_action(
        services.partnership_accept, "The other side accepts the proposal: the partnership takes effect at once."
    )
    decline = _partnership_action(services.partnership_decline, "The other side declines the proposal.")
    withdraw = _partnership_action(services.partnership_withdraw, "The proposing side withdraws its proposal.")
    end = _partnership_action(
        services.partnership_end, "Either side ends the active partnership: what it gave stops at once."
    )


class DirectoryFilter(RestrictedFilterSet):
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
    filter_backends = [RestrictedFilterBackend, filters.SearchFilter]
    search_fields = ["name", "description", "organisation__name"]

    def perform_create(self, serializer):
        serializer.instance = services.service_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organisation", None)
        serializer.instance = services.service_update(actor=self.request.user, service=serializer.instance, **data)


class LocationFilter(RestrictedFilterSet):
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


class AuditEntryFilter(RestrictedFilterSet):
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

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                str,
                enum=LANGUAGE_CODES,
                description="The language of the texts (else French where a text is not translated); "
                "by default the reader's.",
            )
        ],
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    def get(self, request):
        requested = request.query_params.get("language")
        if requested and requested not in LANGUAGE_CODES:
            raise ValidationError({"language": [_("Choose fr, en or es.")]})
        language = requested or content_language(get_language())
        organisations = selectors.hsds_organisations(user=request.user)
        response = Response([hsds.organisation_to_hsds(organisation, language) for organisation in organisations])
        response["Content-Language"] = language
        return response
