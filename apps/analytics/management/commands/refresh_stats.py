from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from apps.analytics import services
from apps.core.errors import DarsError


class Command(BaseCommand):
    help = (
        "Bring item statistics up to date: recount the problems answered or edited since the "
        "last refresh (the scheduled worker runs this every STATS_REFRESH_SECONDS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="Recount every problem (after changing a STATS_* threshold).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = services.stats_refresh(full=options["full"])
        except DarsError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            _(
                "%(problems)d problems recounted, answers counted up to id %(through)d, "
                "in %(seconds).1f s"
            )
            % {
                "problems": result.problems_touched,
                "through": result.responses_through,
                "seconds": result.seconds,
            }
        )
