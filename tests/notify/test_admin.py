"""The messages log in the admin: read-only, filterable, searchable, not breakable by odd
input; failed messages can be sent again. And the SMS price table."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.billing.models import SmsPrice
from apps.notify.models import OutgoingMessage
from tests.notify.factories import queue_sms, queue_telegram

pytestmark = pytest.mark.django_db

Status = OutgoingMessage.Status
CHANGELIST = reverse("admin:notify_outgoingmessage_changelist")


@pytest.fixture
def log() -> dict[str, OutgoingMessage]:
    sent = queue_telegram(chat_id=555_010, text="sent one")
    failed = queue_telegram(chat_id=555_011, text="failed one")
    sms = queue_sms(to="+8801711111111")
    OutgoingMessage.objects.filter(pk=failed.pk).update(
        status=Status.FAILED, attempts=1, last_error="Forbidden: bot was blocked by the user"
    )
    return {"sent": sent, "failed": failed, "sms": sms}


def test_the_log_lists_messages_with_their_status_and_error(admin_client, log):
    page = admin_client.get(CHANGELIST).content.decode()
    assert "555011" in page and "+8801711111111" in page
    assert "bot was blocked by the user" in page
    failed_only = admin_client.get(CHANGELIST, {"status": "failed"}).content.decode()
    assert "555011" in failed_only and "555010" not in failed_only
    sms_only = admin_client.get(CHANGELIST, {"channel": "sms"}).content.decode()
    assert "+8801711111111" in sms_only and "555011" not in sms_only
    found = admin_client.get(CHANGELIST, {"q": "+88017111"}).content.decode()
    assert "+8801711111111" in found and "555010" not in found


@pytest.mark.parametrize(
    "query",
    [
        {"q": "' OR 1=1 --"},
        {"q": "\x00"},
        {"q": "ক" * 500},
        {"status": "nonsense"},
        {"created_at__gte": "not a date"},
        {"o": "99"},
        {"p": "-1"},
    ],
)
def test_odd_input_never_breaks_the_log(admin_client, log, query):
    response = admin_client.get(CHANGELIST, query)
    assert response.status_code in (200, 302)


def test_messages_are_read_only(admin_client, log):
    message = log["sent"]
    assert admin_client.get(reverse("admin:notify_outgoingmessage_add")).status_code == 403
    change = reverse("admin:notify_outgoingmessage_change", args=[message.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and "sent one" in page.content.decode()
    assert admin_client.post(change, {"text": "edited"}).status_code == 403
    delete = reverse("admin:notify_outgoingmessage_delete", args=[message.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert OutgoingMessage.objects.get(pk=message.pk).text == "sent one"


def test_send_again_requeues_only_failed_messages_and_sends_them(
    admin_client, log, fake_telegram, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {
                "action": "send_again",
                "_selected_action": [log["failed"].pk, log["sms"].pk],
            },
            follow=True,
        )
    assert "1 message queued again" in response.content.decode()
    again = OutgoingMessage.objects.get(pk=log["failed"].pk)
    assert (again.status, again.attempts) == (Status.SENT, 1)
    assert fake_telegram.texts(chat_id=555_011) == ["failed one"]
    assert OutgoingMessage.objects.get(pk=log["sms"].pk).status == Status.QUEUED


def test_sms_prices_refuse_a_bad_prefix_or_a_negative_price(admin_client):
    add = reverse("admin:billing_smsprice_add")
    before = SmsPrice.objects.count()
    for prefix, price in [("880", "0.30"), ("+88a", "0.30"), ("+880123456", "0.30"), ("+91", "-1")]:
        response = admin_client.post(
            add, {"provider": "twilio", "prefix": prefix, "usd_per_segment": price}
        )
        assert response.status_code == 200  # the form again, with the error on its field
        assert "errorlist" in response.content.decode()
    assert SmsPrice.objects.count() == before
    response = admin_client.post(
        add, {"provider": "twilio", "prefix": "+91", "usd_per_segment": "0.0100"}
    )
    assert response.status_code == 302
    assert SmsPrice.objects.filter(prefix="+91").exists()
