"""What the bot reads from a chat, as plain values (no Django): commands, the data its
buttons carry, reminder times and rate limits.

Telegram gives a button at most 64 bytes of callback data, so the data is short and
positional: `l:bn` (language), `g:7` (grade), `p` (practise), `a:<session>:<problem>:<label>`
(a multiple-choice answer), `h:<session>:<problem>` (a hint). Anything else is refused as
`None`: callback data comes from the chat and is not trusted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from apps.content.checker.cleaning import TO_ASCII_DIGITS
from apps.content.checker.keys import LATIN_LETTERS
from apps.students.domain import GRADES, LANGUAGES

CALLBACK_DATA_MAX_BYTES: Final = 64
MESSAGE_MAX_CHARS: Final = 4096  # Telegram's limit for one message's text
BUTTON_TEXT_MAX_CHARS: Final = 40  # longer texts are cut on a phone's screen anyway
MAX_ID: Final = 2**63 - 1

# The commands the bot answers, in the order its menu lists them (telegram_setup).
COMMANDS: Final = (
    "start",
    "practice",
    "hint",
    "streak",
    "progress",
    "language",
    "reminder",
    "guardian",
    "help",
)


@dataclass(frozen=True)
class Command:
    name: str  # lower case, without the slash or a "@botname" suffix
    argument: str  # the rest of the message, stripped ("" if none)


def parse_command(text: str) -> Command | None:
    """`/start abc` -> Command("start", "abc"); text that is not a command -> None."""
    text = text.strip()
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not name:
        return None
    return Command(name=name, argument=rest.strip())


# --- callback data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChooseLanguage:
    language: str


@dataclass(frozen=True)
class ChooseGrade:
    grade: int


@dataclass(frozen=True)
class Practise:
    pass


@dataclass(frozen=True)
class AnswerOption:
    session_id: int
    problem_id: int
    label: str  # A-D


@dataclass(frozen=True)
class AskHint:
    session_id: int
    problem_id: int


Callback = ChooseLanguage | ChooseGrade | Practise | AnswerOption | AskHint


def encode_callback(action: Callback) -> str:
    match action:
        case ChooseLanguage(language):
            data = f"l:{language}"
        case ChooseGrade(grade):
            data = f"g:{grade}"
        case Practise():
            data = "p"
        case AnswerOption(session_id, problem_id, label):
            data = f"a:{session_id}:{problem_id}:{label}"
        case AskHint(session_id, problem_id):
            data = f"h:{session_id}:{problem_id}"
    if len(data.encode()) > CALLBACK_DATA_MAX_BYTES:  # ids are at most 19 digits: never
        raise ValueError(f"callback data longer than {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
    return data


_ID = r"([1-9][0-9]{0,18})"
_PATTERNS: Final = (
    (re.compile(r"l:(en|bn)"), lambda m: ChooseLanguage(m[1])),
    (re.compile(r"g:([0-9])"), lambda m: ChooseGrade(int(m[1]))),
    (re.compile(r"p"), lambda m: Practise()),
    (re.compile(rf"a:{_ID}:{_ID}:([A-Z])"), lambda m: AnswerOption(int(m[1]), int(m[2]), m[3])),
    (re.compile(rf"h:{_ID}:{_ID}"), lambda m: AskHint(int(m[1]), int(m[2]))),
)


def decode_callback(data: str | None) -> Callback | None:
    """The action a button asks for, or None for data the bot never wrote."""
    if not data or len(data.encode()) > CALLBACK_DATA_MAX_BYTES:
        return None
    for pattern, build in _PATTERNS:
        match = pattern.fullmatch(data)
        if match is not None:
            action = build(match)
            if _valid(action):
                return action
            return None
    return None


def _valid(action: Callback) -> bool:
    match action:
        case ChooseLanguage(language):
            return language in LANGUAGES
        case ChooseGrade(grade):
            return grade in GRADES
        case AnswerOption(session_id, problem_id, label):
            return session_id <= MAX_ID and problem_id <= MAX_ID and label in LATIN_LETTERS
        case AskHint(session_id, problem_id):
            return session_id <= MAX_ID and problem_id <= MAX_ID
    return True


# --- /reminder -------------------------------------------------------------------------------

REMINDER_OFF: Final = ("off", "stop", "বন্ধ")
_TIME = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")


class ReminderInvalid(ValueError):
    """The argument of /reminder is neither a time (HH:MM) nor "off"."""


def parse_reminder(argument: str) -> dt.time | None:
    """`19:30` (or `১৯:৩০`) -> time(19, 30); `off` -> None; anything else -> ReminderInvalid."""
    text = argument.strip().lower().translate(TO_ASCII_DIGITS)
    if text in REMINDER_OFF:
        return None
    match = _TIME.fullmatch(text)
    if match is None:
        raise ReminderInvalid(argument)
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ReminderInvalid(argument)
    return dt.time(hour, minute)


# --- rate limits -----------------------------------------------------------------------------

_PERIODS: Final = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """`"20/minute"` -> (20, 60): at most 20 updates per 60 seconds. Empty -> None (no limit)."""
    rate = rate.strip()
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not count.strip().isdigit() or period.strip() not in _PERIODS or int(count) < 1:
        raise ValueError(f"a rate is N/second|minute|hour|day, not {rate!r}")
    return int(count), _PERIODS[period.strip()]


def short(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def short_message(text: str) -> str:
    """A message's text within Telegram's limit (its line breaks kept)."""
    limit = MESSAGE_MAX_CHARS
    return text if len(text) <= limit else text[: limit - 1] + "…"
