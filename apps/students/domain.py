"""Who a student can be (no Django): the one source for models, constraints and the API."""

from __future__ import annotations

from typing import Final

GRADES: Final = (6, 7, 8)
LANGUAGES: Final = ("en", "bn")
DEFAULT_TIMEZONE: Final = "Asia/Dhaka"
