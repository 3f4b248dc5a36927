"""Reminder and guardian-report rules (no Django): link codes, local times, report weeks."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Final

# Guardian link codes: short enough to read aloud or type on a phone, with no look-alike
# characters (no 0/O, 1/I/L, 5/S, 8/B, 2/Z), and valid as a Telegram /start parameter.
LINK_CODE_ALPHABET: Final = "ACDEFGHJKMNPQRTUVWXY34679"
LINK_CODE_LENGTH: Final = 8
LINK_CODE_MAX_INPUT: Final = 64  # Telegram's longest /start parameter

# The weekly guardian report: due from this weekday (Friday) at the report time, in the
# guardian's time zone, until that ISO week ends; it covers the 7 local days ending that Friday.
REPORT_WEEKDAY: Final = 4  # Monday is 0
REPORT_DAYS: Final = 7


def link_code_new() -> str:
    return "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))


def link_code_normalise(text: str) -> str | None:
    """The code a person typed (any case, spaces or dashes between groups), or None when it
    cannot be a code at all."""
    if len(text) > LINK_CODE_MAX_INPUT:
        return None
    code = "".join(ch for ch in text.upper() if ch not in " -_\t\n")
    if len(code) != LINK_CODE_LENGTH or any(ch not in LINK_CODE_ALPHABET for ch in code):
        return None
    return code


def parse_local_time(value: str) -> dt.time:
    """'19:00' -> 19:00. ValueError names the problem."""
    try:
        parsed = dt.time.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a time of day as HH:MM (e.g. 19:00)") from None
    if parsed.tzinfo is not None:
        raise ValueError(f"{value!r} must be a local time without a time zone")
    return parsed.replace(second=0, microsecond=0)


def iso_week(day: dt.date) -> str:
    """'2026-W49' for any day of that ISO week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def report_friday(local_now: dt.datetime, report_time: dt.time) -> dt.date | None:
    """The Friday whose report is due at the guardian's local `local_now` (from Friday at
    `report_time` to the end of Sunday), or None outside that window."""
    day = local_now.date()
    weekday = day.weekday()
    if weekday < REPORT_WEEKDAY:
        return None
    if weekday == REPORT_WEEKDAY and local_now.time() < report_time:
        return None
    return day - dt.timedelta(days=weekday - REPORT_WEEKDAY)


def report_period(friday: dt.date) -> tuple[dt.date, dt.date]:
    """The 7 local days a report covers: Saturday to Friday, both included."""
    return friday - dt.timedelta(days=REPORT_DAYS - 1), friday


def accuracy_percent(correct: int, answered: int) -> int | None:
    """Whole percent right, rounded half up; None with no answers."""
    if answered <= 0:
        return None
    return (200 * correct + answered) // (2 * answered)
