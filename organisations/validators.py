"""Validators shared by models, API serializers and page forms, so that a rule is written once:
names a person can read, and dates that can be true.

Both are stated in the OpenAPI schema as far as a schema can: a name's ``pattern`` (a
``RegexValidator``, which drf-spectacular turns into one); a date's range depends on today, which
no schema can state, so a date out of range is refused with the rule code ``implausible_date``
(a 422 on the API, ``organisations.errors.RULE_CODES``)."""

import unicodedata
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from organisations.choices import DataGroup, NeedCategory

# Characters a name may not hold. Control characters (C0, DEL, C1: terminal escapes among them)
# and the invisible format characters (Unicode category Cf: bidi embeddings, overrides and
# isolates that reorder text on screen, "Ali\u202eecnarF" showing as "AliFrance"; zero-width
# spaces, soft hyphens, U+FEFF, tag characters), plus the line and paragraph separators (Zl, Zp):
# in a name they only ever disguise it, or split one name into two for the duplicate check.
# The zero-width non-joiner and joiner (U+200C, U+200D) are Cf too but are kept: Persian and
# Indic scripts need them to spell names right (people/names.py drops them when comparing).
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


_REFUSED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _refused(character: str) -> bool:
    return unicodedata.category(character) in _REFUSED_CATEGORIES and character not in _KEPT_FORMAT_CHARACTERS


def _class_body(codepoints: list[int]) -> str:
    """The body of a regular-expression character class matching these code points, as
    ``\\uXXXX`` ranges (read alike by Python and by the schema's ECMAScript patterns)."""
    parts, start = [], None
    for index, codepoint in enumerate(codepoints):
        if start is None:
            start = codepoint
        if index + 1 == len(codepoints) or codepoints[index + 1] != codepoint + 1:
            parts.append(f"\\u{start:04x}" if start == codepoint else f"\\u{start:04x}-\\u{codepoint:04x}")
            start = None
    return "".join(parts)


# The refused characters of the Basic Multilingual Plane, as the pattern the OpenAPI schema
# shows. Those beyond it (tag characters, a few in historic scripts) have no escape that Python
# and ECMAScript read alike, so NameValidator checks them in code.
_NOT_IN_NAMES = _class_body([codepoint for codepoint in range(0x10000) if _refused(chr(codepoint))])


@deconstructible
class NameValidator(RegexValidator):
    """Refuse a name with control characters, invisible format characters or line separators.
    A class without arguments, so that migrations name it and do not copy its character list:
    the list follows Python's Unicode tables without a migration."""

    def __init__(self):
        super().__init__(
            rf"\A[^{_NOT_IN_NAMES}]*\Z",
            _("Write the name with letters only: no control characters or invisible characters."),
            code="invalid",
        )

    def __call__(self, value):
        super().__call__(value)
        if any(ord(character) > 0xFFFF and _refused(character) for character in str(value)):
            raise ValidationError(self.message, code=self.code, params={"value": value})


validate_name = NameValidator()


def validate_text(value: str) -> None:
    """Refuse control characters in free text (an escape or a bell typed or pasted by mistake, or
    sent on purpose), which a page or an export would show back raw; tabs and line breaks stay."""
    if any(unicodedata.category(character) == "Cc" and character not in "\t\n\r" for character in str(value)):
        raise ValidationError(_("Remove the control characters from this text."), code="invalid")


# The largest id a row can have (PostgreSQL's bigint, SQLite's integer): a larger number names
# nothing, and must be refused before it reaches the database (which would fail, not answer).
ID_MAX = 2**63 - 1


def parse_id(value: str) -> int | None:
    """The id in a query string or a stream key: ASCII digits that fit PostgreSQL's bigint, else
    None. (``str.isdigit`` is also true of "²", which ``int`` refuses.)"""
    if value.isascii() and value.isdigit() and int(value) <= ID_MAX:
        return int(value)
    return None


