"""API viewsets of person files: declarations that restrict (through the base class or the
selectors), validate with a serializer and hand the result to a service.

Only the owning organisation's case workers reach these rows; partners see what a referral shares
under consent, through the referrals API. Lists show brief rows; opening a person file is the
audited read (``selectors.person_file``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organisations.api.base import RestrictedReadOnlyViewSet, RestrictedViewSetMixin
from organisations.api.idempotency import idempotent
from organisations.errors import ConflictError
from people import selectors, services
from people.api.filters import ConsentFilter, HouseholdFilter, InterventionFilter, MilestoneFilter, NeedFilter
from people.api.serializers import (
    ConsentCreateSerializer,
    ConsentSerializer,
    ConsentWithdrawSerializer,
    HouseholdCreateSerializer,
    HouseholdMemberInputSerializer,
    HouseholdMemberRefSerializer,
    HouseholdSerializer,
    HouseholdUpdateSerializer,
    InterventionSerializer,
    MilestoneRecordSerializer,
    MilestoneSerializer,
    NeedSerializer,
    NeedUpdateSerializer,
    PersonBriefSerializer,
    PersonCreateSerializer,
    PersonDuplicatesQuerySerializer,
    PersonSerializer,
    PossibleDuplicatesSerializer,
)
from people.models import Consent, Household, Intervention, Milestone, Need, Person

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retry with the same key and body gets the first answer back and writes nothing.",
)


class RestrictedListCreateViewSet(
    RestrictedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and detail restricted to what the user may see; ``create`` is written per viewset,
    through a service."""

    lookup_value_regex = r"\d+"


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description=(
                    "Any part of the names (accents and Spanish spelling variants ignored), part of a phone "
                    "number (digits only compared) or a birth date (YYYY-MM-DD or DD/MM/YYYY)."
                ),
            )
        ],
        responses=PersonBriefSerializer(many=True),
    ),
    retrieve=extend_schema(description="The person file. Every read is written to the audit log."),
    create=extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=PersonCreateSerializer,
        responses={201: PersonSerializer, 409: PossibleDuplicatesSerializer},
        description=(
            "Open a person file. When files that may be the same person exist, the answer is 409 with "
            "them as `candidates`; send `confirm_new: true` to create the file anyway."
        ),
    ),
    partial_update=extend_schema(request=PersonSerializer, responses=PersonSerializer),
)
class PersonViewSet(RestrictedListCreateViewSet, mixins.UpdateModelMixin):
    """Person files of the organisations whose cases you work. `owner`, `household` and
    `created_by` cannot be changed here."""

    queryset = Person.objects.select_related("owner", "household", "created_by")
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.person_list(user=self.request.user, search=self.request.query_params.get("q", ""))
        return super().get_queryset()

    def get_serializer_class(self):
        if self.action == "list":
            return PersonBriefSerializer
        return PersonSerializer

    def retrieve(self, request, *args, **kwargs):
        person = selectors.person_file(user=request.user, person_id=int(kwargs["pk"]))
        return Response(PersonSerializer(person, context=self.get_serializer_context()).data)

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = PersonCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if not data.pop("confirm_new"):
            candidates = selectors.person_possible_duplicates(
                user=request.user,
                given_names=data["given_names"],
                family_names=data["family_names"],
                date_of_birth=data.get("date_of_birth"),
            )
            if candidates:
                raise ConflictError(
                    _("This person may already have a file. Open it, or confirm that this is someone else."),
                    code="possible_duplicates",
                    extra={"candidates": PersonBriefSerializer(candidates, many=True).data},
                )
        person = services.person_create(actor=request.user, **data)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = services.person_update(
            actor=self.request.user, person=serializer.instance, **serializer.validated_data
        )

    @extend_schema(parameters=[PersonDuplicatesQuerySerializer], responses=PersonBriefSerializer(many=True))
    @action(detail=False, methods=["get"])
    def duplicates(self, request):
        """Files that could be this person typed differently: accents, one or two surnames, names
        swapped, the same birth date."""
        query = PersonDuplicatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        candidates = selectors.person_possible_duplicates(user=request.user, **query.validated_data)
        return Response(PersonBriefSerializer(candidates, many=True).data)

    @extend_schema(methods=["GET"], responses=ConsentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ConsentCreateSerializer, responses={201: ConsentSerializer})
    @action(detail=True, methods=["get", "post"])
    def consents(self, request, pk=None):
        """The person's consents (GET), or record a new one (POST)."""
        person = self.get_object()
        if request.method == "GET":
            consents = selectors.consent_list(user=request.user, person=person).select_related("recorded_by", "notice")
            return Response(ConsentSerializer(consents, many=True).data)
        serializer = ConsentCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(actor=request.user, person=person, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentViewSet(RestrictedReadOnlyViewSet):
    """Consents recorded in the files you work on. Record one through `people/{id}/consents/`."""

    queryset = Consent.objects.select_related("recipient", "recorded_by", "notice")
    serializer_class = ConsentSerializer
    filterset_class = ConsentFilter
    lookup_value_regex = r"\d+"

    @extend_schema(request=ConsentWithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The person withdraws the consent: sharing under it stops at once, the partner no longer
        reads the referrals' text and is told. Say how the person expressed it and in which
        language; with `children`, the consents they gave for their household's children to the
        same recipient go too."""
        consent = self.get_object()
        serializer = ConsentWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_withdraw(actor=request.user, consent=consent, **serializer.validated_data)
        return Response(ConsentSerializer(consent).data)


@extend_schema_view(
    create=extend_schema(request=NeedSerializer, responses={201: NeedSerializer}),
    partial_update=extend_schema(request=NeedUpdateSerializer, responses=NeedSerializer),
)
class NeedViewSet(RestrictedListCreateViewSet, mixins.UpdateModelMixin):
    """Needs identified for people; closing one (met, unmet for lack of resource, withdrawn)
    dates it."""

    queryset = Need.objects.select_related("recorded_by")
    serializer_class = NeedSerializer
    filterset_class = NeedFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        need = services.need_record(actor=request.user, **serializer.validated_data)
        return Response(NeedSerializer(need).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        need = self.get_object()
        serializer = NeedUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        need = services.need_update(actor=request.user, need=need, **serializer.validated_data)
        return Response(NeedSerializer(need).data)


@extend_schema_view(create=extend_schema(request=MilestoneRecordSerializer, responses={201: MilestoneSerializer}))
class MilestoneViewSet(RestrictedListCreateViewSet):
    """Claim milestones as dated events, and the deadlines the rules derive from them."""

    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter

    def create(self, request, *args, **kwargs):
        serializer = MilestoneRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_record(actor=request.user, **serializer.validated_data)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


@extend_schema_view(create=extend_schema(responses={201: InterventionSerializer}))
class InterventionViewSet(RestrictedListCreateViewSet, mixins.CreateModelMixin):
    """The intervention log of the organisations whose cases you work."""

    queryset = Intervention.objects.select_related("organisation", "recorded_by").prefetch_related("people")
    serializer_class = InterventionSerializer
    filterset_class = InterventionFilter

    def perform_create(self, serializer):
        serializer.instance = services.intervention_log(actor=self.request.user, **serializer.validated_data)


@extend_schema_view(
    create=extend_schema(
        request=HouseholdCreateSerializer,
        responses={201: HouseholdSerializer},
        description=(
            "Create a household with its first members (at least one). Someone already in another "
            "household is refused (422 `in_another_household`): remove them from it first."
        ),
    ),
    partial_update=extend_schema(request=HouseholdUpdateSerializer, responses=HouseholdSerializer),
)
class HouseholdViewSet(RestrictedListCreateViewSet, mixins.UpdateModelMixin):
    """Households: people who live and move together, each with their relationship, and their
    composition counted from the members' files. A household is never empty: removing its last
    member dissolves it (`dissolved_at`), and a dissolved household takes no change (422)."""

    queryset = Household.objects.select_related("owner").prefetch_related("members")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = HouseholdCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        household = services.household_create(
            actor=request.user,
            owner=data["owner"],
            name=data["name"],
            pets=data["pets"],
            members=[(member["person"], member["relationship"]) for member in data["members"]],
        )
        return Response(self._fresh(household), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        household = self.get_object()
        serializer = HouseholdUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        household = services.household_update(actor=request.user, household=household, **serializer.validated_data)
        return Response(self._fresh(household))

    def _fresh(self, household: Household) -> dict:
        """The household as it is now (members and composition read after the write)."""
        household = Household.objects.prefetch_related("members").get(pk=household.pk)
        return HouseholdSerializer(household, context=self.get_serializer_context()).data

    def _member(self, request, serializer_class=HouseholdMemberRefSerializer) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=HouseholdMemberInputSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        """Add a file to the household with its relationship ("head" makes them the main
        contact, and the former one "other")."""
        household = self.get_object()
        data = self._member(request, HouseholdMemberInputSerializer)
        services.household_add_member(
            actor=request.user, household=household, person=data["person"], relationship=data["relationship"]
        )
        return Response(self._fresh(household))

    @extend_schema(request=HouseholdMemberInputSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="relationship")
    def set_relationship(self, request, pk=None):
        """Change a member's relationship; a member not in this household is a 404."""
        household = self.get_object()
        data = self._member(request, HouseholdMemberInputSerializer)
        services.household_set_relationship(
            actor=request.user, household=household, person=data["person"], relationship=data["relationship"]
        )
        return Response(self._fresh(household))

    @extend_schema(request=HouseholdMemberRefSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="contact")
    def set_contact(self, request, pk=None):
        """Make a member the household's main contact; the former one becomes "other"."""
        household = self.get_object()
        services.household_set_contact(actor=request.user, household=household, person=self._member(request)["person"])
        return Response(self._fresh(household))

    @extend_schema(request=HouseholdMemberRefSerializer, responses=HouseholdSerializer)
    @action(detail=True, methods=["post"], url_path="remove-member")
    def remove_member(self, request, pk=None):
        """Take a member out; their file stays. The last one out dissolves the household."""
        household = self.get_object()
        services.household_remove_member(
            actor=request.user, household=household, person=self._member(request)["person"]
        )
        return Response(self._fresh(household))
