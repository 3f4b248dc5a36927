"""Who is asking: the client's IP address, behind however many proxies the operator trusts.

`X-Forwarded-For` is written by the client as much as by proxies, so only the addresses the
trusted proxies appended count: with `NUM_PROXIES=1` (one nginx in front) the client is the
last address in the header; with `0` (the default: nothing in front) the header is ignored and
the connection's own address is the client. The throttles and the admin's login lockout both
use this one answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


def client_ip(request: Any) -> str:
    meta = request.META
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = int(settings.NUM_PROXIES)
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [a for a in forwarded if a]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
