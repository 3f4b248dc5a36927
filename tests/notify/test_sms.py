"""SMS through Twilio's real SDK against the local fake: sent once, costed per segment at the
destination's price, kept within the monthly budget, retried or failed like Telegram."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.billing import services as billing
from apps.billing.models import CostRecord, SmsPrice
from apps.notify import services, tasks
from apps.notify.models import OutgoingMessage
from tests.billing.factories import CostRecordFactory
from tests.notify.factories import make_due, queue_sms, queue_telegram, reload
from tests.students.factories import GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db

Status = OutgoingMessage.Status
BANGLADESH = "+8801712345678"


@pytest.fixture(autouse=True)
def prices() -> None:
    SmsPrice.objects.all().delete()
    SmsPrice.objects.create(prefix="+880", usd_per_segment=Decimal("0.3500"))
    SmsPrice.objects.create(prefix="+", usd_per_segment=Decimal("0.5000"))


def test_an_sms_goes_through_twilio_and_is_put_on_the_books(
    fake_twilio, django_capture_on_commit_callbacks
):
    guardian, student = GuardianFactory(phone=BANGLADESH), StudentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(text="Rahim practised 5 days.", guardian=guardian, student=student)

    [request] = fake_twilio.requests
    assert (request.username, request.password) == (
        fake_twilio.account_sid,
        "test-twilio-auth-token",
    )
    assert request.form == {
        "To": BANGLADESH,
        "From": "+15005550006",
        "Body": "Rahim practised 5 days.",
    }
    sent = reload(message)
    assert sent.status == Status.SENT and sent.sent_at is not None
    assert sent.provider_message_id.startswith("SM") and sent.segments == 1
    record = CostRecord.objects.get()
    assert (record.operation, record.provider, record.model) == ("notification", "twilio", "sms")
    assert (record.guardian, record.student) == (guardian, student)
    assert record.cost_usd == Decimal("0.350000") and record.succeeded


def test_the_cost_is_twilios_segment_count_times_the_price(
    fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.num_segments = 3
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(text="রহিম এই সপ্তাহে ৫ দিন অনুশীলন করেছে। " * 3)
    assert reload(message).segments == 3
    assert CostRecord.objects.get().cost_usd == Decimal("1.050000")


def test_the_longest_matching_prefix_prices_the_destination():
    SmsPrice.objects.create(prefix="+8801", usd_per_segment=Decimal("0.2000"))
    assert billing.sms_price_for("+8801712345678") == Decimal("0.2000")
    assert billing.sms_price_for("+8809612345678") == Decimal("0.3500")
    assert billing.sms_price_for("+447700900123") == Decimal("0.5000")
    SmsPrice.objects.filter(prefix="+").delete()
    assert billing.sms_price_for("+447700900123") is None


def test_a_messaging_service_sends_when_one_is_set(
    fake_twilio, settings, django_capture_on_commit_callbacks
):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    with django_capture_on_commit_callbacks(execute=True):
        queue_sms()
    [form] = fake_twilio.sent()
    assert form["MessagingServiceSid"] == "MG" + "1" * 32 and "From" not in form


def test_an_sms_over_the_monthly_budget_is_skipped_and_telegram_is_unaffected(
    fake_twilio, fake_telegram, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_MONTHLY_BUDGET_USD = Decimal("0.50")
    CostRecordFactory(
        operation="notification", provider="twilio", model="sms", cost_usd=Decimal("0.30")
    )
    CostRecordFactory(cost_usd=Decimal("5.00"))  # AI spend has its own budget
    with django_capture_on_commit_callbacks(execute=True):
        sms = queue_sms()  # 0.30 + 0.35 > 0.50
        telegram = queue_telegram()
    skipped = reload(sms)
    assert skipped.status == Status.SKIPPED
    assert "monthly SMS budget" in skipped.last_error and "0.350000" in skipped.last_error
    assert fake_twilio.requests == []
    assert CostRecord.objects.filter(operation="notification").count() == 1
    assert reload(telegram).status == Status.SENT


def test_last_months_spend_does_not_count(
    fake_twilio, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_MONTHLY_BUDGET_USD = Decimal("0.50")
    CostRecordFactory(
        operation="notification",
        provider="twilio",
        cost_usd=Decimal("0.30"),
        recorded_at=billing.month_start(timezone.now()) - dt.timedelta(days=3),
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms()
    assert reload(message).status == Status.SENT


def test_an_invalid_number_fails_and_its_attempt_is_recorded_at_no_cost(
    fake_twilio, django_capture_on_commit_callbacks
):
    fake_twilio.fail(status=400, code=21211)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms()
    failed = reload(message)
    assert failed.status == Status.FAILED and "21211" in failed.last_error
    record = CostRecord.objects.get()
    assert (record.cost_usd, record.succeeded) == (Decimal("0"), False)
    assert "21211" in record.error


@pytest.mark.parametrize("status", [429, 500])
def test_twilio_busy_or_down_is_retried_and_sent_once(
    fake_twilio, status, django_capture_on_commit_callbacks
):
    fake_twilio.fail(status=status)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms()
    waiting = reload(message)
    assert (waiting.status, waiting.attempts) == (Status.QUEUED, 1)
    make_due(message)
    tasks.send_due.apply()
    tasks.deliver.apply(args=[message.pk])  # a duplicate task changes nothing
    assert reload(message).status == Status.SENT
    assert len(fake_twilio.sent()) == 1
    costs = sorted(CostRecord.objects.values_list("succeeded", "cost_usd"))
    assert costs == [(False, Decimal("0")), (True, Decimal("0.350000"))]


@pytest.mark.parametrize(
    "failure",
    [{"status": 500, "drop": True}, {"status": 201, "garbled": True}],
    ids=["no answer", "garbled answer"],
)
def test_an_unknown_outcome_is_failed_not_sent_again_and_not_an_error_for_the_caller(
    fake_twilio, failure, django_capture_on_commit_callbacks
):
    fake_twilio.fail(**failure)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms()  # the caller's commit does not fail
    failed = reload(message)
    assert failed.status == Status.FAILED
    assert failed.last_error.startswith(services.UNKNOWN_PREFIX)
    make_due(message)
    tasks.send_due.apply()
    assert len(fake_twilio.requests) == 1


def test_a_destination_without_a_price_is_skipped(fake_twilio, django_capture_on_commit_callbacks):
    SmsPrice.objects.filter(prefix="+").delete()
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(to="+447700900123")
    skipped = reload(message)
    assert skipped.status == Status.SKIPPED and "No SMS price" in skipped.last_error
    assert fake_twilio.requests == []


def test_without_a_twilio_account_an_sms_waits(settings, django_capture_on_commit_callbacks):
    settings.TWILIO_ACCOUNT_SID = ""
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms()
    assert reload(message).status == Status.QUEUED
    assert not CostRecord.objects.exists()


def test_sms_waiting_for_a_twilio_account_do_not_hold_up_telegram_retries(fake_telegram, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    sms, telegram = queue_sms(), queue_telegram()
    old = timezone.now() - dt.timedelta(minutes=5)
    OutgoingMessage.objects.update(created_at=old)
    assert services.messages_sweep().due == [telegram.pk]
    tasks.send_due.apply()
    assert (reload(sms).status, reload(telegram).status) == (Status.QUEUED, Status.SENT)
