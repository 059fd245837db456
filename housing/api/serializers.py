"""Serializers of the housing API. They shape data in and out and hold no business logic: the
viewsets hand validated data to ``housing.services``.

Two kinds of output never meet. Sites, beds and availability carry no person: any
user who may see the site gets them. Holds, stays and unmet requests name a
household or a person, and are only ever read through a queryset restricted to the placing
organisation and the hosting provider.

Ids of sites, households, people and referrals are written through ``RestrictedPrimaryKeyField``:
an id the user may not act on is a 404, exactly like an id that does not exist.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from housing.choices import BedStatus, ExitDestination, RoomKind, SiteKind, UnmetReason
from housing.models import Bed, BedAllocation, Hold, Room, Site, Stay, UnmetHousingRequest
from organisations.api import strict
from organisations.api.exceptions import RuleError
from organisations.api.serializers import (
    LanguageListField,
    OrganisationBriefSerializer,
    OrganisationField,
    RestrictedPrimaryKeyField,
    UserBriefSerializer,
    translated_fields,
)
from organisations.choices import NeedCategory
from organisations.errors import NotFoundError
from organisations.permissions import Action
from organisations.validators import ID_MAX, validate_name, working_date_validator
from people.api.serializers import HouseholdBriefSerializer, choice_list
from people.models import Household, Person
from referrals.models import Referral

# --- Sites, rooms, beds (no person) --------------------------------------------------------------


class SiteSerializer(strict.ModelSerializer):
    """A site as its provider describes it: rules, eligibility, languages, last confirmation."""

    provider = OrganisationField()
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    kind_label = strict.CharField(source="get_kind_display", read_only=True)
    staff_languages = LanguageListField(required=False)

    class Meta:
        model = Site
        fields = [
            "id",
            "provider",
            "name",
            "address",
            "kind",
            "kind_label",
            "women_only",
            "men_only",
            "families",
            "minors_accompanied",
            "pets",
            "wheelchair_access",
            "max_stay_days",
            "staff_languages",
            *translated_fields("description", "meals", "check_in_hours"),
            "check_in_from",
            "check_in_until",
            "hold_grace",
            "hold_horizon",
            "last_confirmed_at",
            "is_active",
        ]
        read_only_fields = ["id", "last_confirmed_at", "is_active", "description", "meals", "check_in_hours"]
        extra_kwargs = {
            "check_in_from": {
                "help_text": (
                    "Arrivals received from this time of day (`HH:MM:SS`), on the site's clock: the "
                    "project's time zone, America/Toronto. A daily time, not a moment: it has no UTC "
                    "offset, unlike the date-times. Empty with `check_in_until`: any time."
                )
            },
            "check_in_until": {
                "help_text": (
                    "Until this time of day (`HH:MM:SS`, America/Toronto, no UTC offset); earlier than "
                    "`check_in_from` for a window across midnight."
                )
            },
            "hold_grace": {"help_text": "How long beds stay held after the expected arrival (HH:MM:SS)."},
            "hold_horizon": {"help_text": "How far ahead a hold may be taken (HH:MM:SS or `D HH:MM:SS`)."},
        }


class SiteUpdateSerializer(SiteSerializer):
    """A site's description and rules; a site never changes provider."""

    provider = OrganisationBriefSerializer(read_only=True)


class BoardCountsSerializer(serializers.Serializer):
    """Beds of a site by computed status now, and the free ones by room kind."""

    available = serializers.IntegerField()
    held = serializers.IntegerField()
    occupied = serializers.IntegerField()
    out_of_service = serializers.IntegerField()
    free_shared_room = serializers.IntegerField()
    free_family_unit = serializers.IntegerField()

    def to_representation(self, counter):
        return {name: counter.get(name, 0) for name in self.fields}


class BoardSiteSerializer(SiteSerializer):
    """A card of the housing board: the site and its counts (``board_counts``, set by the view)."""

    counts = BoardCountsSerializer(source="board_counts", read_only=True)

    class Meta(SiteSerializer.Meta):
        fields = [*SiteSerializer.Meta.fields, "counts"]


