"""Serializers of the people API. They shape data in and out and hold no business logic: the
viewsets hand validated data to ``people.services``.

Ids of people, households and consents are written through ``RestrictedPrimaryKeyField``: an id
the user may not act on is answered 404, exactly like an id that does not exist.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organisations.api import strict
from organisations.api.exceptions import RuleError
from organisations.api.serializers import (
    LanguageListField,
    OrganisationBriefSerializer,
    OrganisationField,
    RestrictedPrimaryKeyField,
    UserBriefSerializer,
)
from organisations.choices import SPOKEN_LANGUAGES, NeedCategory
from organisations.models import Organisation, language_code_validator
from organisations.permissions import ObjectPermission
from organisations.validators import (
    lifetime_date_validator,
    recent_date_validator,
    validate_name,
    working_date_validator,
)
from people import services
from people.choices import (
    ConsentGivenBy,
    ConsentMethod,
    DataGroup,
    HouseholdRelationship,
    InterpreterUsed,
    InterventionMode,
    InterventionType,
    MilestoneKind,
    NeedStatus,
    NeedUrgency,
    Team,
)
from people.composition import composition_of
from people.models import Consent, Household, Intervention, Milestone, Need, Person


def choice_list(choices, **kwargs) -> serializers.ListField:
    """A list of codes from ``choices`` (the services drop repeats)."""
    return serializers.ListField(child=serializers.ChoiceField(choices=choices), **kwargs)


class HouseholdBriefSerializer(strict.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "name"]


# --- People ------------------------------------------------------------------------------------


class PersonBriefSerializer(strict.ModelSerializer):
    """A person in a search result or a duplicate warning: enough to recognise them, nothing of
    the file (opening the file is the audited read)."""

    class Meta:
        model = Person
        fields = [
            "id",
            "given_names",
            "family_names",
            "date_of_birth",
            "date_of_birth_is_approximate",
            "preferred_language",
            "first_intake_date",
            "household",
        ]
        read_only_fields = fields


class PersonSerializer(strict.ModelSerializer):
    """The person file. ``owner``, ``household`` and ``created_by`` are read-only here: a file
    never changes organisation, and households are composed through the households endpoint."""

    owner = OrganisationBriefSerializer(read_only=True)
    household = HouseholdBriefSerializer(read_only=True)
    other_languages = LanguageListField(required=False)
    created_by = UserBriefSerializer(read_only=True)
    gender_identity_label = strict.CharField(source="get_gender_identity_display", read_only=True)
    intake_channel_label = strict.CharField(source="get_intake_channel_display", read_only=True)
    claim_pathway_label = strict.CharField(source="get_claim_pathway_display", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "owner",
            "given_names",
            "family_names",
            "date_of_birth",
            "date_of_birth_is_approximate",
            "gender_identity",
            "gender_identity_label",
            "gender_self_described",
            "trans_experience",
            "preferred_language",
            "other_languages",
            "french_level",
            "interpreter_needed",
            "phone",
            "email",
            "address",
            "arrival_date",
            "first_intake_date",
            "intake_channel",
            "intake_channel_label",
            "claim_pathway",
            "claim_pathway_label",
            "household",
            "household_relationship",
            "notes",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "household_relationship", "created_at", "updated_at"]


class PersonCreateSerializer(PersonSerializer):
    """A new file: the owning organisation (one the user works cases for) and the person's data.
    ``confirm_new`` says the user saw the possible duplicates and this is someone else."""

    owner = OrganisationField()
    confirm_new = serializers.BooleanField(
        required=False,
        default=False,
        write_only=True,
        help_text=_("Create the file even though similar people exist."),
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "confirm_new"]


class PersonDuplicatesQuerySerializer(serializers.Serializer):
    given_names = strict.CharField(max_length=150, validators=[validate_name])
    family_names = strict.CharField(max_length=150, validators=[validate_name])
    date_of_birth = serializers.DateField(required=False, allow_null=True, validators=[lifetime_date_validator])


class PossibleDuplicatesSerializer(serializers.Serializer):
    """The 409 answer to a new file that looks like existing ones."""

    detail = strict.CharField()
    code = strict.CharField()
    candidates = PersonBriefSerializer(many=True)


# --- Households --------------------------------------------------------------------------------


class HouseholdMemberSerializer(strict.ModelSerializer):
    relationship = strict.CharField(source="household_relationship", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "given_names", "family_names", "relationship"]
        read_only_fields = fields


class HouseholdMemberInputSerializer(serializers.Serializer):
    person = RestrictedPrimaryKeyField(model=Person)
    relationship = serializers.ChoiceField(choices=HouseholdRelationship.choices)


class CompositionSerializer(serializers.Serializer):
    """Who the household is, counted from its members' files (``people.composition``)."""

    size = serializers.IntegerField()
    adults = serializers.IntegerField()
    children = serializers.IntegerField()
    children_under_consent_age = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other_genders = serializers.IntegerField()
    needs_wheelchair_access = serializers.IntegerField()
    pets = serializers.IntegerField()
    description = strict.CharField(source="describe")


