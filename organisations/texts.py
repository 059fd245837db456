"""Texts organisations write for others to read, in three languages.

Each such text is three columns, ``<field>_fr``, ``_en`` and ``_es``: django-modeltranslation
adds them to the fields registered in each app's ``translation.py`` (services, locations, sites,
the trajectory's steps and guides…), and its descriptor answers ``obj.<field>`` in the active
language, else French. What the descriptor cannot say is *that* it fell back: the reader must
see that the text is "not yet translated", and the author which languages are missing. That is
this module, the one reading of those columns for pages, documents and exports.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from organisations.choices import SPOKEN_LANGUAGES

# The content languages, French first: the reference every reader falls back to.
LANGUAGE_CODES: list[str] = list(settings.MODELTRANSLATION_LANGUAGES)
FALLBACK_LANGUAGE: str = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
# Each content language named in itself, as a bilingual author or a person choosing looks for it.
LANGUAGE_NAMES = {"fr": "Français", "en": "English", "es": "Español"}


@dataclass(frozen=True)
class Translated:
    """A text in the language it is shown in; ``missing`` when the reader's was not written."""

    text: str
    language: str
    missing: bool

    def __str__(self) -> str:
        return self.text


def content_language(language_code: str | None) -> str:
    """The content language for an interface or person's language code (``es-419`` → ``es``);
    French for any other."""
    code = (language_code or "").split("-")[0].lower()
    return code if code in LANGUAGE_CODES else FALLBACK_LANGUAGE


def translated(obj, field: str, language: str | None) -> Translated:
    """``obj.<field>_<language>``, or the French text marked missing when it is empty."""
    language = content_language(language)
    text = getattr(obj, f"{field}_{language}", "") or ""
    if text.strip():
        return Translated(text, language, missing=False)
    return Translated(getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", "") or "", FALLBACK_LANGUAGE, missing=True)


def missing_languages(obj, *fields: str) -> list[str]:
    """The names of the languages in which one of ``fields`` is written in French but not yet
    in that language (for the author), in the page's language."""
    return [
        str(SPOKEN_LANGUAGES.get(code, code))
        for code in LANGUAGE_CODES
        if any(
            (getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", "") or "").strip()
            and not (getattr(obj, f"{field}_{code}", "") or "").strip()
            for field in fields
        )
    ]


def in_any_language(field: str, lookup: str, value) -> Q:
    """A filter on a translated text in every language at once (``name`` ``icontains`` "logement"
    finds a service whose Spanish name has it): a search must not depend on the reader's
    language, nor miss what is written only in French."""
    condition = Q()
    for code in LANGUAGE_CODES:
        condition |= Q(**{f"{field}_{code}__{lookup}": value})
    return condition


def require_french(obj) -> None:
    """Refuse a translated text of ``obj`` written in English or Spanish but not in French:
    French is what every reader without their language falls back to (a model's ``clean``)."""
    errors = {}
    for field in translator.get_options_for_model(type(obj)).fields:
        written = [code for code in LANGUAGE_CODES if (getattr(obj, f"{field}_{code}", "") or "").strip()]
        if written and FALLBACK_LANGUAGE not in written:
            errors[f"{field}_{FALLBACK_LANGUAGE}"] = ValidationError(
                _("Write it in French too: readers of the other languages see the French text."),
                code="french_missing",
            )
    if errors:
        raise ValidationError(errors)
