"""Judging a typed answer against a key."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Final

from .cleaning import MAX_ANSWER_LENGTH, TO_ASCII_DIGITS, TRAILING_STOPS, clean, normalise_text
from .keys import (
    LATIN_LETTERS,
    AnswerKey,
    AnswerType,
    InvalidKeyError,
    Option,
    answer_type_of,
    choice_answer,
    choice_text,
    field_type_errors,
    key_number,
    key_tolerance,
    letter_index,
    option_values,
    ordered_options,
    text_targets,
)
from .messages import Message, Reason, choice_message, student_message
from .numbers import (
    Form,
    Number,
    format_fraction,
    format_number,
    parse_number,
    read_number,
    terminates,
)
from .units import strip_answer_prefix


class Verdict(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_SIMPLIFIED = "not_simplified"
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True)
class CheckResult:
    """The verdict, and for UNPARSEABLE / NOT_SIMPLIFIED what to tell the student."""

    verdict: Verdict
    note: Message | None = None

    @property
    def message(self) -> str:
        """The note in English ("" for a judged answer); `note.render(gettext)` translates it."""
        return self.note.render() if self.note is not None else ""


def _unparseable(reason: Reason) -> CheckResult:
    return CheckResult(Verdict.UNPARSEABLE, student_message(reason))


_CORRECT: Final = CheckResult(Verdict.CORRECT)
_INCORRECT: Final = CheckResult(Verdict.INCORRECT)


def _invalid(key: AnswerKey) -> InvalidKeyError:
    from .validate import key_errors  # validation reads options the way checking does

    return InvalidKeyError("; ".join(key_errors(key)) or "unusable answer key")


def _check_numeric(key: AnswerKey, given: str) -> CheckResult:
    answer = key_number(key.answer, allow_percent=True)
    tolerance = key_tolerance(key.tolerance)
    if answer is None or tolerance is None:
        raise _invalid(key)
    number = read_number(given, typed=True)
    if isinstance(number, Reason):
        if number is Reason.NOT_A_NUMBER and answer.percent:
            number = Reason.NOT_A_PERCENTAGE
        return _unparseable(number)
    if number.percent and not answer.percent:
        return _unparseable(Reason.PERCENT_NOT_ALLOWED)
    return _CORRECT if tolerance.allows(number.value, answer.value) else _INCORRECT


def _decimal_matches(number: Number, answer: Fraction) -> bool:
    if number.value == answer:
        return True
    if terminates(answer) or number.places < 2:
        return False
    return round(answer, number.places) == number.value


def _check_fraction(key: AnswerKey, given: str) -> CheckResult:
    answer = key_number(key.answer, allow_percent=False)
    if answer is None:
        raise _invalid(key)
    number = read_number(given, typed=True)
    if isinstance(number, Reason):
        if number is Reason.NOT_A_NUMBER:
            number = Reason.NOT_A_FRACTION
        return _unparseable(number)
    if number.percent:
        return _unparseable(Reason.PERCENT_NOT_ALLOWED)
    if number.form is Form.DECIMAL:
        return _CORRECT if _decimal_matches(number, answer.value) else _INCORRECT
    if number.value != answer.value:
        return _INCORRECT
    if key.simplest_form and not number.lowest_terms:
        return CheckResult(Verdict.NOT_SIMPLIFIED, student_message(Reason.NOT_SIMPLIFIED))
    return _CORRECT


_CHOICE_PREFIX_RE: Final = re.compile(r"(?:option|opt|choice|অপশন|বিকল্প)(?![^\W\d_]) ?[:=]? ?")
_CHOICE_LETTER_RE: Final = re.compile(r"([(\[]?) ?([a-d]|[কখগঘ]) ?([)\].:]?) ?(.*)")
_CHOICE_POSITION_RE: Final = re.compile(r"[(\[]? ?([1-4১-৪]) ?[)\].:]?")


def _matching_options(options: Sequence[Option], texts: Sequence[str]) -> set[int]:
    """Positions of the options whose text (either language) or value one of ``texts`` gives."""
    folded = {choice_text(text) for text in texts} - {""}
    values = {value for text in texts if (value := parse_number(text)) is not None}
    return {
        index
        for index, option in enumerate(options)
        if folded & {choice_text(option.text_en), choice_text(option.text_bn)}
        or values & option_values(option)
    }


def _option_texts(option: Option) -> set[str]:
    return {choice_text(option.text_en), choice_text(option.text_bn)} - {""}


def _letter_choice(body: str) -> tuple[int, str] | None:
    """(position, rest) for input led by an option letter: ``b``, ``(b)``, ``খ) ৩৬ টাকা``."""
    match = _CHOICE_LETTER_RE.fullmatch(body)
    if match is None:
        return None
    opener, letter, closer, rest = match.groups()
    if rest and not (opener or closer):
        return None  # "a right angle" is text, not the letter a
    return letter_index(letter), rest


def _choose(options: Sequence[Option], body: str, raw: str) -> int | None:
    """The position of the option an input names, or None.

    ``body`` is the input cleaned for reading letters and numbers; option *text* is also
    matched against the ``raw`` input, because that cleaning is made for numbers and units
    (it drops the ``²`` of ``x²``) and would garble algebra such as ``x² + 8x + 16``.
    """
    whole = raw.strip().rstrip(TRAILING_STOPS)
    exact = [i for i, o in enumerate(options) if choice_text(whole) in _option_texts(o)]
    if len(exact) == 1:  # the text of one option, typed in full: "(a + 13)/2" is not "a"
        return exact[0]
    body = strip_answer_prefix(body)
    if prefix := _CHOICE_PREFIX_RE.match(body):
        body = body[prefix.end() :]
    if (letter := _letter_choice(body)) is not None:
        index, rest = letter
        if index >= len(options):
            return None
        if rest and (named := _matching_options(options, [rest])) and index not in named:
            return None  # "B) 36 taka" where 36 taka is option C: ask again
        return index
    numbers_are_texts = any(option_values(option) for option in options)
    position = _CHOICE_POSITION_RE.fullmatch(body)
    if position is not None and not numbers_are_texts:
        index = int(position[1].translate(TO_ASCII_DIGITS)) - 1
        return index if index < len(options) else None
    named = _matching_options(options, [body, raw.strip().rstrip(TRAILING_STOPS)])
    return named.pop() if len(named) == 1 else None


def _check_choice(key: AnswerKey, given: str) -> CheckResult:
    usable = choice_answer(key)
    if usable is None:
        raise _invalid(key)
    options, answer = usable
    body = clean(given)
    if isinstance(body, Reason):
        return _unparseable(body)
    chosen = _choose(options, body, given)
    if chosen is None:
        return CheckResult(Verdict.UNPARSEABLE, choice_message(len(options)))
    return _CORRECT if chosen == answer else _INCORRECT


def _check_text(key: AnswerKey, given: str) -> CheckResult:
    targets = text_targets(key)
    if not targets:
        raise _invalid(key)
    if not isinstance(given, str) or not given.strip():
        return _unparseable(Reason.EMPTY)
    if len(given) > MAX_ANSWER_LENGTH:
        return _unparseable(Reason.TOO_LONG)
    folded = normalise_text(given)
    if not folded:
        return _unparseable(Reason.NO_WORDS)
    return _CORRECT if folded in targets else _INCORRECT


_CHECKERS: Final[dict[AnswerType, Callable[[AnswerKey, str], CheckResult]]] = {
    AnswerType.NUMERIC: _check_numeric,
    AnswerType.FRACTION: _check_fraction,
    AnswerType.MULTIPLE_CHOICE: _check_choice,
    AnswerType.TEXT: _check_text,
}


def check_answer(key: AnswerKey, given: str) -> CheckResult:
    """Judge ``given`` (what the student typed) against ``key``.

    Never raises because of ``given``; raises ``InvalidKeyError`` if the key itself is unusable
    (``key_errors(key)`` explains). A note for the student is a `Message`, which the caller
    renders in the student's language.
    """
    answer_type = answer_type_of(key)
    if answer_type is None or field_type_errors(key):
        raise _invalid(key)
    return _CHECKERS[answer_type](key, given)


def _form_of_number(given: str, *, fraction: bool) -> str | None:
    number = read_number(given, typed=True)
    if isinstance(number, Reason):
        return None
    value = number.value
    written = format_fraction(value, mixed=False) if fraction else format_number(value)
    return f"{written}%" if number.percent else written


def _form_of_choice(key: AnswerKey, given: str) -> str | None:
    options = ordered_options(key)
    body = clean(given)
    if options is None or isinstance(body, Reason):
        return None
    chosen = _choose(options, body, given)
    return None if chosen is None else LATIN_LETTERS[chosen]


def _form_of_text(key: AnswerKey, given: str) -> str | None:
    if not isinstance(given, str) or len(given) > MAX_ANSWER_LENGTH:
        return None
    return normalise_text(given) or None


_FORMS: Final[dict[AnswerType, Callable[[AnswerKey, str], str | None]]] = {
    AnswerType.NUMERIC: lambda key, given: _form_of_number(given, fraction=False),
    AnswerType.FRACTION: lambda key, given: _form_of_number(given, fraction=True),
    AnswerType.MULTIPLE_CHOICE: _form_of_choice,
    AnswerType.TEXT: _form_of_text,
}


def answer_form(key: AnswerKey, given: str) -> str | None:
    """What the checker compares when it reads ``given`` for ``key``, as one string; None when
    it cannot read it. Two answers with the same form are the same answer to the checker:
    "১২", "12" and "12.0" are all "12"; for a fraction key "2/4", "0.5" and "১/২" are all
    "1/2" (the value, not its spelling); "খ", "(b)" and the text of option B are "B"; text is
    `normalise_text`ed.

    Used to group wrong answers (item statistics) and to match authored feedback."""
    answer_type = answer_type_of(key)
    if answer_type is None:
        return None
    return _FORMS[answer_type](key, given)
