"""Telegram's flood limits, shared by every worker through the cache (Redis in production):
about 30 messages a second for the whole bot and one a second per chat.

`telegram_wait(chat_id)` takes a slot and returns 0, or returns how many seconds to wait. A
message over a limit is not slept on: the worker puts it back with a countdown (services).
Counters, not flags, so a burst is spread out: the n-th message over a limit waits for the
n-th free slot instead of every held message trying again each second. `cache.add` and
`cache.incr` are atomic in Redis, so two workers never take one slot.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache

_PREFIX = "notify:telegram"


def _count(key: str, timeout: int) -> int:
    """Add one to a counter that expires `timeout` seconds after its first use; the new value."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # it expired between the two calls: this one starts it again
        cache.add(key, 1, timeout=timeout)
        return 1


def telegram_wait(chat_id: str, *, now: float | None = None) -> float:
    """0 when this message may go now (its slots are taken), else the seconds to wait."""
    per_second = settings.NOTIFY_TELEGRAM_GLOBAL_PER_SECOND
    per_chat = settings.NOTIFY_TELEGRAM_PER_CHAT_PER_SECOND
    now = time.time() if now is None else now
    if per_chat > 0:
        # One message per `gap` seconds in a chat, counted from the first one sent; the n-th
        # held back waits n-1 gaps. Checked first, so a busy chat takes no slot of the bot's.
        gap = 1 / per_chat
        held = _count(f"{_PREFIX}:chat:{chat_id}", max(math.ceil(gap), 1)) - 1
        if held:
            return held * gap
    if per_second > 0:
        # One-second windows; the n-th message over this second's limit goes n/limit seconds on.
        window = math.floor(now)
        over = _count(f"{_PREFIX}:global:{window}", 5) - per_second
        if over > 0:
            return window + math.ceil(over / per_second) - now
    return 0.0
