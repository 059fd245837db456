"""Enumerations of short-term housing (codes in English, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SiteKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency housing")
    SHORT_TERM = "short_term", _("Short-term housing")
    TRANSITIONAL = "transitional", _("Transitional housing")


class RoomKind(models.TextChoices):
    SHARED_ROOM = "shared_room", _("Shared room")
    FAMILY_UNIT = "family_unit", _("Family unit")


class BedStatus(models.TextChoices):
    """Computed, never stored: out of service > occupied > held > available."""

    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    OCCUPIED = "occupied", _("Occupied")
    HELD = "held", _("Held")
    AVAILABLE = "available", _("Available")


class AllocationKind(models.TextChoices):
    HOLD = "hold", _("Hold")
    STAY = "stay", _("Stay")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")


class HoldStatus(models.TextChoices):
    # Contexts: "Active" and "Expired" also label consents and referrals, of other genders in
    # French and Spanish.
    ACTIVE = "active", pgettext_lazy("hold status", "Active")
    CHECKED_IN = "checked_in", _("Checked in")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", pgettext_lazy("hold status", "Expired")
    NO_SHOW = "no_show", _("No-show")


class StayStatus(models.TextChoices):
    ACTIVE = "active", _("In the site")
    CHECKED_OUT = "checked_out", _("Checked out")


class ExitDestination(models.TextChoices):
    PERMANENT_HOUSING = "permanent_housing", _("Permanent housing")
    OTHER_SHELTER = "other_shelter", _("Another shelter")
    FAMILY_FRIENDS = "family_friends", _("Family or friends")
    HOSPITAL = "hospital", _("Hospital")
    LEFT_THE_REGION = "left_the_region", _("Left the region")
    UNKNOWN = "unknown", _("Unknown")
    OTHER = "other", _("Other")


class UnmetReason(models.TextChoices):
    NO_BED = "no_bed", _("No bed free")
    NO_FAMILY_ROOM = "no_family_room", _("No family room free")
    ELIGIBILITY = "eligibility", _("No site fits the household")
    ACCESSIBILITY = "accessibility", _("No accessible place")
    OTHER = "other", _("Other")
