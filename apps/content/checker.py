"""Judge a student's typed answer against a problem's answer key (pure Python, no Django).

Students answer from a Telegram chat, in English or Bengali, on phones, so the checker reads
generously and never raises on what a student types. ``check_answer`` returns a ``CheckResult``
whose verdict is one of:

* ``CORRECT`` / ``INCORRECT`` -- the input was understood and compared with the key;
* ``NOT_SIMPLIFIED`` -- a fraction with the right value that is not in lowest terms although the
  key asks for ``simplest_form`` (only ever for a typed ``a/b`` or mixed number);
* ``UNPARSEABLE`` -- the input could not be read; ``message`` then tells the student, in their
  language, what to type.

Reading rules shared by every answer type:

* Input longer than ``MAX_ANSWER_LENGTH`` characters, or empty after clean-up, is unparseable.
* Format characters (category Cf: ZWJ, ZWNJ, BOM, zero-width space...) are removed, the text is
  NFC- then NFKC-normalised and case-folded, runs of whitespace collapse to one space, and
  surrounding whitespace and trailing full stops / Bengali dandas (``।``) are dropped.

Numbers (numeric and fraction answers, numeric option texts):

* Digits are ASCII or Bengali (০-৯), one script per number (``১2`` is unparseable).
* A sign ``+``, ``-``, ``−`` (U+2212) or a dash (en dash...) may lead the number.
* Commas must group digits correctly, internationally (``1,234,567``) or the Indian/lakh way
  (``12,34,567``); the decimal point is ``.``.
* Fractions use ``/``, ``⁄`` (U+2044) or ``∕`` (U+2215), optionally spaced; mixed numbers are
  ``2 1/3``; vulgar fractions ``½``, ``1½`` work; the denominator must not be 0.
* Leading ``answer:``, ``ans``, ``উত্তর:``, ``x =`` and similar are ignored, and so are currency
  and unit words before or after the number in either language (taka, ৳, টাকা, cm, সেমি, kg,
  degrees, students, জন, the counting suffixes ``টি``/``টা``...); see ``_UNIT_WORDS``. Anything
  else left over -- another number, an unknown word -- makes the input unparseable.
* Percent markers (``%``, percent, শতাংশ, শতকরা) are allowed only when the key's answer is a
  percentage (``25%``): then ``25``, ``25%``, ``২৫ শতাংশ`` and ``শতকরা ২৫`` all mean 25.

Per answer type:

* numeric -- exact comparison with ``Fraction`` unless the key has a tolerance (``0.01``
  absolute, ``1%`` relative to the answer); fractions and mixed numbers are accepted too.
* fraction -- the value must be equal; a decimal is also right when equal, or, for answers such as
  1/3 whose decimals never end, when it is the answer correctly rounded to 2 or more places.
  Decimals and whole numbers never get ``NOT_SIMPLIFIED``.
* multiple_choice -- a letter (``B``, ``b``, ``(b)``, ``b)``, ``B.``, Bengali ``খ``), optionally
  followed by the option's text; the option number ``1``-``4`` (``১``-``৪``) unless some option
  text is itself a number, in which case typed numbers are compared with option texts by value;
  or the option's text in either language. Input naming no option is unparseable.
* text -- ``normalise_text`` of the input must equal that of the answer or an accepted answer.

``key_errors`` reports, in plain English, anything wrong with a key itself (used when the content
team imports a spreadsheet). ``check_answer`` raises ``InvalidKeyError`` only for a key it cannot
use at all -- never because of what the student typed.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from fractions import Fraction
from typing import Final, Literal

__all__ = [
    "MAX_ANSWER_LENGTH",
    "AnswerKey",
    "AnswerType",
    "CheckResult",
    "InvalidKeyError",
    "Option",
    "Verdict",
    "check_answer",
    "display_answer",
    "key_errors",
    "normalise_text",
    "parse_number",
]

MAX_ANSWER_LENGTH: Final = 500
# NFKC can lengthen text (one "½" becomes "1⁄2"); cap the work done on what it produces too.
_MAX_NORMALISED_LENGTH: Final = 4 * MAX_ANSWER_LENGTH


class AnswerType(StrEnum):
    NUMERIC = "numeric"
    FRACTION = "fraction"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"


class Verdict(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_SIMPLIFIED = "not_simplified"
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class Option:
    """One multiple-choice option; ``label`` is "A".."D"."""

    label: str
    text_en: str
    text_bn: str


@dataclass(frozen=True)
class AnswerKey:
    """A problem's answer key as stored by the content team."""

    answer_type: str
    answer: str
    accepted: tuple[str, ...] = ()
    tolerance: str = ""
    simplest_form: bool = False
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    message: str = ""


class InvalidKeyError(ValueError):
    """The answer key itself is unusable; ``key_errors`` says why."""


Language = Literal["en", "bn"]


# --------------------------------------------------------------------------------------------
# Messages for the student
# --------------------------------------------------------------------------------------------