class BoardQuerySerializer(serializers.Serializer):
    """Filters of the housing board."""

    families = serializers.BooleanField(required=False, default=False, help_text="Sites that take families.")
    women_only = serializers.BooleanField(required=False, default=False, help_text="Sites for women only.")
    wheelchair_access = serializers.BooleanField(
        required=False, default=False, help_text="Sites with wheelchair access."
    )
    language = strict.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=3,
        help_text="A language the staff speak (es, fr, en…).",
    )


class AvailabilityEligibilitySerializer(serializers.Serializer):
    women_only = serializers.BooleanField()
    men_only = serializers.BooleanField()
    families = serializers.BooleanField()
    minors_accompanied = serializers.BooleanField()
    pets = serializers.BooleanField()
    wheelchair_access = serializers.BooleanField()


class AvailabilitySiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = strict.CharField()
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    provider = serializers.IntegerField()
    eligibility = AvailabilityEligibilitySerializer()
    staff_languages = serializers.ListField(child=strict.CharField())
    max_stay_days = serializers.IntegerField()
    last_confirmed_at = serializers.DateTimeField(allow_null=True)


class AvailabilityBedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = strict.CharField()
    room = strict.CharField()
    room_kind = serializers.ChoiceField(choices=RoomKind.choices)
    status = serializers.ChoiceField(choices=BedStatus.choices)


class BedStatusCountsSerializer(serializers.Serializer):
    out_of_service = serializers.IntegerField()
    occupied = serializers.IntegerField()
    held = serializers.IntegerField()
    available = serializers.IntegerField()


class FreeByRoomKindSerializer(serializers.Serializer):
    shared_room = serializers.IntegerField()
    family_unit = serializers.IntegerField()


class SiteAvailabilitySerializer(serializers.Serializer):
    """One site as the live board shows it (``housing.availability.site_availability``) and the
    version of the ``housing.availability`` stream this state is at least as new as: a board that
    loads this and then subscribes ignores deltas up to ``version``."""

    version = serializers.IntegerField()
    site = AvailabilitySiteSerializer()
    beds = AvailabilityBedSerializer(many=True)
    counts = BedStatusCountsSerializer()
    free_by_room_kind = FreeByRoomKindSerializer()


class BedBriefSerializer(strict.ModelSerializer):
    room = strict.CharField(source="room.name", read_only=True)

    class Meta:
        model = Bed
        fields = ["id", "label", "room"]
        read_only_fields = fields


class RoomCreateSerializer(serializers.Serializer):
    name = strict.CharField(max_length=100, validators=[validate_name])
    kind = serializers.ChoiceField(choices=RoomKind.choices)
    beds = serializers.IntegerField(min_value=1, max_value=200, help_text="Beds to add, labelled 1…n.")


class RoomSerializer(strict.ModelSerializer):
    kind_label = strict.CharField(source="get_kind_display", read_only=True)
    beds = BedBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Room
        fields = ["id", "site", "name", "kind", "kind_label", "beds"]
        read_only_fields = fields


class OutOfServiceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Now when left out.", validators=[working_date_validator]
    )
    ends_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Until further notice when left out.",
        validators=[working_date_validator],
    )
    reason = strict.CharField(max_length=200)


class OutOfServicePeriodSerializer(strict.ModelSerializer):
    class Meta:
        model = BedAllocation
        fields = ["id", "bed", "starts_at", "ends_at", "reason"]
        read_only_fields = fields


class BedSerializer(strict.ModelSerializer):
    """A bed and its computed status now (``status``, set by the view)."""

    room = strict.CharField(source="room.name", read_only=True)
    status = serializers.ChoiceField(choices=BedStatus.choices, read_only=True)

    class Meta:
        model = Bed
        fields = ["id", "site", "room", "label", "is_active", "status"]
        read_only_fields = fields


# --- Holds and stays (they name people: restricted to the placing and hosting organisations) ----