class HouseholdSerializer(strict.ModelSerializer):
    owner = OrganisationField()
    members = HouseholdMemberSerializer(many=True, read_only=True)
    composition = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "owner", "name", "pets", "members", "composition", "created_at", "dissolved_at"]
        read_only_fields = ["id", "created_at", "dissolved_at"]

    @extend_schema_field(CompositionSerializer)
    def get_composition(self, household: Household) -> dict:
        return CompositionSerializer(composition_of(household=household)).data


class HouseholdCreateSerializer(serializers.Serializer):
    owner = OrganisationField()
    name = strict.CharField(max_length=200, validators=[validate_name])
    pets = serializers.IntegerField(min_value=0, max_value=20, default=0)
    members = HouseholdMemberInputSerializer(many=True, allow_empty=False)


class HouseholdUpdateSerializer(serializers.Serializer):
    name = strict.CharField(max_length=200, validators=[validate_name], required=False)
    pets = serializers.IntegerField(min_value=0, max_value=20, required=False)


class HouseholdMemberRefSerializer(serializers.Serializer):
    """A member of the household, by the id of their file."""

    person = RestrictedPrimaryKeyField(model=Person)


# --- Consent -----------------------------------------------------------------------------------


class ConsentWithdrawSerializer(serializers.Serializer):
    """How the person withdrew the consent (``method``), the language they used (``language``), and
    whether the consents they gave for their household's children go too (``children``)."""

    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    language = serializers.ChoiceField(choices=list(SPOKEN_LANGUAGES.items()))
    children = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Also withdraw the consents this person gave, as parent or guardian, for the children "
            "of their household to the same recipient."
        ),
    )


