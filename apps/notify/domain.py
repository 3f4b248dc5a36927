"""The rules of messages out, in plain Python (no Django): channels, kinds, statuses, the
providers' limits, what a valid recipient is, and how long a failed send waits."""

from __future__ import annotations

import re

CHANNELS = ("telegram", "sms")
KINDS = ("reply", "reminder", "guardian_report", "test_report")
STATUSES = ("queued", "sending", "sent", "failed", "skipped")
# Statuses a message leaves no more (the worker has nothing left to do with it).
FINAL_STATUSES = ("sent", "failed", "skipped")

# Telegram's sendMessage takes 1-4096 characters; counted here in UTF-16 code units, as
# Telegram counts entity offsets, so a text with emoji is never cut off by Telegram.
TELEGRAM_TEXT_LIMIT = 4096
# Twilio refuses a body over 1600 characters (error 21617).
SMS_TEXT_LIMIT = 1600
DEDUPE_KEY_LIMIT = 200

# E.164: '+', a country code that does not start with 0, at most 15 digits in all.
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# A Telegram chat id: a user's is positive, a group's negative (-100… for supergroups).
_CHAT_ID = re.compile(r"-?[1-9][0-9]{0,19}")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units (a character outside the BMP, e.g. most emoji, counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def is_e164(phone: str) -> bool:
    return _E164.fullmatch(phone) is not None


def is_chat_id(value: str) -> bool:
    return _CHAT_ID.fullmatch(value) is not None


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2·base, 4·base, …,
    never more than `cap`."""
    exponent = max(attempts - 1, 0)
    return float(min(cap, base * (2 ** min(exponent, 30))))
