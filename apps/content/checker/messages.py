"""What the checker tells people, as message ids for Django's translation catalogue.

The checker imports no Django, so it cannot translate. Every text it produces is a `Message`: an
English message id (marked with `gettext_noop`, so `makemessages` puts it in the catalogue) and
its parameters. The caller renders it in the reader's language:
``message.render(gettext)`` inside ``translation.override("bn")``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Final


def gettext_noop(text: str) -> str:
    """Marks `text` for the translation catalogue (xgettext knows this name); returns it as is."""
    return text


def _identity(text: str) -> str:
    return text


@dataclass(frozen=True)
class Message:
    """A message id (English, `%(name)s` placeholders) and its parameters."""

    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = _identity) -> str:
        """The message in the language `translate` gives (English by default)."""
        template = translate(self.text)
        return template % dict(self.params) if self.params else template

    def __str__(self) -> str:
        return self.render()


class Reason(Enum):
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


STUDENT_MESSAGES: Final[dict[Reason, str]] = {
    Reason.EMPTY: gettext_noop("Type your answer first."),
    Reason.TOO_LONG: gettext_noop("That's too long. Type just your answer."),
    Reason.NOT_A_NUMBER: gettext_noop("Type just the number, like 25 or 3.5."),
    Reason.NOT_A_PERCENTAGE: gettext_noop("Type just the number, like 25 or 25%."),
    Reason.NOT_A_FRACTION: gettext_noop("Type a fraction like 3/4, or a whole number."),
    Reason.PERCENT_NOT_ALLOWED: gettext_noop("Type just the number, without %."),
    Reason.MANY_NUMBERS: gettext_noop("Type only one number as your answer."),
    Reason.MIXED_SCRIPTS: gettext_noop("Use one kind of digits in a number: all 0-9 or all ০-৯."),
    Reason.BAD_GROUPING: gettext_noop(
        "Check the commas: write 1,234 or 12,34,567, or leave the commas out."
    ),
    Reason.ZERO_DENOMINATOR: gettext_noop(
        "A fraction can't have 0 at the bottom. Check your answer."
    ),
    Reason.NO_WORDS: gettext_noop("Type your answer in words."),
    Reason.NOT_SIMPLIFIED: gettext_noop("Right value — now write it in lowest terms."),
}

# One message per number of options, so a translation can use its own letters (ক–ঘ).
CHOICE_MESSAGES: Final[dict[int, str]] = {
    2: gettext_noop("Type the letter of your choice: A or B."),
    3: gettext_noop("Type the letter of your choice: A, B or C."),
    4: gettext_noop("Type the letter of your choice: A, B, C or D."),
}


def student_message(reason: Reason) -> Message:
    return Message(STUDENT_MESSAGES[reason])


def choice_message(option_count: int) -> Message:
    return Message(CHOICE_MESSAGES[min(max(option_count, 2), 4)])
