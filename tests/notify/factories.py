"""Messages for tests, queued through the one write path (services.message_queue)."""

from __future__ import annotations

from typing import Any

from apps.notify import services
from apps.notify.models import OutgoingMessage


def queue_telegram(
    chat_id: int | str = 555_001, text: str = "Hello", **extra: Any
) -> OutgoingMessage:
    return services.message_queue(
        channel="telegram", to=str(chat_id), text=text, kind=extra.pop("kind", "reply"), **extra
    )


def queue_sms(
    to: str = "+8801712345678", text: str = "Weekly report", **extra: Any
) -> OutgoingMessage:
    return services.message_queue(
        channel="sms", to=to, text=text, kind=extra.pop("kind", "guardian_report"), **extra
    )
