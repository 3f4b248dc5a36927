"""Registering the bot with Telegram (`manage.py telegram_setup`): the webhook, the commands
in English and Bengali, and the menu button that opens the Mini App."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from telegram import BotCommand, MenuButtonWebApp, WebAppInfo
from telegram.error import InvalidToken, TelegramError

from apps.bot import texts
from apps.core.errors import DarsError
from apps.notify.providers import telegram_bot

WEBHOOK_PATH = "/telegram/webhook/"
ALLOWED_UPDATES = ["message", "callback_query"]
# setMyCommands without a language is the default (English); Bengali-speaking users get "bn".
COMMAND_LANGUAGES = ((None, "en"), ("bn", "bn"))


class SetupRefused(DarsError):
    code = "telegram_setup_refused"


@dataclass(frozen=True)
class Registered:
    webhook_url: str
    miniapp_url: str


def telegram_setup(*, base_url: str = "") -> Registered:
    """Register the webhook <base_url or PUBLIC_BASE_URL>/telegram/webhook/ with the secret,
    the commands (default and Bengali) and the Mini App menu button. `SetupRefused` names
    what is missing before anything is called; a Telegram error is raised as one too."""
    base = (base_url or settings.PUBLIC_BASE_URL).rstrip("/")
    missing = [
        name
        for name, value in (
            ("TELEGRAM_BOT_TOKEN", settings.TELEGRAM_BOT_TOKEN),
            ("TELEGRAM_WEBHOOK_SECRET", settings.TELEGRAM_WEBHOOK_SECRET),
            ("PUBLIC_BASE_URL (or --url)", base),
        )
        if not value
    ]
    if missing:
        raise SetupRefused(_("Set %(names)s first.") % {"names": ", ".join(missing)})
    if not base.startswith("https://"):
        raise SetupRefused(
            _("Telegram sends webhooks to https addresses only, not %(url)s.") % {"url": base}
        )
    registered = Registered(
        webhook_url=base + WEBHOOK_PATH, miniapp_url=settings.MINIAPP_URL or f"{base}/app/"
    )
    commands = {}
    for code, language in COMMAND_LANGUAGES:
        with translation.override(language):
            commands[code] = [BotCommand(name, text) for name, text in texts.command_descriptions()]
    with translation.override("bn"):  # one menu button for everybody: Bengali first
        menu_text = _("Open Dars")
    try:
        asyncio.run(_register(registered, commands, menu_text))
    except InvalidToken as error:  # its message would print the token
        raise SetupRefused(_("Telegram rejected TELEGRAM_BOT_TOKEN.")) from error
    except TelegramError as error:
        raise SetupRefused(_("Telegram refused: %(error)s") % {"error": error}) from error
    return registered


async def _register(
    registered: Registered, commands: dict[str | None, list[BotCommand]], menu_text: str
) -> None:
    # `async with` checks the token first (getMe) and closes the connections afterwards.
    async with telegram_bot() as bot:
        await bot.set_webhook(
            url=registered.webhook_url,
            secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
            allowed_updates=ALLOWED_UPDATES,
        )
        for language_code, language_commands in commands.items():
            await bot.set_my_commands(language_commands, language_code=language_code)
        await bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp(menu_text, WebAppInfo(url=registered.miniapp_url))
        )
