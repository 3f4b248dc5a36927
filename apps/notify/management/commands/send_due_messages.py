from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from apps.notify import services


class Command(BaseCommand):
    help = (
        "Send the messages that are due: retries whose wait is over and messages whose task was "
        "lost; close the claims of workers that stopped mid-send (beat runs this as "
        "notify.send_due every NOTIFY_SWEEP_SECONDS; without a broker, run it by hand)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep = services.messages_send_due()
        due, abandoned = len(sweep.due), sweep.abandoned
        self.stdout.write(
            ngettext(
                "%(count)d message due was sent on.", "%(count)d messages due were sent on.", due
            )
            % {"count": due}
        )
        self.stdout.write(
            ngettext(
                "%(count)d send stopped by a worker was marked failed.",
                "%(count)d sends stopped by a worker were marked failed.",
                abandoned,
            )
            % {"count": abandoned}
        )
