from __future__ import annotations

from apps.core.errors import DarsError


class LinkCodeError(DarsError):
    """A guardian link code that cannot be used; its str is the reason, translated."""

    status = 400
    code = "link_code_invalid"
