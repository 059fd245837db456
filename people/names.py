"""Names compared the way people type them: without accents, case, punctuation or order, so that
"María José García López", "maria garcia" and "GARCIA LOPEZ Maria Jose" can be found together."""

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
# The zero-width non-joiner and joiner change how letters join, not which letters a name has
# (names may hold them: organisations.validators); "Te\u200dst" is the same word as "Test".
_JOINERS = str.maketrans("", "", "\u200c\u200d")


def name_tokens(*parts: str) -> list[str]:
    """Lowercase ASCII words of the names, sorted and without repeats."""
    text = unicodedata.normalize("NFKD", " ".join(parts).translate(_JOINERS))
    text = "".join(character for character in text if not unicodedata.combining(character)).lower()
    return sorted({token for token in _NOT_LETTERS.split(text) if token})


def name_key(given_names: str, family_names: str) -> str:
    """The words of a person's names as one string, the form stored to find possible duplicates."""
    return " ".join(name_tokens(given_names, family_names))


def names_match(key_a: str, key_b: str) -> bool:
    """Whether two name keys may be the same person: every word of the shorter name appears in
    the longer one (one or two surnames, a name left out), with at least two words in common."""
    a, b = set(key_a.split()), set(key_b.split())
    shorter = a if len(a) <= len(b) else b
    common = a & b
    return len(common) >= 2 and common == shorter or len(common) >= 3
