"""Messages for tests, queued through the one write path (services.message_queue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

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


def reload(message: OutgoingMessage) -> OutgoingMessage:
    return OutgoingMessage.objects.get(pk=message.pk)


def make_due(message: OutgoingMessage) -> None:
    """Bring a message's next attempt to now (as if its wait were over)."""
    OutgoingMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
