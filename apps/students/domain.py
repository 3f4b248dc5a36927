"""Who a student can be (no Django): the one source for models, constraints and the API."""

from __future__ import annotations

from typing import Final

GRADES: Final = (6, 7, 8)
LANGUAGES: Final = ("en", "bn")
DEFAULT_TIMEZONE: Final = "Asia/Dhaka"

# Demo students (the Mini App's demo mode, README "The Mini App"): Telegram's user ids are
# positive, so demo students live in the negative range, where no Telegram account can sign in.
# A staff member's demo student has the id -<their user id>; the one shared demo student that
# MINIAPP_OPEN_DEMO allows (development) has this id, far below any user id.
SHARED_DEMO_TELEGRAM_ID: Final = -(2**62)
