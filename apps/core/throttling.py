"""API throttling: rates from settings (changeable without a restart), clients identified by
`apps.core.clients.client_ip`, and a cache outage survived.

If the shared cache (Redis) cannot be reached, the throttles fall back to a cache in this
process and log a warning: a sign-in still gets limited (per process rather than across the
installation) instead of failing with a 500, and `/healthz` reports the cache as down
(`degraded`) so the operator knows. Failing closed would lock every student out during an
outage; failing open with no limit at all would remove the brute-force guard exactly when
nobody is watching.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.throttling import ScopedRateThrottle

from apps.core.clients import client_ip

logger = logging.getLogger(__name__)

local_fallback_cache = LocMemCache("dars-throttle-fallback", {"MAX_ENTRIES": 50_000})


class _FallbackCache:
    """The shared cache, or this process's own when the shared one fails."""

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return shared_cache.get(key, default)
        except Exception as exc:  # any cache backend error: Redis down, timeout, refused
            logger.warning("throttle cache unavailable, using a per-process one: %s", exc)
            return local_fallback_cache.get(key, default)

    def set(self, key: str, value: Any, timeout: Any = None) -> None:
        try:
            shared_cache.set(key, value, timeout)
        except Exception as exc:
            logger.warning("throttle cache unavailable, using a per-process one: %s", exc)
            local_fallback_cache.set(key, value, timeout)


class SettingsScopedThrottle(ScopedRateThrottle):
    """Scoped throttle whose rates are read from settings.THROTTLE_RATES at request time."""

    cache = _FallbackCache()  # type: ignore[assignment]

    def get_rate(self) -> str | None:
        rate: str | None = settings.THROTTLE_RATES.get(self.scope or "")
        return rate

    def get_ident(self, request: Any) -> str:
        return client_ip(request)

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None) or ""
        if not self.scope or not self.get_rate():
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super(ScopedRateThrottle, self).allow_request(request, view)
