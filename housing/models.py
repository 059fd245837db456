"""Short-term housing: sites, rooms and beds, and who occupies which bed when.

A bed's occupation is a set of ``BedAllocation`` rows (a hold, a stay or an out-of-service
period, each with a start and an end). On PostgreSQL an exclusion constraint forbids two active
allocations of one bed in overlapping periods, and others forbid one household in two active
stays or holds at once (migration 0002); the services check the same things first so that people
get a clear message, and on SQLite the same checks run under the write lock.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from housing.choices import AllocationKind, ExitDestination, HoldStatus, RoomKind, SiteKind, StayStatus, UnmetReason
from organisations.models import Organisation
from organisations.querysets import RestrictedQuerySet
from organisations.texts import require_french
from organisations.validators import validate_name
from people.models import Household, Person


class Site(models.Model):
    """A housing provider's building or address with rooms and beds."""

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    address = models.CharField(_("address"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    women_only = models.BooleanField(_("women only"), default=False)
    men_only = models.BooleanField(_("men only"), default=False)
    families = models.BooleanField(_("families"), default=False)
    minors_accompanied = models.BooleanField(_("accompanied minors"), default=False)
    pets = models.BooleanField(_("pets allowed"), default=False)
    wheelchair_access = models.BooleanField(_("wheelchair access"), default=False)
    description = models.TextField(
        _("description"), blank=True, max_length=2000, help_text=_("What the place is like, for those who refer.")
    )
    max_stay_days = models.PositiveSmallIntegerField(_("maximum stay (days)"), default=30)
    staff_languages = models.JSONField(_("languages spoken by staff"), default=list, blank=True)
    meals = models.CharField(_("meals"), max_length=200, blank=True)
    check_in_hours = models.CharField(
        _("check-in hours, as written"),
        max_length=100,
        blank=True,
        help_text=_("Shown as written; the times below are what holds are checked against."),
    )
    check_in_from = models.TimeField(
        _("receives arrivals from"), null=True, blank=True, help_text=_("Leave both times empty: at any time.")
    )
    check_in_until = models.TimeField(
        _("receives arrivals until"),
        null=True,
        blank=True,
        help_text=_("Earlier than the start for a window across midnight (20:00 to 02:00)."),
    )
    hold_grace = models.DurationField(
        _("beds kept after the expected arrival"),
        default=timedelta(hours=2),
        validators=[MinValueValidator(timedelta(minutes=15)), MaxValueValidator(timedelta(hours=12))],
    )
    hold_horizon = models.DurationField(
        _("holds taken up to this far ahead"),
        default=timedelta(hours=24),
        validators=[MinValueValidator(timedelta(hours=1)), MaxValueValidator(timedelta(days=7))],
    )
    last_confirmed_at = models.DateTimeField(_("last confirmed by the provider"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~(Q(women_only=True) & Q(men_only=True)), name="site_one_gender_rule"),
            models.CheckConstraint(
                condition=Q(check_in_from__isnull=True, check_in_until__isnull=True)
                | Q(check_in_from__isnull=False, check_in_until__isnull=False),
                name="site_check_in_window_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        require_french(self)


class Room(models.Model):
    """A shared room or a family unit of a site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.SHARED_ROOM)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="unique_room_name")]

    def __str__(self) -> str:
        return f"{self.site} — {self.name}"


class Bed(models.Model):
    """The bookable slot. Its status is computed from its allocations, never stored."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="beds")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="beds")
    label = models.CharField(_("label"), max_length=50)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        ordering = ["site", "room__name", "label"]
        constraints = [models.UniqueConstraint(fields=["room", "label"], name="unique_bed_label")]

    def __str__(self) -> str:
        return f"{self.room} — {self.label}"


class Hold(models.Model):
    """Beds kept for a household or a person while they travel; all the beds or none, from the
    moment they are held until ``expires_at`` = the expected arrival plus the site's grace period
    (then the worker frees them), or check-in.

    ``code`` ("H-4821") is what a provider reads when the person has not consented to share
    their name with it; ``override_reason`` is the hub coordinator's written reason for holding
    beds against a site's rules (``housing.eligibility``)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="holds")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="holds", verbose_name=_("held for")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="holds")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="holds")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="holds"
    )
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("held at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    in_transit = models.BooleanField(_("in transit"), default=False)
    # Null only on holds made before arrival windows existed; services require it.
    expected_arrival_at = models.DateTimeField(_("expected arrival"), null=True, blank=True)
    code = models.CharField(_("hold code"), max_length=12, blank=True)
    override_reason = models.TextField(_("reason for overriding the site's rules"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=HoldStatus.choices, default=HoldStatus.ACTIVE)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(person__isnull=False), name="hold_for_someone"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="hold_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.site} ({self.expires_at:%Y-%m-%d %H:%M})"


class Stay(models.Model):
    """A household or person staying in a site: checked in, planned end (within the site's
    maximum stay), extended, checked out with an exit destination."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stays")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="stays", verbose_name=_("placed by")
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, null=True, blank=True, related_name="stays")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="stays")
    hold = models.OneToOneField(Hold, on_delete=models.PROTECT, null=True, blank=True, related_name="stay")
    checked_in_at = models.DateTimeField(_("checked in"))
    planned_end_at = models.DateTimeField(_("planned end"))
    extended_times = models.PositiveSmallIntegerField(_("extensions"), default=0)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    exit_destination = models.CharField(
        _("exit destination"), max_length=32, choices=ExitDestination.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=StayStatus.choices, default=StayStatus.ACTIVE)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["-checked_in_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(person__isnull=False), name="stay_for_someone"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_at__gt=models.F("checked_in_at")), name="stay_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.checked_in_at:%Y-%m-%d}"


class BedAllocation(models.Model):
    """One bed taken for a period by a hold, a stay or an out-of-service period.

    ``ends_at`` is exclusive; an open-ended out-of-service period has none. Inactive rows are the
    history (a released hold, a stay checked out early keeps its row with the real end).
    """

    bed = models.ForeignKey(Bed, on_delete=models.CASCADE, related_name="allocations")
    kind = models.CharField(max_length=20, choices=AllocationKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, null=True, blank=True, related_name="allocations")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # Set when the hold or stay moved to other beds: the row is the history of where the people
    # were until the move (inactive, ending at the move), no longer one of the record's beds.
    moved_out_by = models.ForeignKey(
        "BedMove", on_delete=models.CASCADE, null=True, blank=True, related_name="allocations_left"
    )

    class Meta:
        verbose_name = _("bed allocation")
        verbose_name_plural = _("bed allocations")
        indexes = [models.Index(fields=["bed", "is_active", "starts_at"], name="allocation_bed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")), name="allocation_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bed} {self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class BedMove(models.Model):
    """A hold or a stay moved to other beds, in the same site or another one (``services.move``).

    The beds are written out as they were named at the move (``from_beds``, ``to_beds``) so that
    the person file shows the history as it happened; ``override_reason`` is a hub coordinator's
    written reason for a move against the new site's rules."""

    hold = models.ForeignKey(Hold, on_delete=models.CASCADE, null=True, blank=True, related_name="moves")
    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, null=True, blank=True, related_name="moves")
    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    from_beds = models.CharField(_("beds left"), max_length=500)
    to_beds = models.CharField(_("beds taken"), max_length=500)
    moved_at = models.DateTimeField(_("moved at"))
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    override_reason = models.TextField(_("reason for overriding the site's rules"), blank=True)

    class Meta:
        verbose_name = _("move between beds")
        verbose_name_plural = _("moves between beds")
        ordering = ["-moved_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hold__isnull=False, stay__isnull=True) | Q(hold__isnull=True, stay__isnull=False),
                name="bed_move_of_hold_or_stay",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_site} → {self.to_site} {self.moved_at:%Y-%m-%d %H:%M}"


class UnmetHousingRequest(models.Model):
    """A household the hub could not place: recorded in one click, counted by the city's reports."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="unmet_housing_requests")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    need_categories = models.JSONField(_("needs"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=32, choices=UnmetReason.choices)
    household = models.ForeignKey(Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unmet housing request")
        verbose_name_plural = _("unmet housing requests")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.recorded_at:%Y-%m-%d} {self.household_size}"
