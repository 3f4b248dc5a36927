"""Weekly guardian reports: contents against an independent count, who gets one and when."""

import datetime as dt
import random
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from apps.content.models import Topic
from apps.notify.models import OutgoingMessage
from apps.outreach import selectors, services
from apps.outreach.models import GuardianReport
from apps.practice.models import Response
from apps.students.models import Guardian
from tests.practice.factories import PracticeSessionFactory, StreakFactory
from tests.practice.helpers import make_library
from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

pytestmark = pytest.mark.django_db

DHAKA = zoneinfo.ZoneInfo("Asia/Dhaka")
FRIDAY = dt.date(2026, 12, 4)
PERIOD = (dt.date(2026, 11, 28), FRIDAY)  # Saturday to Friday


def _answers(student, problems, *, seed: int, count: int = 60) -> None:
    """`count` answers spread from Wednesday Nov 25 to Sunday Dec 6 (UTC), some right."""
    rng = random.Random(seed)
    sessions = PracticeSessionFactory.create_batch(count, student=student, status="abandoned")
    first = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    Response.objects.bulk_create(
        Response(
            session=sessions[i],
            problem=rng.choice(problems),
            student_answer="1",
            is_correct=rng.random() < 0.35 + 0.2 * (i % 3),
            evaluated_at=first + dt.timedelta(minutes=rng.randrange(0, 11 * 24 * 60)),
        )
        for i in range(count)
    )


def _independent_week(student, now):
    """The week's figures counted here in plain Python from the answers."""
    zone = zoneinfo.ZoneInfo(student.timezone)
    rows = [
        (r.evaluated_at.astimezone(zone).date(), r.is_correct, r.problem.topic)
        for r in Response.objects.filter(session__student=student).select_related("problem__topic")
    ]
    rows = [row for row in rows if PERIOD[0] <= row[0] <= PERIOD[1]]
    answered = len(rows)
    correct = sum(1 for _, right, _ in rows if right)
    topics: dict[Topic, list[int]] = {}
    for _, right, topic in rows:
        counts = topics.setdefault(topic, [0, 0])
        counts[0] += 1
        counts[1] += int(right)
    eligible = {t: c for t, c in topics.items() if c[0] >= 3}
    best = max(eligible, key=lambda t: (eligible[t][1] / eligible[t][0], eligible[t][0], -t.order))
    worst = min(eligible, key=lambda t: (eligible[t][1] / eligible[t][0], -eligible[t][0], t.order))
    percent = int((Decimal(100 * correct) / answered).quantize(Decimal(1), ROUND_HALF_UP))
    return {
        "days": len({day for day, _, _ in rows}),
        "answered": answered,
        "correct": correct,
        "percent": percent,
        "best": best,
        "worst": worst,
    }


@pytest.mark.parametrize("zone", ["Asia/Dhaka", "America/New_York"])
def test_week_figures_equal_an_independent_count(settings, zone):
    settings.GUARDIAN_REPORT_MIN_TOPIC_ANSWERS = 3
    problems = make_library(topics=3, per_topic=4)
    student = StudentFactory.create(timezone=zone)
    _answers(student, problems, seed=7)
    StreakFactory.create(
        student=student, current_streak=3, longest_streak=5, last_practice_date=FRIDAY
    )
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    week = selectors.student_week(student=student, start=PERIOD[0], end=PERIOD[1], now=now)
    expected = _independent_week(student, now)
    assert expected["answered"] < Response.objects.count()  # answers outside the week exist
    assert (week.days_practised, week.answered, week.correct, week.accuracy) == (
        expected["days"],
        expected["answered"],
        expected["correct"],
        expected["percent"],
    )
    assert (week.strongest, week.weakest) == (expected["best"], expected["worst"])
    assert week.streak == 3


def test_report_text_in_english_and_bengali(settings):
    settings.GUARDIAN_REPORT_MIN_TOPIC_ANSWERS = 3
    problems = make_library(topics=3, per_topic=4)
    student = StudentFactory.create(name="Rafi", timezone="Asia/Dhaka")
    _answers(student, problems, seed=11)
    StreakFactory.create(
        student=student, current_streak=2, longest_streak=5, last_practice_date=FRIDAY
    )
    now = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    expected = _independent_week(student, now)
    english = GuardianFactory.create(telegram_id=5001, language="en")
    bengali = GuardianFactory.create(telegram_id=5002, language="bn")
    for guardian in (english, bengali):
        GuardianStudentFactory.create(guardian=guardian, student=student)

    assert services.guardian_reports_send(now=now) == 2
    text_en = OutgoingMessage.objects.get(guardian=english).text
    assert f"Days practised: {expected['days']} of 7" in text_en
    assert f"Problems answered: {expected['answered']}" in text_en
    assert f"Right: {expected['percent']}%" in text_en
    assert "Current streak: 2 days" in text_en
    assert f"Strongest topic: {expected['best'].name_en}" in text_en
    assert f"Needs practice: {expected['worst'].name_en}" in text_en
    assert "28 November – 4 December" in text_en

    text_bn = OutgoingMessage.objects.get(guardian=bengali).text
    bengali_digits = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
    assert str(expected["answered"]).translate(bengali_digits) in text_bn
    assert expected["best"].name_bn in text_bn and expected["worst"].name_bn in text_bn
    figures = text_bn.replace(expected["best"].name_bn, "").replace(expected["worst"].name_bn, "")
    assert not any(ch.isascii() and ch.isdigit() for ch in figures), text_bn


