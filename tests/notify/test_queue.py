"""What message_queue accepts, what it refuses (a clear error, nothing written), and the rules
the database itself holds for outgoing_messages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.core.errors import DarsError
from apps.notify import services
from apps.notify.models import OutgoingMessage
from tests.notify.factories import queue_sms, queue_telegram

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"channel": "telegram", "to": "5", "text": ""}, "text"),
        ({"channel": "telegram", "to": "5", "text": " \n\t"}, "text"),
        ({"channel": "telegram", "to": "5", "text": "a\x00b"}, "text"),
        ({"channel": "telegram", "to": "5", "text": "x" * 4097}, "text"),
        ({"channel": "telegram", "to": "5", "text": "😀" * 2049}, "text"),  # 4098 UTF-16 units
        ({"channel": "telegram", "to": "@someone", "text": "hi"}, "to"),
        ({"channel": "telegram", "to": "", "text": "hi"}, "to"),
        ({"channel": "sms", "to": "01712345678", "text": "hi"}, "to"),
        ({"channel": "sms", "to": "+0123456789", "text": "hi"}, "to"),
        ({"channel": "sms", "to": "+8801712345678", "text": "x" * 1601}, "text"),
        (
            {"channel": "sms", "to": "+8801712345678", "text": "hi", "reply_markup": {}},
            "reply_markup",
        ),
        ({"channel": "telegram", "to": "5", "text": "hi", "reply_markup": [1]}, "reply_markup"),
        (
            {"channel": "telegram", "to": "5", "text": "hi", "reply_markup": {"a": {1, 2}}},
            "reply_markup",
        ),
        ({"channel": "email", "to": "5", "text": "hi"}, "channel"),
        ({"channel": "telegram", "to": "5", "text": "hi", "kind": "spam"}, "kind"),
        ({"channel": "telegram", "to": "5", "text": "hi", "dedupe_key": ""}, "dedupe_key"),
        ({"channel": "telegram", "to": "5", "text": "hi", "dedupe_key": "k" * 201}, "dedupe_key"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(arguments, field):
    arguments = {"kind": "reply", **arguments}
    with pytest.raises(DarsError) as excinfo:
        services.message_queue(**arguments)
    assert excinfo.value.code == "invalid_message"
    assert excinfo.value.details == {"field": field}
    assert str(excinfo.value.message)
    assert not OutgoingMessage.objects.exists()


def test_the_longest_texts_each_channel_takes_are_accepted():
    telegram = queue_telegram(text="ক" * 4096)
    sms = queue_sms(text="x" * 1600)
    assert (len(telegram.text), len(sms.text)) == (4096, 1600)
    assert {telegram.status, sms.status} == {OutgoingMessage.Status.QUEUED}


def test_a_group_chat_id_is_a_valid_telegram_recipient():
    assert queue_telegram(chat_id=-1001234567890).to == "-1001234567890"


def test_database_refuses_an_unknown_channel_kind_or_status(db_rejects):
    message = queue_telegram()
    for column, value, name in [
        ("channel", "email", "ck_outgoing_messages_channel_valid"),
        ("kind", "spam", "ck_outgoing_messages_kind_valid"),
        ("status", "lost", "ck_outgoing_messages_status_valid"),
    ]:
        db_rejects(
            f"UPDATE outgoing_messages SET {column} = %s WHERE id = %s",
            [value, message.pk],
            expected=[name],
        )


def test_database_refuses_a_sent_message_without_sent_at(db_rejects):
    message = queue_telegram()
    db_rejects(
        "UPDATE outgoing_messages SET status = 'sent', sent_at = NULL WHERE id = %s",
        [message.pk],
        expected=["ck_outgoing_messages_sent_has_sent_at"],
    )


def test_database_refuses_a_claim_without_its_time(db_rejects):
    message = queue_telegram()
    db_rejects(
        "UPDATE outgoing_messages SET status = 'sending', claimed_at = NULL WHERE id = %s",
        [message.pk],
        expected=["ck_outgoing_messages_sending_has_claimed_at"],
    )


def test_database_refuses_buttons_on_an_sms_and_an_empty_text(db_rejects):
    sms = queue_sms()
    db_rejects(
        "UPDATE outgoing_messages SET reply_markup = %s WHERE id = %s",
        ['{"inline_keyboard": []}', sms.pk],
        expected=["ck_outgoing_messages_reply_markup_telegram_only"],
    )
    db_rejects(
        "UPDATE outgoing_messages SET text = '' WHERE id = %s",
        [sms.pk],
        expected=["ck_outgoing_messages_text_not_empty"],
    )


def test_database_refuses_a_second_message_with_one_dedupe_key(db_rejects):
    first = queue_telegram(dedupe_key="report:7:2026-W49")
    db_rejects(
        'INSERT INTO outgoing_messages (channel, "to", text, kind, dedupe_key, status, '
        "attempts, last_error, provider_message_id, created_at) "
        "VALUES ('telegram', '5', 'x', 'reply', %s, 'queued', 0, '', '', %s)",
        [first.dedupe_key, timezone.now()],
        expected=["uq_outgoing_messages_dedupe_key", "outgoing_messages.dedupe_key"],
    )
