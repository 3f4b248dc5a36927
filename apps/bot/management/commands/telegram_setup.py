"""Register the bot with Telegram: webhook, commands (English and Bengali), menu button."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.bot.setup import ALLOWED_UPDATES, SetupRefused, telegram_setup


class Command(BaseCommand):
    help = (
        "Register the webhook <PUBLIC_BASE_URL>/telegram/webhook/ with TELEGRAM_WEBHOOK_SECRET, "
        "the bot's commands in English and Bengali, and the menu button opening the Mini App."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default="", help="Dars's public https address (default: PUBLIC_BASE_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            registered = telegram_setup(base_url=options["url"])
        except SetupRefused as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"Webhook: {registered.webhook_url} (updates: {', '.join(ALLOWED_UPDATES)})\n"
            "Commands: English (default) and Bengali (bn)\n"
            f"Menu button: {registered.miniapp_url}"
        )
