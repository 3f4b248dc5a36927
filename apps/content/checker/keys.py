"""An answer key as the content team stores it, and how its parts are read."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final

from .cleaning import clean, fold_case, normalise_text, strip_format_chars
from .messages import Reason
from .numbers import Number, parse_number, read_number

# Option labels as stored (A-D) and as a Bengali student reads and may type them (ক-ঘ).
LATIN_LETTERS: Final = "ABCD"
BENGALI_LETTERS: Final = "কখগঘ"
MIN_OPTIONS: Final = 2
MAX_OPTIONS: Final = len(LATIN_LETTERS)


class AnswerType(StrEnum):
    NUMERIC = "numeric"
    FRACTION = "fraction"
    MULTIPLE_CHOICE = "multiple_choice"
    TEXT = "text"


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
    answer_bn: str = ""  # text answers: the answer as a Bengali student is shown it
    tolerance: str = ""
    simplest_form: bool = False
    options: tuple[Option, ...] = ()


class InvalidKeyError(ValueError):
    """The answer key itself is unusable; ``key_errors`` says why."""


@dataclass(frozen=True)
class Tolerance:
    amount: Fraction
    relative: bool  # amount is a percentage of the answer

    def allows(self, given: Fraction, answer: Fraction) -> bool:
        limit = abs(answer) * self.amount / 100 if self.relative else self.amount
        return abs(given - answer) <= limit


EXACT: Final = Tolerance(Fraction(0), relative=False)


def key_number(answer: object, *, allow_percent: bool) -> Number | None:
    # A key read from the database is text, the same few again and again: read each once.
    if type(answer) is str:
        return _key_number_of_text(answer, allow_percent)
    return _key_number(answer, allow_percent)


def _key_number(answer: object, allow_percent: bool) -> Number | None:
    number = read_number(answer, typed=False, allow_percent=allow_percent)
    return None if isinstance(number, Reason) else number


def key_tolerance(tolerance: object) -> Tolerance | None:
    if type(tolerance) is str:
        return _key_tolerance_of_text(tolerance)
    return _key_tolerance(tolerance)


def _key_tolerance(tolerance: object) -> Tolerance | None:
    if isinstance(tolerance, str) and not tolerance.strip():
        return EXACT
    number = key_number(tolerance, allow_percent=True)
    if number is None or number.value < 0:
        return None
    return Tolerance(number.value, relative=number.percent)


# Both pure functions of immutable values (`Number` and `Tolerance` are frozen).
_key_number_of_text = functools.lru_cache(maxsize=8192)(_key_number)
_key_tolerance_of_text = functools.lru_cache(maxsize=1024)(_key_tolerance)


_KEY_LETTER_RE: Final = re.compile(r"[(\[]? ?([a-d]|[কখগঘ]) ?[)\]]?")


def letter_index(letter: str) -> int:
    """0-3 for a/A/ক ... d/D/ঘ."""
    if letter in BENGALI_LETTERS:
        return BENGALI_LETTERS.index(letter)
    return LATIN_LETTERS.index(letter.upper())


def key_letter(text: object) -> int | None:
    """The option position named by a key's letter (``B``, ``b``, ``(B)``, ``খ``), if any."""
    cleaned = clean(text)
    if isinstance(cleaned, Reason):
        return None
    match = _KEY_LETTER_RE.fullmatch(cleaned)
    return None if match is None else letter_index(match[1])


def ordered_options(key: AnswerKey) -> list[Option] | None:
    """Options sorted by label when they are usable: 2-4, labelled A, B[, C[, D]]."""
    options = key.options
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        return None
    positions = [key_letter(option.label) for option in options]
    if sorted(p for p in positions if p is not None) != list(range(len(options))):
        return None
    by_position = dict(zip(positions, options, strict=True))
    return [by_position[index] for index in range(len(options))]


def choice_answer(key: AnswerKey) -> tuple[list[Option], int] | None:
    """The ordered options and the position of the right one, when the key is usable."""
    options = ordered_options(key)
    answer = key_letter(key.answer)
    if options is None or answer is None or answer >= len(options):
        return None
    return options, answer


def text_targets(key: AnswerKey) -> frozenset[str]:
    answer = normalise_text(key.answer)
    if not answer:
        return frozenset()
    others = (normalise_text(text) for text in (key.answer_bn, *key.accepted))
    return frozenset({answer, *others} - {""})


def answer_type_of(key: AnswerKey) -> AnswerType | None:
    try:
        return AnswerType(key.answer_type)
    except ValueError:
        return None


def field_type_errors(key: AnswerKey) -> list[str]:
    errors = []
    if not isinstance(key.answer, str):
        errors.append("answer must be text")
    if not isinstance(key.answer_bn, str):
        errors.append("answer_bn must be text")
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


# Symbols that carry meaning in an option such as "(x - 2)(x² + 2x + 4)" or "-3".
MATH_SYMBOLS: Final = frozenset("+-×÷*/=<>()[]^√π%°.")
DASHES: Final = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-"})


def choice_text(text: str) -> str:
    """Fold an option's text (or a typed one) for comparison, keeping mathematical symbols.

    Unlike ``normalise_text`` (for word answers), signs and operators are kept, so "x + 3" and
    "x - 3", or "3" and "-3", stay different; spacing, case and other punctuation do not count.
    """
    folded = fold_case(strip_format_chars(text)).translate(DASHES)
    kept = "".join(
        char if unicodedata.category(char)[0] not in "PS" or char in MATH_SYMBOLS else " "
        for char in folded
    )
    return "".join(kept.split())


def option_values(option: Option) -> set[Fraction]:
    values = (parse_number(option.text_en), parse_number(option.text_bn))
    return {value for value in values if value is not None}
