"""Enumerations of the privacy app: codes in English, labels translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The languages a person's export is written in: those the platform is translated into.
EXPORT_LANGUAGES = [("fr", _("French")), ("en", _("English")), ("es", _("Spanish"))]
# The platform's locale for each: Québec French, Canadian English, Latin-American Spanish.
EXPORT_LOCALES = {"fr": "fr-ca", "en": "en-ca", "es": "es-419"}


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (s. 27)")
    PORTABILITY = "portability", _("Portability (s. 27)")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    MAIL = "mail", _("Mail")


class Requester(models.TextChoices):
    PERSON = "person", _("The person")
    REPRESENTATIVE = "representative", _("A representative (parent, guardian, lawyer)")
