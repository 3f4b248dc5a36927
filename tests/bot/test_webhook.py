"""The webhook's door: the secret header, JSON only, an update handled exactly once, a
flooding chat throttled. Replies are asserted as the queue holds them (apps.notify)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from apps.bot.models import ProcessedUpdate
from apps.notify.models import OutgoingMessage
from apps.students.models import Student
from tests.bot.conftest import SECRET, URL, Chat, post_update

pytestmark = pytest.mark.django_db


def texts_to(chat_id: int) -> list[str]:
    messages = OutgoingMessage.objects.filter(to=str(chat_id)).order_by("id")
    return list(messages.values_list("text", flat=True))


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
def test_a_missing_or_wrong_secret_is_refused_with_403_and_nothing_happens(
    client: Client, chat: Chat, secret: str | None
) -> None:
    response = post_update(client, chat.message_update("/start"), secret=secret)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Student.objects.exists()
    assert not ProcessedUpdate.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_with_no_secret_configured_the_webhook_is_off(
    client: Client, chat: Chat, settings: Any
) -> None:
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    response = post_update(client, chat.message_update("/start"), secret="")
    assert response.status_code == 404
    assert not Student.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "", '{"update_id": 1', "\udcff"])
def test_malformed_json_gets_400(client: Client, body: str) -> None:
    response = client.post(
        URL,
        body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_deeply_nested_json_gets_400_not_500(client: Client) -> None:
    response = post_update(client, b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code in (400, 413)


@pytest.mark.parametrize(
    "update",
    [
        [],
        "hello",
        {},
        {"update_id": "7"},
        {"update_id": True},
        {"update_id": -1},
        {"update_id": 2**64},
        {"update_id": 7, "message": "hi"},
        {"update_id": 7, "message": {"chat": 5}},
        {"update_id": 7, "callback_query": {"id": "1"}},
        {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": "12", "type": "private"},
                "from": {"id": 12, "is_bot": False, "first_name": "A"},
                "text": "/start",
            },
        },
    ],
)
def test_json_that_is_not_an_update_gets_400_and_writes_nothing(
    client: Client, update: Any
) -> None:
    response = post_update(client, update)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_update"
    assert not ProcessedUpdate.objects.exists()
    assert not Student.objects.exists()


def test_only_json_is_accepted(client: Client, chat: Chat) -> None:
    response = client.post(
        URL,
        json.dumps(chat.message_update("/start")),
        content_type="text/plain",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    assert response.status_code == 400
    assert client.get(URL, HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 405


def test_the_same_update_delivered_twice_is_processed_once(chat: Chat) -> None:
    update = chat.message_update("/start")
    chat.deliver(update)
    chat.deliver(update)
    assert Student.objects.filter(telegram_id=chat.user_id).count() == 1
    assert ProcessedUpdate.objects.filter(update_id=update["update_id"]).count() == 1
    assert len(texts_to(chat.user_id)) == 1


def test_a_redelivered_button_press_is_answered_but_not_redone(chat: Chat) -> None:
    chat.say("/start")
    press = chat.press_update("l:en")
    first = chat.deliver(press).json()
    again = chat.deliver(press).json()
    # The button stops spinning both times (the webhook's own reply)…
    expected = {"method": "answerCallbackQuery", "callback_query_id": press["callback_query"]["id"]}
    assert first == expected
    assert again == expected
    # …but the grade question is sent once.
    assert texts_to(chat.user_id) == [texts_to(chat.user_id)[0], "Which class are you in?"]


def test_updates_the_bot_does_not_handle_are_acknowledged(client: Client, chat: Chat) -> None:
    group = chat.message_update("/start")
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Class 7"}
    sticker = chat.message_update("x")
    del sticker["message"]["text"]
    edited = {"update_id": 99, "edited_message": chat.message_update("x")["message"]}
    for update in (group, sticker, edited):
        assert post_update(client, update).status_code == 200
    assert not Student.objects.exists()
    assert not OutgoingMessage.objects.exists()
    assert ProcessedUpdate.objects.count() == 3


def test_a_flooding_chat_is_told_once_to_slow_down(chat: Chat, settings: Any) -> None:
    settings.BOT_CHAT_RATE = "3/minute"
    for _ in range(6):
        chat.say("/help")
    texts = texts_to(chat.user_id)
    assert len(texts) == 4
    assert texts[3].startswith("তুমি খুব দ্রুত") or "very fast" in texts[3]
    # Another chat is not affected.
    other = Chat(chat.client, user_id=5550002)
    other.say("/start")
    assert len(texts_to(other.user_id)) == 1


def test_a_flooding_button_gets_the_notice_on_the_button(chat: Chat, settings: Any) -> None:
    settings.BOT_CHAT_RATE = "1/minute"
    chat.say("/start")
    answer = chat.press("l:en").json()
    assert answer["method"] == "answerCallbackQuery"
    assert answer["text"]
    assert len(texts_to(chat.user_id)) == 1
