"""The correct answer as shown to a student."""

from __future__ import annotations

import re
from typing import Literal

from .cleaning import TO_BENGALI_DIGITS
from .keys import (
    BENGALI_LETTERS,
    LATIN_LETTERS,
    AnswerKey,
    AnswerType,
    answer_type_of,
    choice_answer,
    field_type_errors,
    key_number,
)
from .numbers import Form, format_fraction, format_number

Language = Literal["en", "bn"]


def _language(code: object) -> Language:
    """``"bn"`` (also ``"bn-BD"``, ``"BN"``) or else English."""
    if isinstance(code, str) and re.split(r"[-_]", code.strip().lower())[0] == "bn":
        return "bn"
    return "en"


def _display_choice(key: AnswerKey, language: Language) -> str | None:
    usable = choice_answer(key)
    if usable is None:
        return None
    options, answer = usable
    option = options[answer]
    if language == "bn":
        return f"{BENGALI_LETTERS[answer]}) {option.text_bn.strip() or option.text_en.strip()}"
    return f"{LATIN_LETTERS[answer]}) {option.text_en.strip() or option.text_bn.strip()}"


def _display_number(key: AnswerKey, language: Language) -> str | None:
    is_fraction = key.answer_type == AnswerType.FRACTION
    number = key_number(key.answer, allow_percent=not is_fraction)
    if number is None:
        return None
    if is_fraction:
        text = format_fraction(number.value, mixed=number.form is Form.MIXED)
    else:
        text = format_number(number.value) + ("%" if number.percent else "")
    return text.translate(TO_BENGALI_DIGITS) if language == "bn" else text


def display_answer(key: AnswerKey, language: str) -> str:
    """The correct answer as shown to a student.

    Numbers use Bengali digits for "bn" (``৩/৪``, ``২৫%``, ``-৭``); multiple choice shows
    ``B) <option text>`` (``খ) <Bengali text>`` for "bn"); text shows the answer itself, or for
    "bn" the key's Bengali answer when it has one. Never raises: for an unusable key the stored
    answer is shown as it is.
    """
    lang = _language(language)
    answer_type = answer_type_of(key)
    if answer_type is None or field_type_errors(key):
        return key.answer.strip() if isinstance(key.answer, str) else ""
    shown: str | None
    if answer_type is AnswerType.MULTIPLE_CHOICE:
        shown = _display_choice(key, lang)
    elif answer_type is AnswerType.TEXT:
        shown = (lang == "bn" and key.answer_bn.strip()) or key.answer.strip()
    else:
        shown = _display_number(key, lang)
    return key.answer.strip() if shown is None else shown
