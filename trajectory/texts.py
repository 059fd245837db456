"""Texts the hub writes in three languages (``<field>_fr``, ``_en``, ``_es``): the reader gets
their language, else the French text marked as not yet translated; the author sees what is
missing."""

from dataclasses import dataclass

from organisations.choices import SPOKEN_LANGUAGES
from trajectory.choices import CONTENT_LANGUAGES, FALLBACK_LANGUAGE

LANGUAGE_CODES = [code for code, _name in CONTENT_LANGUAGES]


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


def translated(obj, field: str, language: str) -> Translated:
    """``obj.<field>_<language>``, or the French text marked missing when it is empty."""
    language = content_language(language)
    text = getattr(obj, f"{field}_{language}", "") or ""
    if text.strip():
        return Translated(text, language, missing=False)
    return Translated(getattr(obj, f"{field}_{FALLBACK_LANGUAGE}", "") or "", FALLBACK_LANGUAGE, missing=True)


def missing_languages(obj, *fields: str) -> list[str]:
    """The names of the languages in which one of ``fields`` is not written yet (for the
    author), in the page's language."""
    return [
        str(SPOKEN_LANGUAGES.get(code, code))
        for code in LANGUAGE_CODES
        if any(not (getattr(obj, f"{field}_{code}", "") or "").strip() for field in fields)
    ]


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """A guide's text as ``("p", [text])`` paragraphs and ``("ul", [items])`` lists: paragraphs
    are separated by a blank line, list items start with "- "."""
    result: list[tuple[str, list[str]]] = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            result.append(("ul", [line[2:].strip() for line in lines]))
        else:
            result.append(("p", [" ".join(lines)]))
    return result
