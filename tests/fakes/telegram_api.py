"""A local stand-in for the Telegram Bot API: a real HTTP server on 127.0.0.1.

python-telegram-bot (or any client) talks to it through `TELEGRAM_API_BASE_URL`; it serves
`/bot<token>/<method>` for any method, records every call with its parameters (JSON, form or
query string) and answers as Telegram does: `sendMessage` with a Message (message ids count up
from 1), `getMe` with the bot, `editMessageText`/`editMessageReplyMarkup` with the edited
Message, `getWebhookInfo` with the webhook last set, anything else with `true`.

Failures are scripted per call: `fake.fail("sendMessage", status=429, retry_after=3)` makes the
next sendMessage (optionally only to one chat, or the next `times` ones) answer like Telegram's
flood control; 400 "chat not found", 403 "bot was blocked by the user", 500, or `drop=True` (the
connection is closed without an answer, after the request was read).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.server import Fake, JsonHandler, LocalServer

BOT_ID = 7_000_000_001
BOT_USERNAME = "DarsTestBot"

DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Failure:
    method: str
    status: int = 500
    description: str | None = None
    retry_after: int | None = None
    chat_id: str | None = None
    times: int = 1
    drop: bool = False
    migrate_to_chat_id: int | None = None


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str
    ok: bool = True
    status: int = 200
    at: float = field(default_factory=time.time)


def _parse_value(value: str) -> Any:
    """Form fields carry nested objects as JSON (reply_markup, entities)."""
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram(Fake):
    def __init__(self, token: str = "123456:TEST-fake-token") -> None:  # noqa: S107
        self.token = token
        self.failures: list[Failure] = []
        self.log: list[Call] = []
        self.lock = threading.Lock()
        self.next_message_id = 1
        self.webhook: dict[str, Any] = {}
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                self._handle()

            def do_POST(self) -> None:
                self._handle()

            def _handle(self) -> None:
                url = urlsplit(self.path)
                parts = url.path.strip("/").split("/")
                if len(parts) != 2 or not parts[0].startswith("bot"):
                    self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                token, method = parts[0][3:], parts[1]
                params: dict[str, Any] = dict(parse_qsl(url.query))
                raw = self.body()
                if raw and self.headers.get("Content-Type", "").startswith("application/json"):
                    params.update(json.loads(raw))
                elif raw:
                    params.update({k: _parse_value(v) for k, v in parse_qsl(raw.decode(), True)})
                status, payload, drop = fake._answer(token, method, params)
                self.answer(status, payload, drop=drop)

        self.http = LocalServer(Handler)

    # --- scripting and assertions ---------------------------------------------------------

    def fail(
        self,
        method: str = "sendMessage",
        *,
        status: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: str | int | None = None,
        times: int = 1,
        drop: bool = False,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail this way."""
        with self.lock:
            self.failures.append(
                Failure(
                    method=method,
                    status=status,
                    description=description,
                    retry_after=retry_after,
                    chat_id=None if chat_id is None else str(chat_id),
                    times=times,
                    drop=drop,
                    migrate_to_chat_id=migrate_to_chat_id,
                )
            )

    def calls(self, method: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.log if method is None or c.method == method]

    def sent(self, chat_id: str | int | None = None) -> list[dict[str, Any]]:
        """The parameters of every sendMessage Telegram accepted (to one chat, if given)."""
        return [
            c.params
            for c in self.calls("sendMessage")
            if c.ok and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def texts(self, chat_id: str | int | None = None) -> list[str]:
        return [params["text"] for params in self.sent(chat_id)]

    # --- answers ----------------------------------------------------------------------------

    def _take_failure(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in self.failures:
            if failure.method != method:
                continue
            if failure.chat_id is not None and failure.chat_id != str(params.get("chat_id")):
                continue
            failure.times -= 1
            if failure.times <= 0:
                self.failures.remove(failure)
            return failure
        return None

    def _answer(
        self, token: str, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], bool]:
        with self.lock:
            call = Call(method=method, params=params, token=token)
            self.log.append(call)
            if token != self.token:
                call.ok, call.status = False, 401
                return 401, self._error(401, None, None), False
            failure = self._take_failure(method, params)
            if failure is not None:
                call.ok, call.status = False, failure.status
                payload = self._error(failure.status, failure.description, failure.retry_after)
                if failure.migrate_to_chat_id is not None:
                    payload["parameters"] = {"migrate_to_chat_id": failure.migrate_to_chat_id}
                return failure.status, payload, failure.drop
            return 200, {"ok": True, "result": self._result(method, params)}, False

    @staticmethod
    def _error(status: int, description: str | None, retry_after: int | None) -> dict[str, Any]:
        text = description or DESCRIPTIONS.get(status, "Error").format(retry_after=retry_after)
        payload: dict[str, Any] = {"ok": False, "error_code": status, "description": text}
        if retry_after is not None:
            payload["parameters"] = {"retry_after": retry_after}
        return payload

    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
        if chat_id > 0:
            chat["first_name"] = "Student"
        else:
            chat["title"] = "Group"
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot(),
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    @staticmethod
    def _bot() -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Dars", "username": BOT_USERNAME}

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {
                **self._bot(),
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "sendMessage":
            message_id = self.next_message_id
            self.next_message_id += 1
            return self._message(params, message_id)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            if "inline_message_id" in params:
                return True
            return self._message(params, int(params.get("message_id", 0)))
        if method == "setWebhook":
            self.webhook = dict(params)
            return True
        if method == "deleteWebhook":
            self.webhook = {}
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        if method == "getMyCommands":
            return []
        return True