class SiteBriefSerializer(strict.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name"]
        read_only_fields = fields


class OccupantPersonSerializer(strict.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "given_names", "family_names"]
        read_only_fields = fields


class AllocatedBedsField(serializers.ListField):
    """The beds a hold or a stay takes, or took last (from its prefetched allocations, history
    included, less the beds it left when it moved)."""

    child = BedBriefSerializer()

    def __init__(self, **kwargs):
        super().__init__(source="allocations", read_only=True, **kwargs)

    def to_representation(self, allocations):
        beds = {
            allocation.bed_id: allocation.bed for allocation in allocations.all() if allocation.moved_out_by_id is None
        }
        return [self.child.to_representation(beds[bed_id]) for bed_id in sorted(beds)]


class OccupantSerializer(serializers.Serializer):
    """What the reader may know of the people of a hold or stay (``housing.selectors.Occupant``):
    the code and composition always, names only to the placing hub and to a provider the people
    consented to share their identity with."""

    code = strict.CharField()
    composition = strict.CharField(help_text='"2 adults, 2 children", in the request\'s language.')
    size = serializers.IntegerField()
    title = strict.CharField(help_text="The household's or person's name, the names that may be shown, or the code.")
    identity_shown = serializers.BooleanField()
    names = serializers.ListField(child=strict.CharField())


class OccupantIdentityMixin(serializers.Serializer):
    """``household`` and ``person`` only when every one of their people may be named to the
    reader (``occupant``, set by ``housing.selectors.with_occupants``); else null, and the
    ``occupant`` block says what may be known."""

    household = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()
    occupant = OccupantSerializer(read_only=True)

    @extend_schema_field(HouseholdBriefSerializer(allow_null=True))
    def get_household(self, row):
        if row.household_id is None or not row.occupant.fully_named:
            return None
        return HouseholdBriefSerializer(row.household).data

    @extend_schema_field(OccupantPersonSerializer(allow_null=True))
    def get_person(self, row):
        if row.person_id is None or not row.occupant.fully_named:
            return None
        return OccupantPersonSerializer(row.person).data


class HoldSerializer(OccupantIdentityMixin, strict.ModelSerializer):
    site = SiteBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    held_by = UserBriefSerializer(read_only=True)
    beds = AllocatedBedsField()
    status_label = strict.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Hold
        fields = [
            "id",
            "site",
            "beds",
            "organisation",
            "household",
            "person",
            "occupant",
            "code",
            "referral",
            "held_by",
            "created_at",
            "expected_arrival_at",
            "expires_at",
            "in_transit",
            "override_reason",
            "status",
            "status_label",
            "ended_at",
        ]
        read_only_fields = fields


ARRIVAL_HELP = (
    "An ISO 8601 date-time with its UTC offset. Accepted from now (5 minutes' slack: else 422 "
    "`arrival_in_past`) to now plus the site's `hold_horizon` (24 hours unless the site sets "
    "another; else 422 `arrival_beyond_horizon`); outside the site's check-in hours a 409 "
    "`outside_check_in` unless confirmed. The hold lasts until this plus the site's `hold_grace`."
)


class HoldCreateSerializer(serializers.Serializer):
    """Hold beds of one site for a household (all its beds or none) or a person, for an arrival
    at ``expected_arrival_at``: the beds listed, or a whole family unit (``room``), or a bed per
    person in shared rooms (``split_in_shared_rooms``). The hold is made for the organisation
    that owns the household's or the person's file.

    The site, the occupant and the beds stay ids: ``services.hold_request`` reads them, so that a
    refusal under contention is answered before any of them is (docs/benchmarks.md, "Holds"),
    and an id that does not exist and one the user may not use give the same answer (404)."""

    site = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    household = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False, allow_null=True)
    person = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False, allow_null=True)
    beds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), required=False, allow_empty=False, max_length=50
    )
    room = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        help_text="A family unit of the site, held whole.",
    )
    split_in_shared_rooms = serializers.BooleanField(
        required=False, default=False, help_text="A bed per person in the site's shared rooms."
    )
    referral = RestrictedPrimaryKeyField(model=Referral, action=Action.VIEW, required=False, allow_null=True)
    expected_arrival_at = serializers.DateTimeField(
        help_text=ARRIVAL_HELP,
        validators=[working_date_validator],
    )
    confirm_outside_check_in = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirms an arrival outside the site's check-in hours (else 409 `outside_check_in`).",
    )
    override_reason = strict.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=500,
        help_text="A hub coordinator's reason to hold against the site's rules (else 409 with the rule's code).",
    )
    share_identity = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Records the people's consent that the site's provider sees their names and household.",
    )
    in_transit = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        household_id, person_id = attrs.get("household"), attrs.get("person")
        if (household_id is None) == (person_id is None):
            raise RuleError({"non_field_errors": [_("Choose a household or a person.")]})
        chosen = bool(attrs.get("beds")) + (attrs.get("room") is not None) + attrs["split_in_shared_rooms"]
        if chosen != 1:
            raise RuleError({"non_field_errors": [_("Choose either beds, a family unit, or beds in shared rooms.")]})
        return attrs


