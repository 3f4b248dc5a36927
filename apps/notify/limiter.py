"""Telegram's flood limits, shared by every worker through the cache (Redis in production):
about 30 messages a second for the whole bot and one a second per chat.

`telegram_wait(chat_id)` takes a slot and returns 0, or returns how many seconds to wait. A
message over a limit is not slept on: the worker puts it back with a countdown (services).
Fixed one-second windows: `cache.add` + `cache.incr` are atomic in Redis, so two workers never
take one slot.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "notify:telegram"


def telegram_wait(chat_id: str, *, now: float | None = None) -> float:
    """0 when this message may go now (its slots are taken), else the seconds to wait."""
    per_second = settings.NOTIFY_TELEGRAM_GLOBAL_PER_SECOND
    per_chat = settings.NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND
    now = time.time() if now is None else now
    if per_second > 0:
        window = int(now)
        key = f"{_PREFIX}:global:{window}"
        cache.add(key, 0, timeout=5)
        if cache.incr(key) > per_second:
            return max(window + 1 - now, 0.05)
    if per_chat > 0:
        # One message per 1/per_chat seconds in a chat: the key lives that long.
        gap = 1 / per_chat
        if not cache.add(f"{_PREFIX}:chat:{chat_id}", 1, timeout=max(math.ceil(gap), 1)):
            return gap
    return 0.0