def test_weekend_clock_sends_each_guardian_one_report_at_their_friday_evening(settings):
    settings.GUARDIAN_REPORT_LOCAL_TIME = "18:00"
    settings.GUARDIAN_REPORT_BATCH_SIZE = 1
    student = StudentFactory.create(timezone="Asia/Dhaka")
    other = StudentFactory.create(timezone="Europe/London")
    telegram = GuardianFactory.create(telegram_id=7001, timezone="Asia/Dhaka", phone="")
    sms = GuardianFactory.create(
        timezone="America/New_York", sms_consent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    no_consent = GuardianFactory.create(timezone="Europe/London")
    stopped = GuardianFactory.create(
        telegram_id=7002, reports_stopped_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    )
    GuardianFactory.create(telegram_id=7003)  # follows nobody: no report
    for guardian in (telegram, sms, no_consent, stopped):
        GuardianStudentFactory.create(guardian=guardian, student=student)
    GuardianStudentFactory.create(guardian=telegram, student=other)

    recorded_at: dict[GuardianReport, dt.datetime] = {}
    now = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)  # Thursday
    while now < dt.datetime(2026, 12, 8, 0, 0, tzinfo=dt.UTC):  # to Tuesday
        services.guardian_reports_send(now=now)
        assert services.guardian_reports_send(now=now) == 0  # twice at one instant
        for report in GuardianReport.objects.exclude(pk__in=[r.pk for r in recorded_at]):
            recorded_at[report] = now
        now += dt.timedelta(hours=1)

    by_guardian = {report.guardian_id: (report, at) for report, at in recorded_at.items()}
    assert set(by_guardian) == {telegram.pk, sms.pk, no_consent.pk}
    assert by_guardian[telegram.pk][1] == dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
    assert by_guardian[sms.pk][1] == dt.datetime(2026, 12, 4, 23, 0, tzinfo=dt.UTC)
    assert by_guardian[no_consent.pk][1] == dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)
    for report, _ in by_guardian.values():
        assert (report.week, report.period_start, report.period_end) == ("2026-W49", *PERIOD)
    assert by_guardian[telegram.pk][0].channel == "telegram"
    assert by_guardian[sms.pk][0].channel == "sms"
    assert (by_guardian[no_consent.pk][0].channel, by_guardian[no_consent.pk][0].skipped) == (
        "none",
        "no_consent",
    )

    messages = {m.guardian_id: m for m in OutgoingMessage.objects.all()}
    assert set(messages) == {telegram.pk, sms.pk}
    assert (messages[telegram.pk].channel, messages[telegram.pk].to) == ("telegram", "7001")
    assert messages[telegram.pk].dedupe_key == f"report:{telegram.pk}:2026-W49"
    with translation.override(telegram.language):  # the guardian's language
        streak_line = ngettext(
            "Current streak: %(days)s day", "Current streak: %(days)s days", 2
        ).split("%")[0]
    assert messages[telegram.pk].text.count(streak_line) == 2  # both students
    assert (messages[sms.pk].channel, messages[sms.pk].to) == ("sms", sms.phone)
    assert messages[sms.pk].kind == "guardian_report"
    assert len(messages[sms.pk].text) < len(messages[telegram.pk].text)


def test_guardian_who_stops_gets_no_more_reports(settings):
    settings.GUARDIAN_REPORT_LOCAL_TIME = "18:00"
    guardian = GuardianFactory.create(telegram_id=8001)
    GuardianStudentFactory.create(guardian=guardian)
    assert services.guardian_reports_stop(guardian=guardian) is True
    assert services.guardian_reports_stop(guardian=guardian) is False
    assert services.guardian_reports_send(now=dt.datetime(2026, 12, 4, 13, tzinfo=dt.UTC)) == 0
    assert not GuardianReport.objects.exists()
    services.guardian_reports_resume(guardian=guardian)
    assert services.guardian_reports_send(now=dt.datetime(2026, 12, 4, 13, tzinfo=dt.UTC)) == 1


def test_a_phone_number_written_around_the_checks_is_recorded_as_refused(settings, caplog):
    settings.GUARDIAN_REPORT_LOCAL_TIME = "18:00"
    broken = GuardianFactory.create(sms_consent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    Guardian.objects.filter(pk=broken.pk).update(phone="+88 017 not a number")
    fine = GuardianFactory.create(telegram_id=8100)
    student = StudentFactory.create()
    for guardian in (broken, fine):
        GuardianStudentFactory.create(guardian=guardian, student=student)
    now = dt.datetime(2026, 12, 4, 13, tzinfo=dt.UTC)
    assert services.guardian_reports_send(now=now) == 1
    refused = GuardianReport.objects.get(guardian=broken)
    assert (refused.channel, refused.skipped) == ("none", "refused")
    assert f"guardian {broken.pk} refused" in caplog.text
    assert list(OutgoingMessage.objects.values_list("guardian_id", flat=True)) == [fine.pk]
    assert services.guardian_reports_send(now=now + dt.timedelta(hours=1)) == 0
