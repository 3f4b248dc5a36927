"""Verifying Telegram Mini App initData exactly as Telegram documents it (pure Python).

secret_key = HMAC-SHA256(key="WebAppData", msg=bot_token)
data_check_string = every received field except `hash`, sorted by key, as `key=value`,
                    joined by "\\n"
valid  <=>  hex(HMAC-SHA256(key=secret_key, msg=data_check_string)) == hash  (constant time)
and `auth_date` is no older than the allowed age.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_TELEGRAM_ID = 2**63 - 1  # PostgreSQL's bigint


class InitDataError(ValueError):
    """initData that must not be trusted; the message says why (for logs, not for clients)."""


@dataclass(frozen=True)
class TelegramUser:
    id: int
    first_name: str
    last_name: str
    username: str
    language_code: str
    auth_date: int

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part).strip()


def secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The hash Telegram would put on these fields (used by tests and tooling)."""
    return hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()


def verify_init_data(
    init_data: str, *, bot_token: str, max_age_seconds: int, now: float
) -> TelegramUser:
    if not bot_token:
        raise InitDataError("TELEGRAM_BOT_TOKEN is not configured")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("initData is not a query string") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("initData repeats a field")
    received = fields.get("hash", "")
    if not received:
        raise InitDataError("initData has no hash")
    expected = sign(fields, bot_token)
    if not hmac.compare_digest(expected, received.lower()):
        raise InitDataError("initData hash does not match")
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError as exc:
        raise InitDataError("initData has no valid auth_date") from exc
    if now - auth_date > max_age_seconds:
        raise InitDataError("initData is too old")
    if auth_date - now > 300:
        raise InitDataError("initData auth_date is in the future")
    try:
        user = json.loads(fields.get("user", ""))
    except (ValueError, RecursionError) as exc:
        raise InitDataError("initData has no valid user") from exc
    if not isinstance(user, dict):
        raise InitDataError("initData user is not an object")
    user_id = user.get("id")
    # A whole number that fits the database: not true/false, not 1.9, not 2**63.
    if type(user_id) is not int or not 0 < user_id <= MAX_TELEGRAM_ID:
        raise InitDataError("initData user id is not a positive 64-bit integer")

    def text(key: str) -> str:
        value = user.get(key, "")
        if not isinstance(value, str):
            return ""
        if any(char == "\x00" or "\ud800" <= char <= "\udfff" for char in value):
            raise InitDataError(f"initData user {key} holds characters that cannot be stored")
        return value

    return TelegramUser(
        id=user_id,
        first_name=text("first_name"),
        last_name=text("last_name"),
        username=text("username"),
        language_code=text("language_code"),
        auth_date=auth_date,
    )
