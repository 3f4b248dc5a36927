"""Reading and writing numbers: ASCII or Bengali digits, grouping, fractions, percentages."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Final

from .cleaning import BENGALI_DIGITS, DIGITS, TO_ASCII_DIGITS, clean
from .messages import Reason
from .units import strip_affixes, strip_answer_prefix, strip_percent_sign


class Form(Enum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    FRACTION = "fraction"
    MIXED = "mixed"


@dataclass(frozen=True)
class Number:
    """A number as typed: its value and how it was written."""

    value: Fraction
    form: Form
    places: int = 0  # digits after the decimal point
    lowest_terms: bool = True  # a/b or mixed number in lowest terms (always True otherwise)
    percent: bool = False


SIGNS: Final = "+-−–‐‒"  # plus, hyphen-minus, minus sign, en dash, hyphen, figure dash
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


def _take_sign(text: str) -> tuple[str, bool | None]:
    """Split off a leading sign: (rest, True for minus / False for plus / None for no sign)."""
    if text and text[0] in SIGNS:
        return text[1:].lstrip(), text[0] != "+"
    return text, None


def _ungroup(digits: str) -> str | None:
    """Digits without their grouping commas, or None when the commas are misplaced."""
    if "," not in digits:
        return digits
    if _INTERNATIONAL_GROUPS_RE.fullmatch(digits) or _INDIAN_GROUPS_RE.fullmatch(digits):
        return digits.replace(",", "")
    return None


def _read_fraction_shape(text: str) -> Number | Reason | None:
    """``a/b`` or ``w a/b`` (None if the text does not have that shape)."""
    match = _FRACTION_RE.fullmatch(text)
    if match is None:
        return None
    parts = [_ungroup(part) for part in (match["whole"] or "0", match["num"], match["den"])]
    if None in parts:
        return Reason.BAD_GROUPING
    whole, numerator, denominator = (int(part or "0") for part in parts)
    if denominator == 0:
        return Reason.ZERO_DENOMINATOR
    reduced = math.gcd(numerator, denominator) == 1
    if match["whole"] is None:
        return Number(Fraction(numerator, denominator), Form.FRACTION, lowest_terms=reduced)
    value = whole + Fraction(numerator, denominator)
    return Number(value, Form.MIXED, lowest_terms=reduced and numerator < denominator)


def _read_decimal_shape(text: str) -> Number | Reason | None:
    """``12``, ``1,234.5``, ``.5`` (None if the text does not have that shape)."""
    match = _DECIMAL_RE.fullmatch(text)
    if match is None or (match["int"] is None and match["frac"] is None):
        return None
    whole = _ungroup(match["int"] or "0")
    if whole is None:
        return Reason.BAD_GROUPING
    decimals = match["frac"] or ""
    value = int(whole) + Fraction(int(decimals or "0"), 10 ** len(decimals))
    return Number(value, Form.DECIMAL if decimals else Form.INTEGER, places=len(decimals))


def _read_unsigned(text: str) -> Number | Reason:
    scripts = {char in BENGALI_DIGITS for char in text if char in DIGITS}
    ascii_text = text.translate(TO_ASCII_DIGITS)
    number = _read_fraction_shape(ascii_text)
    if number is None:
        number = _read_decimal_shape(ascii_text)
    if number is None:
        many = len(_NUMBER_RUN_RE.findall(ascii_text)) > 1
        return Reason.MANY_NUMBERS if many else Reason.NOT_A_NUMBER
    if isinstance(number, Number) and len(scripts) > 1:
        return Reason.MIXED_SCRIPTS
    return number


def read_number(text: object, *, typed: bool, allow_percent: bool = True) -> Number | Reason:
    """Read one number.

    ``typed`` (a student's input): answer prefixes, brackets and unit words are ignored, and
    percent words count. Otherwise (a key): only a plain number, with a trailing ``%`` if
    ``allow_percent``.
    """
    body = clean(text)
    if isinstance(body, Reason):
        return body
    if typed:
        body = strip_answer_prefix(body)
        if len(body) > 1 and body[0] == "(" and body[-1] == ")":
            body = body[1:-1].strip()
    body, sign = _take_sign(body)
    if typed:
        body, percent = strip_affixes(body)
    else:
        body, percent = strip_percent_sign(body) if allow_percent else (body, False)
    if sign is None:
        body, sign = _take_sign(body)
    number = _read_unsigned(body)
    if isinstance(number, Reason):
        return number
    value = -number.value if sign else number.value
    return Number(value, number.form, number.places, number.lowest_terms, percent)


def parse_number(text: str) -> Fraction | None:
    """The value of the one number in a typed text, or None.

    Reads everything a student may type for a numeric answer (Bengali digits, grouping commas,
    fractions, mixed numbers, answer prefixes, unit words...). A percent marker is dropped without
    changing the value: ``parse_number("25%") == 25``.
    """
    number = read_number(text, typed=True)
    return None if isinstance(number, Reason) else number.value


def terminates(value: Fraction) -> bool:
    """Whether ``value`` has a finite decimal expansion."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def format_decimal(value: Fraction) -> str:
    """A terminating ``value`` written out in full (``3.5``, ``-0.125``)."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value.numerator * 10**places // value.denominator)).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def format_number(value: Fraction) -> str:
    if terminates(value):
        return format_decimal(value)
    return f"{value.numerator}/{value.denominator}"


def format_fraction(value: Fraction, *, mixed: bool) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    numerator, denominator = abs(value.numerator), value.denominator
    if mixed and numerator > denominator:
        whole, numerator = divmod(numerator, denominator)
        return f"{sign}{whole} {numerator}/{denominator}"
    return f"{sign}{numerator}/{denominator}"
