"""Problems with an answer key itself, for the content team.

Each problem names the field it is about (a spreadsheet column: ``answer``, ``tolerance``,
``option_b_bn``…) and carries a `Message` the caller translates, so the admin can show it on the
right field in the teacher's language and the import on the right column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from .cleaning import MAX_ANSWER_LENGTH, normalise_text
from .keys import (
    LATIN_LETTERS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    AnswerKey,
    AnswerType,
    Option,
    answer_type_of,
    choice_text,
    field_type_errors,
    key_letter,
    key_number,
    key_tolerance,
    option_values,
    ordered_options,
)
from .messages import Message, gettext_noop
from .numbers import Form, format_fraction


@dataclass(frozen=True)
class KeyProblem:
    """What is wrong with one field of a key."""

    field: str
    message: Message

    def __str__(self) -> str:
        return self.message.render()


def _problem(field: str, text: str, **params: object) -> KeyProblem:
    return KeyProblem(field, Message(text, params))


def _unused_field_problems(key: AnswerKey, answer_type: AnswerType) -> list[KeyProblem]:
    problems = []
    if key.tolerance.strip() and answer_type is not AnswerType.NUMERIC:
        problems.append(
            _problem("tolerance", gettext_noop("Tolerance is only used for numeric answers."))
        )
    if key.simplest_form and answer_type is not AnswerType.FRACTION:
        problems.append(
            _problem(
                "simplest_form", gettext_noop("“Simplest form” is only used for fraction answers.")
            )
        )
    if key.accepted and answer_type is not AnswerType.TEXT:
        problems.append(
            _problem(
                "accepted_answers", gettext_noop("Accepted answers are only used for text answers.")
            )
        )
    if key.answer_bn.strip() and answer_type is not AnswerType.TEXT:
        problems.append(
            _problem(
                "answer_bn",
                gettext_noop(
                    "The Bengali answer is only for text answers; numbers and options are "
                    "shown in Bengali automatically."
                ),
            )
        )
    if key.options and answer_type is not AnswerType.MULTIPLE_CHOICE:
        problems.append(
            _problem("options", gettext_noop("Options are only used for multiple-choice answers."))
        )
    return problems


def _numeric_problems(key: AnswerKey) -> list[KeyProblem]:
    problems = []
    if key_number(key.answer, allow_percent=True) is None:
        problems.append(
            _problem(
                "answer",
                gettext_noop(
                    "The answer “%(answer)s” is not a number: write it like 42, -7, 3.5 or 25%%."
                ),
                answer=key.answer,
            )
        )
    if key_tolerance(key.tolerance) is None:
        problems.append(
            _problem(
                "tolerance",
                gettext_noop(
                    "The tolerance “%(tolerance)s” cannot be read: leave it empty, or write a "
                    "number of 0 or more like 0.01, or a percentage like 1%%."
                ),
                tolerance=key.tolerance,
            )
        )
    return problems


def _fraction_problems(key: AnswerKey) -> list[KeyProblem]:
    answer = key_number(key.answer, allow_percent=False)
    if answer is None:
        return [
            _problem(
                "answer",
                gettext_noop(
                    "The answer “%(answer)s” is not a fraction: write it like 3/4, -2/5 or 2 1/3."
                ),
                answer=key.answer,
            )
        ]
    if key.simplest_form and not answer.lowest_terms:
        return [
            _problem(
                "answer",
                gettext_noop(
                    "The answer “%(answer)s” is not in lowest terms, but “simplest form” is "
                    "ticked: write %(simplest)s."
                ),
                answer=key.answer,
                simplest=format_fraction(answer.value, mixed=answer.form is Form.MIXED),
            )
        ]
    return []


def _option_column(option: Option, lang: str) -> str:
    label = option.label.strip().lower()
    return f"option_{label}_{lang}" if label in "abcd" and label else "options"


def _option_problems(option: Option) -> list[KeyProblem]:
    problems = []
    label = option.label.strip() or "?"
    if not option.text_en.strip():
        problems.append(
            _problem(
                _option_column(option, "en"),
                gettext_noop("Option %(label)s has no English text."),
                label=label,
            )
        )
    if not option.text_bn.strip():
        problems.append(
            _problem(
                _option_column(option, "bn"),
                gettext_noop("Option %(label)s has no Bengali text."),
                label=label,
            )
        )
    return problems


def _duplicate_option_problems(options: Sequence[Option]) -> list[KeyProblem]:
    """Options a typed answer could not tell apart: same text (either language) or value."""
    signatures = [
        {choice_text(option.text_en), choice_text(option.text_bn)} - {""} for option in options
    ]
    values = [option_values(option) for option in options]
    problems = []
    for i in range(len(options)):
        for j in range(i + 1, len(options)):
            if signatures[i] & signatures[j] or values[i] & values[j]:
                problems.append(
                    _problem(
                        _option_column(options[j], "en"),
                        gettext_noop(
                            "Options %(first)s and %(second)s have the same text or value, so "
                            "a typed answer could not tell them apart."
                        ),
                        first=LATIN_LETTERS[i],
                        second=LATIN_LETTERS[j],
                    )
                )
    return problems


def _choice_problems(key: AnswerKey) -> list[KeyProblem]:
    count = len(key.options)
    if not MIN_OPTIONS <= count <= MAX_OPTIONS:
        return [
            _problem(
                "options",
                gettext_noop(
                    "A multiple-choice problem needs 2 to 4 options, each in English and "
                    "Bengali; it has %(count)s."
                ),
                count=count,
            )
        ]
    problems = [problem for option in key.options for problem in _option_problems(option)]
    options = ordered_options(key)
    letters = ", ".join(LATIN_LETTERS[:count])
    if options is None:
        labels = ", ".join(option.label for option in key.options)
        return [
            *problems,
            _problem(
                "options",
                gettext_noop(
                    "The options are labelled %(labels)s; they must be %(letters)s, each once."
                ),
                labels=labels,
                letters=letters,
            ),
        ]
    answer = key_letter(key.answer)
    if answer is None or answer >= count:
        problems.append(
            _problem(
                "answer",
                gettext_noop(
                    "The answer “%(answer)s” is not one of the option letters %(letters)s."
                ),
                answer=key.answer,
                letters=letters,
            )
        )
    return problems + _duplicate_option_problems(options)


def _text_problems(key: AnswerKey) -> list[KeyProblem]:
    problems = []
    if not normalise_text(key.answer):
        problems.append(
            _problem("answer", gettext_noop("The text answer is empty (or only punctuation)."))
        )
    elif len(key.answer.strip()) > MAX_ANSWER_LENGTH:
        problems.append(
            _problem(
                "answer",
                gettext_noop("The text answer is longer than %(limit)s characters."),
                limit=MAX_ANSWER_LENGTH,
            )
        )
    if not normalise_text(key.answer_bn):
        problems.append(
            _problem(
                "answer_bn",
                gettext_noop(
                    "A text answer needs its Bengali form too: what a Bengali student is shown."
                ),
            )
        )
    for number, text in enumerate(key.accepted, start=1):
        if not normalise_text(text):
            problems.append(
                _problem(
                    "accepted_answers",
                    gettext_noop("Accepted answer %(number)s is empty (or only punctuation)."),
                    number=number,
                )
            )
    return problems


_KEY_CHECKS: Final[dict[AnswerType, Callable[[AnswerKey], list[KeyProblem]]]] = {
    AnswerType.NUMERIC: _numeric_problems,
    AnswerType.FRACTION: _fraction_problems,
    AnswerType.MULTIPLE_CHOICE: _choice_problems,
    AnswerType.TEXT: _text_problems,
}


def key_problems(key: AnswerKey) -> list[KeyProblem]:
    """Everything wrong with the key itself, field by field; [] when it is fine."""
    answer_type = answer_type_of(key)
    if answer_type is None:
        return [
            _problem(
                "answer_type",
                gettext_noop("Unknown answer type “%(answer_type)s”; use one of: %(expected)s."),
                answer_type=key.answer_type,
                expected=", ".join(kind.value for kind in AnswerType),
            )
        ]
    wrong_types = field_type_errors(key)
    if wrong_types:  # a programming error, not the content team's: plain English
        return [KeyProblem("answer", Message(error)) for error in wrong_types]
    return _unused_field_problems(key, answer_type) + _KEY_CHECKS[answer_type](key)


def key_errors(key: AnswerKey) -> list[str]:
    """`key_problems` as plain English sentences."""
    return [problem.message.render() for problem in key_problems(key)]
