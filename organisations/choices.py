"""Enumerations of the organisations app: codes in English, labels translated (DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    HUB = "hub", _("Welcome hub")
    HOUSING_PROVIDER = "housing_provider", _("Housing provider")
    EMPLOYMENT = "employment", _("Employment")
    HEALTH = "health", _("Health")
    LEGAL_AID = "legal_aid", _("Legal aid")
    FOOD_AID = "food_aid", _("Food aid")
    FRANCISATION = "francisation", _("French courses")
    EDUCATION = "education", _("Education")
    CITY = "city", _("City")
    COMMUNITY = "community", _("Community organisation")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    """A member's role inside one organisation; each role is one Django group per organisation."""

    ADMIN = "admin", _("Organisation admin")
    COORDINATOR = "coordinator", _("Coordinator")
    WORKER = "worker", _("Worker")
    LIAISON = "liaison", _("Liaison")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")


class PartnershipScope(models.TextChoices):
    """What one organisation does with a partner: send it referrals, or see and book its beds."""

    REFERRALS = "referrals", _("Referrals")
    HOUSING = "housing", _("Housing availability")


class PartnershipStatus(models.TextChoices):
    """Where a partnership stands: only an active one gives access."""

    PROPOSED = "proposed", pgettext_lazy("partnership status", "Waiting for an answer")
    ACTIVE = "active", pgettext_lazy("partnership status", "Active")
    DECLINED = "declined", pgettext_lazy("partnership status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("partnership status", "Withdrawn")
    ENDED = "ended", pgettext_lazy("partnership status", "Ended")


class InvitationStatus(models.TextChoices):
    """Where a membership invitation stands (computed: an unanswered one expires with time)."""

    PENDING = "pending", pgettext_lazy("invitation status", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("invitation status", "Accepted")
    DECLINED = "declined", pgettext_lazy("invitation status", "Declined")
    REVOKED = "revoked", pgettext_lazy("invitation status", "Revoked")
    EXPIRED = "expired", pgettext_lazy("invitation status", "Expired")


class NeedCategory(models.TextChoices):
    HOUSING_EMERGENCY = "housing_emergency", _("Emergency housing")
    HOUSING_SHORT_TERM = "housing_short_term", _("Short-term housing")
    HOUSING_LONG_TERM = "housing_long_term", _("Long-term housing")
    FOOD = "food", _("Food")
    INCOME_SUPPORT = "income_support", _("Income support")
    LEGAL_IMMIGRATION = "legal_immigration", _("Legal and immigration")
    DOCUMENTS_ADMIN = "documents_admin", _("Documents and paperwork")
    HEALTH_PHYSICAL = "health_physical", _("Physical health")
    HEALTH_MENTAL = "health_mental", _("Mental health")
    EMPLOYMENT = "employment", _("Employment")
    FRANCISATION = "francisation", _("French courses")
    EDUCATION_CHILDREN = "education_children", _("Children's education")
    CHILDCARE = "childcare", _("Childcare")
    INTERPRETATION = "interpretation", _("Interpretation")
    MATERIAL_AID = "material_aid", _("Material aid")
    TRANSPORT = "transport", _("Transport")
    SAFETY_VIOLENCE = "safety_violence", _("Safety and violence")
    SOGI_SUPPORT = "sogi_support", _("Sexual orientation and gender identity support")
    SOCIAL_INTEGRATION = "social_integration", _("Social integration")
    DIGITAL_ACCESS = "digital_access", _("Digital access")
    OTHER = "other", _("Other")


class DataGroup(models.TextChoices):
    """Groups of a person's data that a consent lets the hub share, one by one, and that a
    data-sharing agreement between two organisations covers."""

    IDENTITY = "identity", _("Identity and languages")
    CONTACT = "contact", _("Contact details")
    HOUSEHOLD = "household", _("Household")
    IMMIGRATION = "immigration", _("Immigration and claim")
    HEALTH = "health", _("Health")
    SOGI = "sogi", _("Gender identity and sexual orientation")
    NOTES = "notes", _("Notes")
    # Where the person is in the hub's service trajectory and the steps that concern the partner
    # (trajectory.selectors.partner_view); never the rest of the file.
    TRAJECTORY = "trajectory", _("Service path")


class UILanguage(models.TextChoices):
    """Languages of the interface (settings.LANGUAGES)."""

    FRENCH = "fr-ca", "Français"
    ENGLISH = "en-ca", "English"
    SPANISH = "es-419", "Español"


# Languages a person may speak or an organisation may serve in: an open list, these first.
SPOKEN_LANGUAGES = {
    "fr": _("French"),
    "en": _("English"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "ht": _("Haitian Creole"),
    "ar": _("Arabic"),
    "fa": _("Persian"),
    "sw": _("Swahili"),
    "ln": _("Lingala"),
    "ti": _("Tigrinya"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "tr": _("Turkish"),
}
