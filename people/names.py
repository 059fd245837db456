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


# Spanish spellings of one sound, rewritten in order (each rule sees the output of the ones
# before): "García López" is typed "Garsia Lopes", "Valverde" "Balberde", "Castillo" "Castiyo",
# "Hernández" "Ernandes". "ch" is kept apart (as "1") before the mute "h" goes.
_SOUND_RULES = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"ch"), "1"),
    (re.compile(r"h"), ""),
    (re.compile(r"ll"), "y"),
    (re.compile(r"y(?![aeiou])"), "i"),
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"gu(?=[ei])"), "2"),
    (re.compile(r"g(?=[ei])"), "j"),
    (re.compile(r"x"), "j"),
    (re.compile(r"c(?=[ei])|z"), "s"),
    (re.compile(r"[cq]"), "k"),
    (re.compile(r"[vw]"), "b"),
    (re.compile(r"n(?=[bp])"), "m"),
    (re.compile(r"(.)\1+"), r"\1"),
]


def sound_of(word: str) -> str:
    """How a lowercase ASCII word sounds in Spanish, as a spelling-independent key:
    c/s/z, b/v, ll/y, mute h, qu/k, g/j before e and i, doubled letters."""
    for pattern, replacement in _SOUND_RULES:
        word = pattern.sub(replacement, word)
    return word


def sound_key(given_names: str, family_names: str) -> str:
    """The sounds of a person's names, sorted: the stored form the duplicate warning and the
    search compare, so that spelling variants of one name meet."""
    return " ".join(sorted({sound_of(token) for token in name_tokens(given_names, family_names)}))


def phone_digits(phone: str) -> str:
    """Only the digits of a phone number: "(514) 555-0101" and "514.555.0101" are one number."""
    return "".join(character for character in phone if character.isdigit())
