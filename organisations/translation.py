"""The directory's texts written in French, English and Spanish (django-modeltranslation adds
``<field>_fr``, ``_en`` and ``_es``; ``organisations.texts`` reads them). Names and addresses
of organisations are proper names and stay one."""

from modeltranslation.translator import TranslationOptions, register

from organisations.models import Location, Organisation, Service


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("description",)


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description", "eligibility", "how_to_refer")
    required_languages = {"fr": ("name",)}


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"fr": ("name",)}
