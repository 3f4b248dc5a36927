"""A Telegram chat driven through the real webhook: updates as Telegram sends them (JSON,
with the secret header), posted with Django's test client."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

SECRET = "test-webhook-secret_1"
URL = "/telegram/webhook/"
_update_ids = itertools.count(1000)


@pytest.fixture(autouse=True)
def bot_settings(settings: Any) -> Any:
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_BOT_TOKEN = "123456:TEST-token"
    settings.MINIAPP_URL = "https://dars.example.org/app/"
    settings.BOT_CHAT_RATE = "30/minute"
    return settings


def post_update(client: Client, update: Any, *, secret: str | None = SECRET) -> Any:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    body = update if isinstance(update, bytes) else json.dumps(update)
    return client.post(URL, body, content_type="application/json", headers=headers)


@dataclass
class Chat:
    """One person's private chat with the bot."""

    client: Client
    user_id: int = 5550001
    first_name: str = "Rafi"
    language_code: str = "bn"
    sent: list[dict[str, Any]] = field(default_factory=list)  # the updates, as sent

    def _user(self) -> dict[str, Any]:
        return {
            "id": self.user_id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def _chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": self.first_name}

    def message_update(self, text: str) -> dict[str, Any]:
        update_id = next(_update_ids)
        return {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 1_790_000_000,
                "chat": self._chat(),
                "from": self._user(),
                "text": text,
            },
        }

    def press_update(self, data: str) -> dict[str, Any]:
        update_id = next(_update_ids)
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cq{update_id}",
                "from": self._user(),
                "chat_instance": "42",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": 1_790_000_000,
                    "chat": self._chat(),
                    "from": {"id": 123456, "is_bot": True, "first_name": "Dars"},
                    "text": "…",
                },
            },
        }

    def deliver(self, update: dict[str, Any]) -> Any:
        self.sent.append(update)
        response = post_update(self.client, update)
        assert response.status_code == 200, response.content
        return response

    def say(self, text: str) -> Any:
        return self.deliver(self.message_update(text))

    def press(self, data: str) -> Any:
        return self.deliver(self.press_update(data))


@pytest.fixture
def chat(client: Client) -> Chat:
    return Chat(client)
