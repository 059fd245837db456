"""A site's texts for those who refer and those who arrive, in French, English and Spanish
(django-modeltranslation; read through ``organisations.texts``)."""

from modeltranslation.translator import TranslationOptions, register

from housing.models import Site


@register(Site)
class SiteTranslation(TranslationOptions):
    fields = ("description", "meals", "check_in_hours")