class HoldReleaseSerializer(serializers.Serializer):
    no_show = serializers.BooleanField(
        required=False, default=False, help_text="The household never arrived (counted apart)."
    )


class HoldExtendSerializer(serializers.Serializer):
    expected_arrival_at = serializers.DateTimeField(help_text=ARRIVAL_HELP, validators=[working_date_validator])
    confirm_outside_check_in = serializers.BooleanField(required=False, default=False)


class MoveSerializer(serializers.Serializer):
    """Move a current hold's or stay's people to other beds: of the same site, or (the placing
    hub only) of another site it may hold beds at. The site is read by id here; the service
    checks that the user may move there (else 404)."""

    site = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text="The site of the new beds (the same one or another)."
    )
    beds = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), allow_empty=False, max_length=50
    )
    override_reason = strict.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=500,
        help_text="A hub coordinator's reason to move against the site's rules (else 409 with the rule's code).",
    )
    confirm_outside_check_in = serializers.BooleanField(
        required=False,
        default=False,
        help_text="A hold moved to another site: confirms an arrival outside its check-in hours.",
    )

    def validate(self, attrs):
        site = Site.objects.filter(pk=attrs["site"]).first()
        if site is None:
            raise NotFoundError()
        return {**attrs, "site": site}


class CheckInSerializer(serializers.Serializer):
    planned_end_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="The site's maximum stay from now when left out.",
        validators=[working_date_validator],
    )


class StaySerializer(OccupantIdentityMixin, strict.ModelSerializer):
    site = SiteBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    recorded_by = UserBriefSerializer(read_only=True)
    beds = AllocatedBedsField()
    status_label = strict.CharField(source="get_status_display", read_only=True)
    exit_destination_label = strict.CharField(source="get_exit_destination_display", read_only=True)

    class Meta:
        model = Stay
        fields = [
            "id",
            "site",
            "beds",
            "organisation",
            "household",
            "person",
            "occupant",
            "hold",
            "checked_in_at",
            "planned_end_at",
            "extended_times",
            "checked_out_at",
            "exit_destination",
            "exit_destination_label",
            "status",
            "status_label",
            "recorded_by",
        ]
        read_only_fields = fields


class StayExtendSerializer(serializers.Serializer):
    planned_end_at = serializers.DateTimeField(validators=[working_date_validator])


class StayCheckOutSerializer(serializers.Serializer):
    exit_destination = serializers.ChoiceField(choices=ExitDestination.choices)


# --- Unmet demand --------------------------------------------------------------


class UnmetRequestSerializer(strict.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    household = HouseholdBriefSerializer(read_only=True)
    person = OccupantPersonSerializer(read_only=True)
    recorded_by = UserBriefSerializer(read_only=True)
    reason_label = strict.CharField(source="get_reason_display", read_only=True)

    class Meta:
        model = UnmetHousingRequest
        fields = [
            "id",
            "organisation",
            "recorded_at",
            "household_size",
            "need_categories",
            "reason",
            "reason_label",
            "household",
            "person",
            "languages",
            "recorded_by",
        ]
        read_only_fields = fields


class UnmetRequestCreateSerializer(serializers.Serializer):
    """One click: the size of the household no bed fitted and why. The request is recorded for
    ``organisation``, else for the owner of the household's or person's file, else for the only
    organisation whose cases the user works."""

    organisation = OrganisationField(required=False, allow_null=True)
    household_size = serializers.IntegerField(min_value=1, max_value=50)
    reason = serializers.ChoiceField(choices=UnmetReason.choices)
    need_categories = choice_list(NeedCategory.choices, required=False)
    household = RestrictedPrimaryKeyField(model=Household, required=False, allow_null=True)
    person = RestrictedPrimaryKeyField(model=Person, required=False, allow_null=True)
    languages = LanguageListField(required=False)