class ConsentSerializer(strict.ModelSerializer):
    recipient = OrganisationBriefSerializer(read_only=True)
    recorded_by = UserBriefSerializer(read_only=True)
    method_label = strict.CharField(source="get_method_display", read_only=True)
    is_active = serializers.SerializerMethodField()
    notice_version = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = [
            "id",
            "person",
            "recipient",
            "purposes",
            "data_groups",
            "express",
            "method",
            "method_label",
            "language",
            "interpreter_assisted",
            "given_by",
            "given_by_name",
            "valid_from",
            "valid_until",
            "notice_version",
            "withdrawn_at",
            "withdrawal_method",
            "withdrawal_language",
            "is_active",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_notice_version(self, consent):
        """The version of the privacy notice the person was shown, if the organisation had one."""
        return consent.notice.version if consent.notice_id else None

    def get_is_active(self, consent) -> bool:
        return consent.is_active()


class ConsentCreateSerializer(serializers.Serializer):
    """A consent to share ``data_groups`` with ``recipient`` for ``purposes`` (need categories).
    Sensitive groups (immigration, health, sogi, notes) need ``express``; under 14, a parent or
    guardian gives it."""

    recipient = OrganisationField()
    purposes = choice_list(NeedCategory.choices, allow_empty=False)
    data_groups = choice_list(DataGroup.choices, allow_empty=False)
    express = serializers.BooleanField(default=False)
    method = serializers.ChoiceField(choices=ConsentMethod.choices)
    language = strict.CharField(max_length=3, validators=[language_code_validator])
    interpreter_assisted = serializers.BooleanField(default=False)
    given_by = serializers.ChoiceField(choices=ConsentGivenBy.choices, default=ConsentGivenBy.PERSON)
    given_by_name = strict.CharField(
        max_length=200, required=False, default="", allow_blank=True, validators=[validate_name]
    )
    valid_from = serializers.DateField(required=False, allow_null=True, validators=[working_date_validator])
    valid_until = serializers.DateField(validators=[working_date_validator])


# --- Needs and milestones ----------------------------------------------------------------------------


class NeedSerializer(strict.ModelSerializer):
    person = RestrictedPrimaryKeyField(model=Person)
    category_label = strict.CharField(source="get_category_display", read_only=True)
    urgency_label = strict.CharField(source="get_urgency_display", read_only=True)
    status_label = strict.CharField(source="get_status_display", read_only=True)
    recorded_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Need
        fields = [
            "id",
            "person",
            "category",
            "category_label",
            "urgency",
            "urgency_label",
            "status",
            "status_label",
            "note",
            "identified_on",
            "closed_on",
            "recorded_by",
        ]
        read_only_fields = ["id", "status", "identified_on", "closed_on"]


class NeedUpdateSerializer(serializers.Serializer):
    """What changes on a need: its status (closing it dates it), urgency and note."""

    status = serializers.ChoiceField(choices=NeedStatus.choices, required=False)
    urgency = serializers.ChoiceField(choices=NeedUrgency.choices, required=False)
    note = strict.CharField(max_length=500, required=False, allow_blank=True)


class MilestoneSerializer(strict.ModelSerializer):
    """A claim milestone: ``occurred_on`` when it happened, ``due_on`` when a rule made it due."""

    kind_label = strict.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "person", "kind", "kind_label", "occurred_on", "due_on", "place", "valid_until", "note"]
        read_only_fields = fields


class MilestoneRecordSerializer(serializers.Serializer):
    """That a milestone happened; the deadlines that follow from it are set by the rules."""

    person = RestrictedPrimaryKeyField(model=Person)
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    occurred_on = serializers.DateField(validators=[recent_date_validator])
    place = strict.CharField(max_length=200, required=False, default="", allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    note = strict.CharField(max_length=500, required=False, default="", allow_blank=True)


# --- Interventions --------------------------------------------------------------------------------


class InterventionSerializer(strict.ModelSerializer):
    """An intervention. To log one quickly, send ``type`` and ``people`` (or a ``household``):
    the organisation is the one you work cases for when there is only one, the language is the
    first person's preferred language, the date is today."""

    organisation = OrganisationField(required=False)
    people = RestrictedPrimaryKeyField(model=Person, many=True, required=False)
    household = RestrictedPrimaryKeyField(model=Household, required=False, allow_null=True)
    type = serializers.ChoiceField(choices=InterventionType.choices)
    type_label = strict.CharField(source="get_type_display", read_only=True)
    mode = serializers.ChoiceField(choices=InterventionMode.choices, required=False)
    team = serializers.ChoiceField(choices=Team.choices, required=False)
    interpreter_used = serializers.ChoiceField(choices=InterpreterUsed.choices, required=False)
    language_used = strict.CharField(max_length=3, validators=[language_code_validator], required=False)
    need_categories = choice_list(NeedCategory.choices, required=False)
    recorded_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "id",
            "organisation",
            "occurred_on",
            "type",
            "type_label",
            "mode",
            "team",
            "people",
            "household",
            "language_used",
            "interpreter_used",
            "duration_minutes",
            "need_categories",
            "note",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def validate(self, attrs):
        attrs["people"] = services.intervention_people(
            people=attrs.get("people") or [], household=attrs.get("household")
        )
        if not attrs["people"]:
            raise RuleError({"people": _("Choose at least one person or a household.")})
        if attrs.get("organisation") is None:
            attrs["organisation"] = self._only_case_organisation()
        attrs.setdefault("language_used", attrs["people"][0].preferred_language)
        return attrs

    def _only_case_organisation(self) -> Organisation:
        user = self.context["request"].user
        organisations = list(
            Organisation.objects.filter(ObjectPermission("work_cases").q(user, Organisation), is_active=True)[:2]
        )
        if len(organisations) != 1:
            raise RuleError({"organisation": _("Choose the organisation you acted for.")})
        return organisations[0]
