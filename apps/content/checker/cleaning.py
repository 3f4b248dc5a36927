"""Clean-up shared by every answer type: digits, Unicode forms, case, spacing."""

from __future__ import annotations

import unicodedata
from typing import Final

from .messages import Reason

MAX_ANSWER_LENGTH: Final = 500
# NFKC can lengthen text (one "½" becomes "1⁄2"); cap the work done on what it produces too.
MAX_NORMALISED_LENGTH: Final = 4 * MAX_ANSWER_LENGTH

ASCII_DIGITS: Final = "0123456789"
BENGALI_DIGITS: Final = "০১২৩৪৫৬৭৮৯"
DIGITS: Final = frozenset(ASCII_DIGITS + BENGALI_DIGITS)
TO_ASCII_DIGITS: Final = str.maketrans(BENGALI_DIGITS, ASCII_DIGITS)
TO_BENGALI_DIGITS: Final = str.maketrans(ASCII_DIGITS, BENGALI_DIGITS)
_SUPERSCRIPT_DIGITS: Final = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
_VULGAR_FRACTIONS: Final = frozenset(
    chr(code) for code in (*range(0x00BC, 0x00BF), *range(0x2150, 0x2160), 0x2189)
)
_DEGREE_LOOKALIKES: Final = {"º": "°", "˚": "°"}  # NFKC would turn "º" into the letter "o"
TRAILING_STOPS: Final = " .।॥"


def is_wordy(char: str) -> bool:
    """A letter or combining mark: part of a word, so a unit cannot start or end here."""
    return unicodedata.category(char)[0] in "LM"


def strip_format_chars(text: str) -> str:
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _protect_special_chars(text: str) -> str:
    """Prepare characters NFKC would misread.

    ``cm²`` loses its exponent (a unit, not a power), ``5²`` becomes unreadable (not 52),
    ``1½`` becomes ``1 1⁄2`` (not 11/2) and ``১½`` ``১ ১⁄২``, ``90º`` keeps its degree sign.
    """
    out: list[str] = []  # one character per item
    for char in text:
        previous = out[-1] if out else ""
        if char in _SUPERSCRIPT_DIGITS and previous:
            if is_wordy(previous):
                continue
            if previous in DIGITS or previous == "^":
                out.append("^")
                continue
        if char in _VULGAR_FRACTIONS and previous in DIGITS:
            expanded = unicodedata.normalize("NFKC", char)
            if previous in BENGALI_DIGITS:  # ১½ is one number: keep it in one script
                expanded = expanded.translate(TO_BENGALI_DIGITS)
            out.extend(" " + expanded)
            continue
        out.append(_DEGREE_LOOKALIKES.get(char, char))
    return "".join(out)


def clean(text: object) -> str | Reason:
    """Normalise a typed answer for reading, or say why there is nothing to read."""
    if not isinstance(text, str):
        return Reason.EMPTY
    if len(text) > MAX_ANSWER_LENGTH:
        return Reason.TOO_LONG
    cleaned = strip_format_chars(unicodedata.normalize("NFC", text))
    cleaned = unicodedata.normalize("NFKC", _protect_special_chars(cleaned)).casefold()
    if len(cleaned) > MAX_NORMALISED_LENGTH:
        return Reason.TOO_LONG
    cleaned = " ".join(cleaned.split()).rstrip(TRAILING_STOPS)
    return cleaned or Reason.EMPTY


def fold_case(text: str) -> str:
    """NFKC + casefold until stable (casefolding can un-normalise, NFKC can add capitals)."""
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        if folded == text:
            break
        text = folded
    return text


def _fold_punctuation(text: str) -> str:
    folded = fold_case(strip_format_chars(text))
    spaced = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in folded)
    return " ".join(spaced.split())


# Common spellings of the Bengali yes and no (হ্যাঁ without its chandrabindu, হাঁ, হা; নয়,
# নাহ) count as one word each, so a student never loses a mark to spelling.
_SAME_WORDS: Final = {
    _fold_punctuation(word): _fold_punctuation(same)
    for word, same in {"হ্যা": "হ্যাঁ", "হাঁ": "হ্যাঁ", "হা": "হ্যাঁ", "নয়": "না", "নাহ": "না"}.items()
}


def normalise_text(text: str) -> str:
    """Fold text for comparison (and as a cache key).

    Format characters (ZWJ, ZWNJ, ...) are removed; the text is NFKC-normalised (which includes
    NFC) and case-folded; every punctuation mark and symbol becomes a space; whitespace collapses
    to single spaces and is stripped. Combining marks, such as Bengali vowel signs, are kept.
    Common spellings of the Bengali yes and no become one word (হ্যা, হাঁ → হ্যাঁ; নয় → না).
    """
    if not isinstance(text, str):
        return ""
    return " ".join(_SAME_WORDS.get(word, word) for word in _fold_punctuation(text).split())