class _Problem(Enum):
    """Why a student's input could not be read (or, NOT_SIMPLIFIED, accepted with a nudge)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NOT_A_PERCENTAGE = "not_a_percentage"
    NOT_A_FRACTION = "not_a_fraction"
    PERCENT_NOT_ALLOWED = "percent_not_allowed"
    MANY_NUMBERS = "many_numbers"
    MIXED_SCRIPTS = "mixed_scripts"
    BAD_GROUPING = "bad_grouping"
    ZERO_DENOMINATOR = "zero_denominator"
    NO_WORDS = "no_words"
    NOT_SIMPLIFIED = "not_simplified"


_MESSAGES: Final[dict[_Problem, tuple[str, str]]] = {  # (English, Bengali)
    _Problem.EMPTY: (
        "Type your answer first.",
        "আগে তোমার উত্তরটি লেখো।",
    ),
    _Problem.TOO_LONG: (
        "That's too long. Type just your answer.",
        "এটা অনেক লম্বা হয়ে গেছে। শুধু উত্তরটুকু লেখো।",
    ),
    _Problem.NOT_A_NUMBER: (
        "Type just the number, like 25 or 3.5.",
        "শুধু সংখ্যাটি লেখো, যেমন ২৫ বা 25।",
    ),
    _Problem.NOT_A_PERCENTAGE: (
        "Type just the number, like 25 or 25%.",
        "শুধু সংখ্যাটি লেখো, যেমন ২৫ বা ২৫%।",
    ),
    _Problem.NOT_A_FRACTION: (
        "Type a fraction like 3/4, or a whole number.",
        "ভগ্নাংশটি এভাবে লেখো: ৩/৪ বা 3/4।",
    ),
    _Problem.PERCENT_NOT_ALLOWED: (
        "Type just the number, without %.",
        "% ছাড়া শুধু সংখ্যাটি লেখো।",
    ),
    _Problem.MANY_NUMBERS: (
        "Type only one number as your answer.",
        "উত্তর হিসেবে শুধু একটি সংখ্যা লেখো।",
    ),
    _Problem.MIXED_SCRIPTS: (
        "Use one kind of digits in a number: all 0-9 or all ০-৯.",
        "একটি সংখ্যায় এক রকম অঙ্ক লেখো: সব ০-৯ অথবা সব 0-9।",
    ),
    _Problem.BAD_GROUPING: (
        "Check the commas: write 1,234 or 12,34,567, or leave the commas out.",
        "কমাগুলো ঠিক জায়গায় দাও, যেমন ১,২৩৪ বা ১২,৩৪,৫৬৭, অথবা কমা ছাড়াই লেখো।",
    ),
    _Problem.ZERO_DENOMINATOR: (
        "A fraction can't have 0 at the bottom. Check your answer.",
        "ভগ্নাংশের হর ০ হতে পারে না। উত্তরটি আবার দেখো।",
    ),
    _Problem.NO_WORDS: (
        "Type your answer in words.",
        "তোমার উত্তরটি কথায় লেখো।",
    ),
    _Problem.NOT_SIMPLIFIED: (
        "Right value — now write it in lowest terms.",
        "মান ঠিক হয়েছে — এবার লঘিষ্ঠ আকারে লেখো।",
    ),
}

_LATIN_LETTERS: Final = "ABCD"
_BENGALI_LETTERS: Final = "কখগঘ"


def _language(code: object) -> Language:
    """``"bn"`` (also ``"bn-BD"``, ``"BN"``) or else English."""
    if isinstance(code, str) and re.split(r"[-_]", code.strip().lower())[0] == "bn":
        return "bn"
    return "en"


def _message(problem: _Problem, language: Language) -> str:
    english, bengali = _MESSAGES[problem]
    return bengali if language == "bn" else english


def _choice_message(option_count: int, language: Language) -> str:
    if language == "bn":
        letters = _BENGALI_LETTERS[:option_count]
        return f"তোমার বেছে নেওয়া বিকল্পের অক্ষরটি লেখো: {_list_letters(letters, 'বা')}।"
    letters = _LATIN_LETTERS[:option_count]
    return f"Type the letter of your choice: {_list_letters(letters, 'or')}."


def _list_letters(letters: str, conjunction: str) -> str:
    return f"{', '.join(letters[:-1])} {conjunction} {letters[-1]}"


def _unparseable(problem: _Problem, language: Language) -> CheckResult:
    return CheckResult(Verdict.UNPARSEABLE, _message(problem, language))


_CORRECT: Final = CheckResult(Verdict.CORRECT)
_INCORRECT: Final = CheckResult(Verdict.INCORRECT)


# --------------------------------------------------------------------------------------------
# Clean-up shared by every answer type
# --------------------------------------------------------------------------------------------

_ASCII_DIGITS: Final = "0123456789"
_BENGALI_DIGITS: Final = "০১২৩৪৫৬৭৮৯"
_DIGITS: Final = frozenset(_ASCII_DIGITS + _BENGALI_DIGITS)
_TO_ASCII_DIGITS: Final = str.maketrans(_BENGALI_DIGITS, _ASCII_DIGITS)
_TO_BENGALI_DIGITS: Final = str.maketrans(_ASCII_DIGITS, _BENGALI_DIGITS)
_SUPERSCRIPT_DIGITS: Final = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
_VULGAR_FRACTIONS: Final = frozenset(
    chr(code) for code in (*range(0x00BC, 0x00BF), *range(0x2150, 0x2160), 0x2189)
)
_DEGREE_LOOKALIKES: Final = {"º": "°", "˚": "°"}  # NFKC would turn "º" into the letter "o"
_TRAILING_STOPS: Final = " .।॥"


def _is_wordy(char: str) -> bool:
    """A letter or combining mark: part of a word, so a unit cannot start or end here."""
    return unicodedata.category(char)[0] in "LM"


def _strip_format_chars(text: str) -> str:
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
            if _is_wordy(previous):
                continue
            if previous in _DIGITS or previous == "^":
                out.append("^")
                continue
        if char in _VULGAR_FRACTIONS and previous in _DIGITS:
            expanded = unicodedata.normalize("NFKC", char)
            if previous in _BENGALI_DIGITS:  # ১½ is one number: keep it in one script
                expanded = expanded.translate(_TO_BENGALI_DIGITS)
            out.extend(" " + expanded)
            continue
        out.append(_DEGREE_LOOKALIKES.get(char, char))
    return "".join(out)


def _clean(text: object) -> str | _Problem:
    """Normalise a typed answer for reading, or say why there is nothing to read."""
    if not isinstance(text, str):
        return _Problem.EMPTY
    if len(text) > MAX_ANSWER_LENGTH:
        return _Problem.TOO_LONG
    cleaned = _strip_format_chars(unicodedata.normalize("NFC", text))
    cleaned = unicodedata.normalize("NFKC", _protect_special_chars(cleaned)).casefold()
    if len(cleaned) > _MAX_NORMALISED_LENGTH:
        return _Problem.TOO_LONG
    cleaned = " ".join(cleaned.split()).rstrip(_TRAILING_STOPS)
    return cleaned or _Problem.EMPTY


def _fold_case(text: str) -> str:
    """NFKC + casefold until stable (casefolding can un-normalise, NFKC can add capitals)."""
    for _ in range(4):
        folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
        if folded == text:
            break
        text = folded
    return text


def normalise_text(text: str) -> str:
    """Fold text for comparison (and as a cache key).

    Format characters (ZWJ, ZWNJ, ...) are removed; the text is NFKC-normalised (which includes
    NFC) and case-folded; every punctuation mark and symbol becomes a space; whitespace collapses
    to single spaces and is stripped. Combining marks, such as Bengali vowel signs, are kept.
    """
    if not isinstance(text, str):
        return ""
    folded = _fold_case(_strip_format_chars(text))
    spaced = "".join(" " if unicodedata.category(char)[0] in "PS" else char for char in folded)
    return " ".join(spaced.split())


# --------------------------------------------------------------------------------------------
# Reading numbers
# --------------------------------------------------------------------------------------------


class _Form(Enum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    FRACTION = "fraction"
    MIXED = "mixed"


@dataclass(frozen=True)
class _Number:
    """A number as typed: its value and how it was written."""

    value: Fraction
    form: _Form
    places: int = 0  # digits after the decimal point
    lowest_terms: bool = True  # a/b or mixed number in lowest terms (always True otherwise)
    percent: bool = False


_SIGNS: Final = "+-−–‐‒"  # plus, hyphen-minus, minus sign, en dash, hyphen, figure dash
_SLASHES: Final = "/⁄∕"
_INTEGER: Final = r"[0-9][0-9,]*"
_FRACTION_RE: Final = re.compile(
    rf"(?:(?P<whole>{_INTEGER}) )?(?P<num>{_INTEGER}) ?[{_SLASHES}] ?(?P<den>{_INTEGER})"
)
_DECIMAL_RE: Final = re.compile(rf"(?P<int>{_INTEGER})?(?:\.(?P<frac>[0-9]+))?")
_INTERNATIONAL_GROUPS_RE: Final = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_INDIAN_GROUPS_RE: Final = re.compile(r"[1-9][0-9]?(?:,[0-9]{2})*,[0-9]{3}")
_NUMBER_RUN_RE: Final = re.compile(
    rf"[0-9](?:[0-9,.]*[0-9])?(?: ?[{_SLASHES}] ?[0-9](?:[0-9,.]*[0-9])?)?"
)

_ANSWER_PREFIX_RE: Final = re.compile(
    # "answer:", "ans =", "answer is", "উত্তর:", "উত্তরঃ", "উঃ", "x =", a bare "=".
    r"(?:(?:answer|ans|উত্তর|উঃ)(?![^\W\d_]|[\u0981\u0982\u09bc-\u09d7])"
    r" ?(?:is\b)? ?[:=ঃ]? ?"
    r"|[a-z] ?= ?|= ?)"
)

_PERCENT_WORDS: Final = ("%", "٪", "percent", "per cent", "pct", "শতাংশ", "শতকরা")
_UNIT_WORDS: Final = (
    # money
    "taka", "tk", "tk.", "rs", "rs.", "৳", "টাকা", "$", "usd", "dollar", "dollars", "ডলার",
    "paisa", "poisha", "পয়সা", "cent", "cents", "€", "£", "₹", "rupee", "rupees", "রুপি",
    # length, area, volume
    "mm", "cm", "m", "km", "metre", "metres", "meter", "meters", "centimetre", "centimetres",
    "centimeter", "centimeters", "millimetre", "millimetres", "millimeter", "millimeters",
    "kilometre", "kilometres", "kilometer", "kilometers", "inch", "inches", "ft", "feet", "foot",
    "মিমি", "মি.মি", "মি.মি.", "সেমি", "সে.মি", "সে.মি.", "সে. মি.", "মি", "মি.", "মিটার",
    "কিমি", "কি.মি", "কি.মি.", "কিলোমিটার", "সেন্টিমিটার", "মিলিমিটার",
    "sq", "sq.", "square", "cubic", "cu", "cc", "cm^2", "m^2", "km^2", "cm^3", "m^3",
    "বর্গ", "ঘন", "বর্গমিটার", "বর্গসেমি", "বর্গকিমি", "ঘনমিটার", "ঘনসেমি",
    # mass and capacity
    "mg", "g", "gm", "gram", "grams", "gramme", "grammes", "kg", "kilogram", "kilograms",
    "গ্রাম", "গ্রা.", "কেজি", "কি.গ্রা.", "কিলোগ্রাম", "মিগ্রা",
    "l", "litre", "litres", "liter", "liters", "ml", "millilitre", "millilitres",
    "milliliter", "milliliters", "লিটার", "লি.", "মিলি", "মিলিলিটার",
    # angles and time
    "°", "deg", "degree", "degrees", "ডিগ্রি", "°c", "°f",
    "second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "hour", "hours",
    "hr", "hrs", "day", "days", "week", "weeks", "month", "months", "year", "years", "yr",
    "yrs", "সেকেন্ড", "মিনিট", "ঘণ্টা", "ঘন্টা", "দিন", "সপ্তাহ", "মাস", "বছর", "বৎসর",
    "km/h", "km/hr", "kmph", "m/s", "কিমি/ঘণ্টা", "কিমি/ঘন্টা",
    # counting
    "students", "student", "people", "persons", "person", "boys", "girls", "children",
    "men", "women", "workers", "pieces", "piece", "pcs", "items", "times", "marks", "units",
    "unit", "জন", "টি", "টা", "খানা", "খানি", "গুণ", "ছাত্র", "ছাত্রী", "শিক্ষার্থী",
    "লোক", "মানুষ", "নম্বর",
)  # fmt: skip


def _fold_word(word: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFC", word)).casefold()


_PERCENT_SET: Final = frozenset(_fold_word(word) for word in _PERCENT_WORDS)
_AFFIXES: Final = tuple(
    sorted({_fold_word(word) for word in _UNIT_WORDS + _PERCENT_WORDS}, key=len, reverse=True)
)


def _strip_answer_prefix(text: str) -> str:
    while (match := _ANSWER_PREFIX_RE.match(text)) and match.end() > 0:
        text = text[match.end() :]
    return text


def _strip_one_affix(text: str) -> tuple[str, str] | None:
    """Remove one unit or percent word from either end of ``text``, if one is there."""
    for word in _AFFIXES:
        start = len(text) - len(word)
        if text.endswith(word) and not (
            start > 0 and _is_wordy(word[0]) and _is_wordy(text[start - 1])
        ):
            return text[:start], word
        if text.startswith(word) and not (
            len(word) < len(text) and _is_wordy(word[-1]) and _is_wordy(text[len(word)])
        ):
            return text[len(word) :], word
    return None


def _strip_affixes(text: str) -> tuple[str, bool]:
    """Strip unit and percent words from both ends; report whether a percent word was seen."""
    percent = False
    text = text.strip()
    while text and (stripped := _strip_one_affix(text)) is not None:
        text, word = stripped[0].strip(), stripped[1]
        percent = percent or word in _PERCENT_SET
    return text, percent


def _strip_percent_sign(text: str) -> tuple[str, bool]:
    if text.endswith("%"):
        return text[:-1].rstrip(), True
    return text, False


def _take_sign(text: str) -> tuple[str, bool | None]:
    """Split off a leading sign: (rest, True for minus / False for plus / None for no sign)."""
    if text and text[0] in _SIGNS:
        return text[1:].lstrip(), text[0] != "+"
    return text, None


def _ungroup(digits: str) -> str | None:
    """Digits without their grouping commas, or None when the commas are misplaced."""
    if "," not in digits:
        return digits
    if _INTERNATIONAL_GROUPS_RE.fullmatch(digits) or _INDIAN_GROUPS_RE.fullmatch(digits):
        return digits.replace(",", "")
    return None


def _read_fraction_shape(text: str) -> _Number | _Problem | None:
    """``a/b`` or ``w a/b`` (None if the text does not have that shape)."""
    match = _FRACTION_RE.fullmatch(text)
    if match is None:
        return None
    parts = [_ungroup(part) for part in (match["whole"] or "0", match["num"], match["den"])]
    if None in parts:
        return _Problem.BAD_GROUPING
    whole, numerator, denominator = (int(part or "0") for part in parts)
    if denominator == 0:
        return _Problem.ZERO_DENOMINATOR
    reduced = math.gcd(numerator, denominator) == 1
    if match["whole"] is None:
        return _Number(Fraction(numerator, denominator), _Form.FRACTION, lowest_terms=reduced)
    value = whole + Fraction(numerator, denominator)
    return _Number(value, _Form.MIXED, lowest_terms=reduced and numerator < denominator)


def _read_decimal_shape(text: str) -> _Number | _Problem | None:
    """``12``, ``1,234.5``, ``.5`` (None if the text does not have that shape)."""
    match = _DECIMAL_RE.fullmatch(text)
    if match is None or (match["int"] is None and match["frac"] is None):
        return None
    whole = _ungroup(match["int"] or "0")
    if whole is None:
        return _Problem.BAD_GROUPING
    decimals = match["frac"] or ""
    value = int(whole) + Fraction(int(decimals or "0"), 10 ** len(decimals))
    return _Number(value, _Form.DECIMAL if decimals else _Form.INTEGER, places=len(decimals))


def _read_unsigned(text: str) -> _Number | _Problem:
    scripts = {char in _BENGALI_DIGITS for char in text if char in _DIGITS}
    ascii_text = text.translate(_TO_ASCII_DIGITS)
    number = _read_fraction_shape(ascii_text)
    if number is None:
        number = _read_decimal_shape(ascii_text)
    if number is None:
        many = len(_NUMBER_RUN_RE.findall(ascii_text)) > 1
        return _Problem.MANY_NUMBERS if many else _Problem.NOT_A_NUMBER
    if isinstance(number, _Number) and len(scripts) > 1:
        return _Problem.MIXED_SCRIPTS
    return number


def _read_number(text: object, *, typed: bool, allow_percent: bool = True) -> _Number | _Problem:
    """Read one number.

    ``typed`` (a student's input): answer prefixes, brackets and unit words are ignored, and
    percent words count. Otherwise (a key): only a plain number, with a trailing ``%`` if
    ``allow_percent``.
    """
    body = _clean(text)
    if isinstance(body, _Problem):
        return body
    if typed:
        body = _strip_answer_prefix(body)
        if len(body) > 1 and body[0] == "(" and body[-1] == ")":
            body = body[1:-1].strip()
    body, sign = _take_sign(body)
    if typed:
        body, percent = _strip_affixes(body)
    else:
        body, percent = _strip_percent_sign(body) if allow_percent else (body, False)
    if sign is None:
        body, sign = _take_sign(body)
    number = _read_unsigned(body)
    if isinstance(number, _Problem):
        return number
    value = -number.value if sign else number.value
    return _Number(value, number.form, number.places, number.lowest_terms, percent)


def parse_number(text: str) -> Fraction | None:
    """The value of the one number in a typed text, or None.

    Reads everything a student may type for a numeric answer (Bengali digits, grouping commas,
    fractions, mixed numbers, answer prefixes, unit words...). A percent marker is dropped without
    changing the value: ``parse_number("25%") == 25``.
    """
    number = _read_number(text, typed=True)
    return None if isinstance(number, _Problem) else number.value


# --------------------------------------------------------------------------------------------
# Reading keys
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tolerance:
    amount: Fraction
    relative: bool  # amount is a percentage of the answer

    def allows(self, given: Fraction, answer: Fraction) -> bool:
        limit = abs(answer) * self.amount / 100 if self.relative else self.amount
        return abs(given - answer) <= limit


_EXACT: Final = _Tolerance(Fraction(0), relative=False)


def _key_number(answer: object, *, allow_percent: bool) -> _Number | None:
    number = _read_number(answer, typed=False, allow_percent=allow_percent)
    return None if isinstance(number, _Problem) else number


def _key_tolerance(tolerance: object) -> _Tolerance | None:
    if isinstance(tolerance, str) and not tolerance.strip():
        return _EXACT
    number = _key_number(tolerance, allow_percent=True)
    if number is None or number.value < 0:
        return None
    return _Tolerance(number.value, relative=number.percent)


_KEY_LETTER_RE: Final = re.compile(r"[(\[]? ?([a-d]|[কখগঘ]) ?[)\]]?")


def _letter_index(letter: str) -> int:
    """0-3 for a/A/ক ... d/D/ঘ."""
    if letter in _BENGALI_LETTERS:
        return _BENGALI_LETTERS.index(letter)
    return _LATIN_LETTERS.index(letter.upper())


def _key_letter(text: object) -> int | None:
    """The option position named by a key's letter (``B``, ``b``, ``(B)``, ``খ``), if any."""
    cleaned = _clean(text)
    if isinstance(cleaned, _Problem):
        return None
    match = _KEY_LETTER_RE.fullmatch(cleaned)
    return None if match is None else _letter_index(match[1])


def _ordered_options(key: AnswerKey) -> list[Option] | None:
    """Options sorted by label when they are usable: 2-4, labelled A, B[, C[, D]]."""
    options = key.options
    if not 2 <= len(options) <= len(_LATIN_LETTERS):
        return None
    positions = [_key_letter(option.label) for option in options]
    if sorted(p for p in positions if p is not None) != list(range(len(options))):
        return None
    by_position = dict(zip(positions, options, strict=True))
    return [by_position[index] for index in range(len(options))]


def _choice_answer(key: AnswerKey) -> tuple[list[Option], int] | None:
    """The ordered options and the position of the right one, when the key is usable."""
    options = _ordered_options(key)
    answer = _key_letter(key.answer)
    if options is None or answer is None or answer >= len(options):
        return None
    return options, answer


def _text_targets(key: AnswerKey) -> frozenset[str]:
    answer = normalise_text(key.answer)
    if not answer:
        return frozenset()
    return frozenset({answer, *(normalise_text(text) for text in key.accepted)} - {""})


def _answer_type(key: AnswerKey) -> AnswerType | None:
    try:
        return AnswerType(key.answer_type)
    except ValueError:
        return None


def _field_type_errors(key: AnswerKey) -> list[str]:
    errors = []
    if not isinstance(key.answer, str):
        errors.append("answer must be text")
    if not isinstance(key.tolerance, str):
        errors.append("tolerance must be text")
    if not isinstance(key.simplest_form, bool):
        errors.append("simplest_form must be true or false")
    if not isinstance(key.accepted, tuple | list) or not all(
        isinstance(text, str) for text in key.accepted
    ):
        errors.append("accepted must be a list of texts")
    if not isinstance(key.options, tuple | list) or not all(
        isinstance(option, Option)
        and all(isinstance(f, str) for f in (option.label, option.text_en, option.text_bn))
        for option in key.options
    ):
        errors.append("options must be a list of Option(label, text_en, text_bn)")
    return errors


# --------------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------------


def _invalid(key: AnswerKey) -> InvalidKeyError:
    return InvalidKeyError("; ".join(key_errors(key)) or "unusable answer key")


def _check_numeric(key: AnswerKey, given: str, language: Language) -> CheckResult:
    answer = _key_number(key.answer, allow_percent=True)
    tolerance = _key_tolerance(key.tolerance)
    if answer is None or tolerance is None:
        raise _invalid(key)
    number = _read_number(given, typed=True)
    if isinstance(number, _Problem):
        if number is _Problem.NOT_A_NUMBER and answer.percent:
            number = _Problem.NOT_A_PERCENTAGE
        return _unparseable(number, language)
    if number.percent and not answer.percent:
        return _unparseable(_Problem.PERCENT_NOT_ALLOWED, language)
    return _CORRECT if tolerance.allows(number.value, answer.value) else _INCORRECT


def _terminates(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _decimal_matches(number: _Number, answer: Fraction) -> bool:
    if number.value == answer:
        return True
    if _terminates(answer) or number.places < 2:
        return False
    return round(answer, number.places) == number.value


def _check_fraction(key: AnswerKey, given: str, language: Language) -> CheckResult:
    answer = _key_number(key.answer, allow_percent=False)
    if answer is None:
        raise _invalid(key)
    number = _read_number(given, typed=True)
    if isinstance(number, _Problem):
        if number is _Problem.NOT_A_NUMBER:
            number = _Problem.NOT_A_FRACTION
        return _unparseable(number, language)
    if number.percent:
        return _unparseable(_Problem.PERCENT_NOT_ALLOWED, language)
    if number.form is _Form.DECIMAL:
        return _CORRECT if _decimal_matches(number, answer.value) else _INCORRECT
    if number.value != answer.value:
        return _INCORRECT
    if key.simplest_form and not number.lowest_terms:
        return CheckResult(Verdict.NOT_SIMPLIFIED, _message(_Problem.NOT_SIMPLIFIED, language))
    return _CORRECT


_CHOICE_PREFIX_RE: Final = re.compile(r"(?:option|opt|choice|অপশন|বিকল্প)(?![^\W\d_]) ?[:=]? ?")
_CHOICE_LETTER_RE: Final = re.compile(r"([(\[]?) ?([a-d]|[কখগঘ]) ?([)\].:]?) ?(.*)")
_CHOICE_POSITION_RE: Final = re.compile(r"[(\[]? ?([1-4১-৪]) ?[)\].:]?")


# Symbols that carry meaning in an option such as "(x - 2)(x² + 2x + 4)" or "-3".
_MATH_SYMBOLS: Final = frozenset("+-×÷*/=<>()[]^√π%°.")
_DASHES: Final = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def _choice_text(text: str) -> str:
    """Fold an option's text (or a typed one) for comparison, keeping mathematical symbols.

    Unlike ``normalise_text`` (for word answers), signs and operators are kept, so "x + 3" and
    "x - 3", or "3" and "-3", stay different; spacing, case and other punctuation do not count.
    """
    folded = _fold_case(_strip_format_chars(text)).translate(_DASHES)
    kept = "".join(
        char if unicodedata.category(char)[0] not in "PS" or char in _MATH_SYMBOLS else " "
        for char in folded
    )
    return "".join(kept.split())


def _option_values(option: Option) -> set[Fraction]:
    values = (parse_number(option.text_en), parse_number(option.text_bn))
    return {value for value in values if value is not None}


def _matching_options(options: Sequence[Option], texts: Sequence[str]) -> set[int]:
    """Positions of the options whose text (either language) or value one of ``texts`` gives."""
    folded = {_choice_text(text) for text in texts} - {""}
    values = {value for text in texts if (value := parse_number(text)) is not None}
    return {
        index
        for index, option in enumerate(options)
        if folded & {_choice_text(option.text_en), _choice_text(option.text_bn)}
        or values & _option_values(option)
    }


def _letter_choice(body: str) -> tuple[int, str] | None:
    """(position, rest) for input led by an option letter: ``b``, ``(b)``, ``খ) ৩৬ টাকা``."""
    match = _CHOICE_LETTER_RE.fullmatch(body)
    if match is None:
        return None
    opener, letter, closer, rest = match.groups()
    if rest and not (opener or closer):
        return None  # "a right angle" is text, not the letter a
    return _letter_index(letter), rest


def _choose(options: Sequence[Option], body: str, raw: str) -> int | None:
    """The position of the option an input names, or None.

    ``body`` is the input cleaned for reading letters and numbers; option *text* is also
    matched against the ``raw`` input, because that cleaning is made for numbers and units
    (it drops the ``²`` of ``x²``) and would garble algebra such as ``x² + 8x + 16``.
    """
    body = _strip_answer_prefix(body)
    if prefix := _CHOICE_PREFIX_RE.match(body):
        body = body[prefix.end() :]
    if (letter := _letter_choice(body)) is not None:
        index, rest = letter
        if index >= len(options):
            return None
        if rest and (named := _matching_options(options, [rest])) and index not in named:
            return None  # "B) 36 taka" where 36 taka is option C: ask again
        return index
    numbers_are_texts = any(_option_values(option) for option in options)
    position = _CHOICE_POSITION_RE.fullmatch(body)
    if position is not None and not numbers_are_texts:
        index = int(position[1].translate(_TO_ASCII_DIGITS)) - 1
        return index if index < len(options) else None
    named = _matching_options(options, [body, raw.strip().rstrip(_TRAILING_STOPS)])
    return named.pop() if len(named) == 1 else None


def _check_choice(key: AnswerKey, given: str, language: Language) -> CheckResult:
    usable = _choice_answer(key)
    if usable is None:
        raise _invalid(key)
    options, answer = usable
    body = _clean(given)
    if isinstance(body, _Problem):
        return _unparseable(body, language)
    chosen = _choose(options, body, given)
    if chosen is None:
        return CheckResult(Verdict.UNPARSEABLE, _choice_message(len(options), language))
    return _CORRECT if chosen == answer else _INCORRECT


def _check_text(key: AnswerKey, given: str, language: Language) -> CheckResult:
    targets = _text_targets(key)
    if not targets:
        raise _invalid(key)
    if not isinstance(given, str) or not given.strip():
        return _unparseable(_Problem.EMPTY, language)
    if len(given) > MAX_ANSWER_LENGTH:
        return _unparseable(_Problem.TOO_LONG, language)
    folded = normalise_text(given)
    if not folded:
        return _unparseable(_Problem.NO_WORDS, language)
    return _CORRECT if folded in targets else _INCORRECT


_CHECKERS: Final[dict[AnswerType, Callable[[AnswerKey, str, Language], CheckResult]]] = {
    AnswerType.NUMERIC: _check_numeric,
    AnswerType.FRACTION: _check_fraction,
    AnswerType.MULTIPLE_CHOICE: _check_choice,
    AnswerType.TEXT: _check_text,
}


def check_answer(key: AnswerKey, given: str, *, language: str = "bn") -> CheckResult:
    """Judge ``given`` (what the student typed) against ``key``.

    Never raises because of ``given``; raises ``InvalidKeyError`` if the key itself is unusable
    (``key_errors(key)`` explains). ``language`` ("en"/"bn", anything else means English) picks
    the language of the message.
    """
    answer_type = _answer_type(key)
    if answer_type is None or _field_type_errors(key):
        raise _invalid(key)
    return _CHECKERS[answer_type](key, given, _language(language))


# --------------------------------------------------------------------------------------------
# Validating keys
# --------------------------------------------------------------------------------------------


def _unused_field_errors(key: AnswerKey, answer_type: AnswerType) -> list[str]:
    errors = []
    if key.tolerance.strip() and answer_type is not AnswerType.NUMERIC:
        errors.append("tolerance is only used for numeric answers")
    if key.simplest_form and answer_type is not AnswerType.FRACTION:
        errors.append("simplest_form is only used for fraction answers")
    if key.accepted and answer_type is not AnswerType.TEXT:
        errors.append("accepted answers are only used for text answers")
    if key.options and answer_type is not AnswerType.MULTIPLE_CHOICE:
        errors.append("options are only used for multiple_choice answers")
    return errors


def _numeric_key_errors(key: AnswerKey) -> list[str]:
    errors = []
    if _key_number(key.answer, allow_percent=True) is None:
        errors.append(f"answer {key.answer!r} is not a number (write it like 42, -7, 3.5 or 25%)")
    if _key_tolerance(key.tolerance) is None:
        errors.append(
            f"tolerance {key.tolerance!r} is not readable (leave it empty, or write a number "
            "of 0 or more like 0.01, or a percentage like 1%)"
        )
    return errors


def _fraction_key_errors(key: AnswerKey) -> list[str]:
    answer = _key_number(key.answer, allow_percent=False)
    if answer is None:
        return [f"answer {key.answer!r} is not a fraction (write it like 3/4, -2/5 or 2 1/3)"]
    if key.simplest_form and not answer.lowest_terms:
        simplest = _format_fraction(answer.value, mixed=answer.form is _Form.MIXED)
        return [
            f"answer {key.answer!r} is not in lowest terms but simplest_form is set "
            f"(write {simplest})"
        ]
    return []


def _option_errors(option: Option) -> list[str]:
    errors = []
    label = option.label.strip() or "?"
    if not option.text_en.strip():
        errors.append(f"option {label} has no English text")
    if not option.text_bn.strip():
        errors.append(f"option {label} has no Bengali text")
    return errors


def _duplicate_option_errors(options: Sequence[Option]) -> list[str]:
    """Options a typed answer could not tell apart: same text (either language) or value."""
    signatures = [
        {_choice_text(option.text_en), _choice_text(option.text_bn)} - {""} for option in options
    ]
    values = [_option_values(option) for option in options]
    errors = []
    for i in range(len(options)):
        for j in range(i + 1, len(options)):
            if signatures[i] & signatures[j] or values[i] & values[j]:
                errors.append(
                    f"options {_LATIN_LETTERS[i]} and {_LATIN_LETTERS[j]} have the same text or "
                    "value, so a typed answer could not tell them apart"
                )
    return errors


def _choice_key_errors(key: AnswerKey) -> list[str]:
    count = len(key.options)
    if not 2 <= count <= len(_LATIN_LETTERS):
        return [f"multiple_choice needs 2 to 4 options, not {count}"]
    errors = [error for option in key.options for error in _option_errors(option)]
    options = _ordered_options(key)
    letters = ", ".join(_LATIN_LETTERS[:count])
    if options is None:
        labels = ", ".join(repr(option.label) for option in key.options)
        return [*errors, f"option labels {labels} must be {letters}, each used once"]
    answer = _key_letter(key.answer)
    if answer is None or answer >= count:
        errors.append(f"answer {key.answer!r} is not one of the option letters {letters}")
    return errors + _duplicate_option_errors(options)


def _text_key_errors(key: AnswerKey) -> list[str]:
    errors = []
    if not normalise_text(key.answer):
        errors.append("text answer is empty (or only punctuation)")
    elif len(key.answer.strip()) > MAX_ANSWER_LENGTH:
        errors.append(f"text answer is longer than {MAX_ANSWER_LENGTH} characters")
    for number, text in enumerate(key.accepted, start=1):
        if not normalise_text(text):
            errors.append(f"accepted answer {number} is empty (or only punctuation)")
    return errors


_KEY_CHECKS: Final[dict[AnswerType, Callable[[AnswerKey], list[str]]]] = {
    AnswerType.NUMERIC: _numeric_key_errors,
    AnswerType.FRACTION: _fraction_key_errors,
    AnswerType.MULTIPLE_CHOICE: _choice_key_errors,
    AnswerType.TEXT: _text_key_errors,
}


def key_errors(key: AnswerKey) -> list[str]:
    """Plain-English problems with the key itself, for the content team; [] when it is fine."""
    answer_type = _answer_type(key)
    if answer_type is None:
        expected = ", ".join(kind.value for kind in AnswerType)
        return [f"unknown answer_type {key.answer_type!r} (expected one of: {expected})"]
    errors = _field_type_errors(key)
    if errors:
        return errors
    return _unused_field_errors(key, answer_type) + _KEY_CHECKS[answer_type](key)


# --------------------------------------------------------------------------------------------
# Showing the answer
# --------------------------------------------------------------------------------------------


def _format_decimal(value: Fraction) -> str:
    """A terminating ``value`` written out in full (``3.5``, ``-0.125``)."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value.numerator * 10**places // value.denominator)).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _format_number(value: Fraction) -> str:
    if _terminates(value):
        return _format_decimal(value)
    return f"{value.numerator}/{value.denominator}"


def _format_fraction(value: Fraction, *, mixed: bool) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    numerator, denominator = abs(value.numerator), value.denominator
    if mixed and numerator > denominator:
        whole, numerator = divmod(numerator, denominator)
        return f"{sign}{whole} {numerator}/{denominator}"
    return f"{sign}{numerator}/{denominator}"


def _display_choice(key: AnswerKey, language: Language) -> str | None:
    usable = _choice_answer(key)
    if usable is None:
        return None
    options, answer = usable
    option = options[answer]
    if language == "bn":
        return f"{_BENGALI_LETTERS[answer]}) {option.text_bn.strip() or option.text_en.strip()}"
    return f"{_LATIN_LETTERS[answer]}) {option.text_en.strip() or option.text_bn.strip()}"


def _display_number(key: AnswerKey, language: Language) -> str | None:
    is_fraction = key.answer_type == AnswerType.FRACTION
    number = _key_number(key.answer, allow_percent=not is_fraction)
    if number is None:
        return None
    if is_fraction:
        text = _format_fraction(number.value, mixed=number.form is _Form.MIXED)
    else:
        text = _format_number(number.value) + ("%" if number.percent else "")
    return text.translate(_TO_BENGALI_DIGITS) if language == "bn" else text


def display_answer(key: AnswerKey, language: str) -> str:
    """The correct answer as shown to a student.

    Numbers use Bengali digits for "bn" (``৩/৪``, ``২৫%``, ``-৭``); multiple choice shows
    ``B) <option text>`` (``খ) <Bengali text>`` for "bn"); text shows the answer itself. Never
    raises: for an unusable key the stored answer is shown as it is.
    """
    lang = _language(language)
    answer_type = _answer_type(key)
    if answer_type is None or _field_type_errors(key):
        return key.answer.strip() if isinstance(key.answer, str) else ""
    shown: str | None
    if answer_type is AnswerType.MULTIPLE_CHOICE:
        shown = _display_choice(key, lang)
    elif answer_type is AnswerType.TEXT:
        shown = key.answer.strip()
    else:
        shown = _display_number(key, lang)
    return key.answer.strip() if shown is None else shown