@deconstructible
class PlausibleDateValidator:
    """Refuse a date (or the day of a date-time) outside a range that can be true: from
    ``earliest`` or ``years_back`` years ago, to ``days_ahead`` days from today (0: today) or
    ``latest``. Relative bounds are computed on each call, in the server's time zone."""

    code = "implausible_date"

    def __init__(
        self,
        *,
        earliest: date | None = None,
        years_back: int | None = None,
        days_ahead: int | None = None,
        latest: date | None = None,
    ):
        self.earliest = earliest
        self.years_back = years_back
        self.days_ahead = days_ahead
        self.latest = latest

    def bounds(self) -> tuple[date, date]:
        """The first and the last day allowed, today."""
        today = timezone.localdate()
        earliest = self.earliest or date.min
        if self.years_back is not None:
            # 29 February, years back, may not exist: the 28th is close enough for a bound.
            day = 28 if (today.month, today.day) == (2, 29) else today.day
            earliest = max(earliest, today.replace(year=today.year - self.years_back, day=day))
        latest = self.latest or date.max
        if self.days_ahead is not None:
            latest = min(latest, today + timedelta(days=self.days_ahead))
        return earliest, latest

    def __call__(self, value):
        if value is None:
            return
        earliest, latest = self.bounds()
        day = self._day(value)
        if self.days_ahead == 0 and day > latest:
            # Something that has happened (a birth, a claim milestone) cannot be after today: say
            # so, rather than a range the reader must check.
            raise ValidationError(
                _("This date is in the future: give the day it happened, today (%(today)s) at the latest.")
                % {"today": latest.isoformat()},
                code=self.code,
            )
        if not earliest <= day <= latest:
            raise ValidationError(
                _("Give a date from %(earliest)s to %(latest)s.")
                % {"earliest": earliest.isoformat(), "latest": latest.isoformat()},
                code=self.code,
            )

    @staticmethod
    def _day(value) -> date:
        """The day of a date, or of a date-time in the server's time zone; a date-time that cannot
        be put there (year 1 a few hours east of it) is before any allowed day."""
        if not isinstance(value, datetime):
            return value
        if timezone.is_naive(value):
            return value.date()
        try:
            return timezone.localtime(value).date()
        except OverflowError:
            return date.min

    def __eq__(self, other):
        return isinstance(other, PlausibleDateValidator) and self.deconstruct() == other.deconstruct()


# The ranges of the dates people give. A day of a life (a birth, an arrival in Canada): since
# 1900, not after today.
lifetime_date_validator = PlausibleDateValidator(earliest=date(1900, 1, 1), days_ahead=0)
# Something the hub saw happen (an intervention, a claim milestone, an intake): in the last ten
# years, not after today; a claim's deadlines follow from it, so they stay within reach too.
recent_date_validator = PlausibleDateValidator(years_back=10, days_ahead=0)
# A day the hub plans or records around now (a consent's period, a hold, a stay, the end of a
# membership, a bed out of service): within ten years of today. A date-time far beyond that would
# be stored, and then be past what Python can read back (year 10000 in UTC).
working_date_validator = PlausibleDateValidator(years_back=10, days_ahead=3653)


def _code_list_validator(choices, message):
    """A validator of a JSON list of codes: a list, not empty, of distinct codes of ``choices``."""

    def validate(value) -> None:
        if not isinstance(value, list) or not value:
            raise ValidationError(_("Choose at least one."), code="required")
        if not all(isinstance(code, str) and code in choices.values for code in value) or len(set(value)) != len(value):
            raise ValidationError(message, code="invalid_choice")

    return validate


def validate_purposes(value) -> None:
    """A data-sharing agreement's purposes: need categories (organisations.choices.NeedCategory)."""
    _code_list_validator(NeedCategory, _("Choose purposes from the list of needs."))(value)


def validate_data_groups(value) -> None:
    """A data-sharing agreement's data groups (organisations.choices.DataGroup)."""
    _code_list_validator(DataGroup, _("Choose data groups from the list."))(value)


# A PDF file starts with these bytes (ISO 32000-1, 7.5.2); its name and its declared type prove nothing.
PDF_MAGIC = b"%PDF-"


def validate_pdf(file) -> None:
    """Refuse an uploaded document that is not a PDF (by its first bytes) or is larger than
    ``settings.AGREEMENT_DOCUMENT_MAX_BYTES``."""
    limit = settings.AGREEMENT_DOCUMENT_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            _("This file is too large: send a PDF of %(megabytes)s MB at most.") % {"megabytes": limit // 2**20},
            code="file_too_large",
        )
    position = file.tell()
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(_("This file is not a PDF: send the signed agreement as a PDF."), code="not_pdf")
