"""`manage.py telegram_setup` through the real python-telegram-bot against the fake Bot API."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext

from apps.bot.domain import COMMANDS
from tests.bot.conftest import SECRET
from tests.fakes.telegram_api import FakeTelegram


def test_setup_registers_the_webhook_the_commands_and_the_menu_button(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://dars.example.org"
    settings.MINIAPP_URL = "https://dars.example.org/app/"
    out = StringIO()
    call_command("telegram_setup", stdout=out)

    [webhook] = fake_telegram.calls("setWebhook")
    assert webhook.token == fake_telegram.token
    assert webhook.params["url"] == "https://dars.example.org/telegram/webhook/"
    assert webhook.params["secret_token"] == SECRET
    assert webhook.params["allowed_updates"] == ["message", "callback_query"]

    by_language = {
        call.params.get("language_code"): call.params["commands"]
        for call in fake_telegram.calls("setMyCommands")
    }
    assert set(by_language) == {None, "bn"}
    for language, commands in by_language.items():
        assert [c["command"] for c in commands] == list(COMMANDS)
        with translation.override(language or "en"):
            assert commands[1]["description"] == gettext("Today's practice")
    with translation.override("en"):
        assert by_language[None][0]["description"] == "Start, or see the menu"

    [menu] = fake_telegram.calls("setChatMenuButton")
    button = menu.params["menu_button"]
    assert button["type"] == "web_app"
    assert button["web_app"] == {"url": "https://dars.example.org/app/"}
    assert "chat_id" not in menu.params  # the bot's default menu button, for every chat
    assert "https://dars.example.org/telegram/webhook/" in out.getvalue()


def test_the_url_option_overrides_public_base_url(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = ""
    settings.MINIAPP_URL = ""
    call_command("telegram_setup", "--url", "https://school.example.net/", stdout=StringIO())
    [webhook] = fake_telegram.calls("setWebhook")
    assert webhook.params["url"] == "https://school.example.net/telegram/webhook/"
    [menu] = fake_telegram.calls("setChatMenuButton")
    assert menu.params["menu_button"]["web_app"]["url"] == "https://school.example.net/app/"


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("TELEGRAM_BOT_TOKEN", "", "TELEGRAM_BOT_TOKEN"),
        ("TELEGRAM_WEBHOOK_SECRET", "", "TELEGRAM_WEBHOOK_SECRET"),
        ("PUBLIC_BASE_URL", "", "PUBLIC_BASE_URL"),
        ("PUBLIC_BASE_URL", "http://dars.example.org", "https"),
    ],
)
def test_setup_refuses_clearly_without_what_it_needs(
    fake_telegram: FakeTelegram, settings: Any, setting: str, value: str, named: str
) -> None:
    settings.PUBLIC_BASE_URL = "https://dars.example.org"
    setattr(settings, setting, value)
    with pytest.raises(CommandError, match=named):
        call_command("telegram_setup", stdout=StringIO())
    assert fake_telegram.calls() == []


def test_a_telegram_refusal_is_reported_not_raised(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://dars.example.org"
    fake_telegram.fail("setWebhook", status=400, description="Bad Request: bad webhook")
    with pytest.raises(CommandError, match=r"(?i)bad webhook"):
        call_command("telegram_setup", stdout=StringIO())


def test_a_rejected_token_is_reported_without_printing_it(
    fake_telegram: FakeTelegram, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://dars.example.org"
    fake_telegram.fail("getMe", status=401)
    with pytest.raises(CommandError, match="rejected TELEGRAM_BOT_TOKEN") as raised:
        call_command("telegram_setup", stdout=StringIO())
    assert fake_telegram.token not in str(raised.value)
    assert fake_telegram.calls("setWebhook") == []
