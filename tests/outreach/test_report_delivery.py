"""Weekly reports delivered through the local fake Telegram and Twilio: SMS cost and budget."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from apps.billing.models import CostRecord, SmsPrice
from apps.notify.models import OutgoingMessage
from apps.outreach import services
from apps.outreach.models import GuardianReport
from tests.outreach.test_reports import _answers
from tests.practice.factories import StreakFactory
from tests.practice.helpers import make_library
from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

pytestmark = pytest.mark.django_db

FRIDAY_EVENING = dt.datetime(2026, 12, 4, 13, 0, tzinfo=dt.UTC)  # 19:00 in Dhaka


@pytest.fixture(autouse=True)
def _prices(db) -> None:
    """This test's price table (a flushed test database holds no migration data)."""
    SmsPrice.objects.update_or_create(
        provider="twilio", prefix="+880", defaults={"usd_per_segment": Decimal("0.3517")}
    )


CONSENT = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
GSM_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;%/!?-'")


def _segments(body: str) -> int:
    """SMS segments counted here: GSM-7 (160, or 153 per part) or UCS-2 (70, or 67)."""
    if set(body) <= GSM_SAFE:
        return 1 if len(body) <= 160 else math.ceil(len(body) / 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def _family(*, student_name: str, language: str, phone: str, **guardian):
    problems = make_library(topics=3, per_topic=4)
    student = StudentFactory.create(name=student_name, timezone="Asia/Dhaka")
    _answers(student, problems, seed=3)
    StreakFactory.create(
        student=student, current_streak=2, longest_streak=2, last_practice_date=dt.date(2026, 12, 4)
    )
    parent = GuardianFactory.create(
        language=language, phone=phone, sms_consent_at=CONSENT, **guardian
    )
    GuardianStudentFactory.create(guardian=parent, student=student)
    return student, parent


@pytest.mark.parametrize(
    ("language", "student_name", "encoding"),
    [("en", "Rafi", "GSM-7"), ("bn", "রাফি", "UCS-2")],
)
def test_sms_report_costs_segments_times_price_to_the_microdollar(
    fake_twilio, django_capture_on_commit_callbacks, language, student_name, encoding
):
    phone = "+8801712345678"
    _, parent = _family(student_name=student_name, language=language, phone=phone)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.guardian_reports_send(now=FRIDAY_EVENING) == 1

    (form,) = fake_twilio.sent(to=phone)
    body = form["Body"]
    message = OutgoingMessage.objects.get(guardian=parent)
    assert (message.status, message.kind, message.text) == ("sent", "guardian_report", body)
    assert ("STOP" in body) and ((encoding == "GSM-7") == (set(body) <= GSM_SAFE))
    segments = _segments(body)
    if encoding == "UCS-2":
        assert segments >= 2  # a Bengali report passes 70 UTF-16 units
    price = SmsPrice.objects.get(provider="twilio", prefix="+880").usd_per_segment
    record = CostRecord.objects.get(guardian=parent)
    assert (record.operation, record.provider) == ("notification", "twilio")
    assert record.cost_usd == (segments * price).quantize(Decimal("0.000001"))
    assert message.segments == segments


def test_budget_exhaustion_stops_sms_but_not_telegram_reports(
    settings, fake_twilio, fake_telegram, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_MONTHLY_BUDGET_USD = Decimal("0.10")  # below one segment's price
    student, by_sms = _family(student_name="Rafi", language="en", phone="+8801712345678")
    on_telegram = GuardianFactory.create(telegram_id=4242, phone="", language="en")
    GuardianStudentFactory.create(guardian=on_telegram, student=student)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.guardian_reports_send(now=FRIDAY_EVENING) == 2

    sms = OutgoingMessage.objects.get(guardian=by_sms)
    assert sms.status == "skipped" and "budget" in sms.last_error
    assert fake_twilio.sent() == []
    assert not CostRecord.objects.exists()
    telegram = OutgoingMessage.objects.get(guardian=on_telegram)
    assert telegram.status == "sent"
    assert fake_telegram.texts(chat_id=4242) == [telegram.text]
    assert "Rafi" in telegram.text
    # Both reports are recorded for the week: the skipped SMS is not sent again by a rerun.
    assert GuardianReport.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.guardian_reports_send(now=FRIDAY_EVENING + dt.timedelta(hours=1)) == 0
    assert OutgoingMessage.objects.count() == 2
