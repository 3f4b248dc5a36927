"""Streak reminders: a clock moved through a day over students in three time zones."""

import datetime as dt
import zoneinfo

import pytest

from apps.notify.models import OutgoingMessage
from apps.outreach import selectors, services
from apps.outreach.models import Reminder
from apps.students.domain import SHARED_DEMO_TELEGRAM_ID
from tests.practice.factories import ResponseFactory, StreakFactory
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

DHAKA = zoneinfo.ZoneInfo("Asia/Dhaka")
LONDON = zoneinfo.ZoneInfo("Europe/London")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
START = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)  # a Thursday
STEP = dt.timedelta(minutes=15)
HOURS = 26


def _local(zone: zoneinfo.ZoneInfo, day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def _expected_moments(zone, at, start, end, skip_dates=()):
    """Every local date whose reminder moment falls within [start, end]: the moment."""
    moments = {}
    day = start.astimezone(zone).date() - dt.timedelta(days=1)
    while day <= end.astimezone(zone).date():
        moment = _local(zone, day, at)
        if start <= moment <= end and day not in skip_dates:
            moments[day] = moment
        day += dt.timedelta(days=1)
    return moments


def _student(zone: str, language: str, name: str, *, streak: int, last: dt.date):
    student = StudentFactory.create(timezone=zone, language=language, name=name)
    StreakFactory.create(
        student=student, current_streak=streak, longest_streak=streak, last_practice_date=last
    )
    return student


def test_clock_through_a_day_reminds_each_idle_student_once_at_their_local_time(settings):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    settings.REMINDER_BATCH_SIZE = 2  # several batches per run
    default = dt.time(19, 0)
    end = START + dt.timedelta(hours=HOURS)

    # Not practised, a 4-day streak (last practice yesterday in Dhaka): "streak ends tonight".
    dhaka_streak = _student("Asia/Dhaka", "en", "Rafi", streak=4, last=dt.date(2026, 12, 2))
    # The same in Bengali: the number in Bengali digits.
    dhaka_bn = _student("Asia/Dhaka", "bn", "Mitu", streak=4, last=dt.date(2026, 12, 2))
    # London, their own morning time; a streak long lost: an invitation back.
    london = _student("Europe/London", "en", "Sam", streak=6, last=dt.date(2026, 11, 20))
    services.reminder_set(student=london, at=dt.time(7, 30))
    # New York, never practised (its 19:00 of Dec 2 and of Dec 3 both fall in the window).
    new_york = StudentFactory.create(timezone="America/New_York", language="en", name="Ana")
    # Practises in Dhaka at 18:00, before the reminder: none.
    dhaka_practised = StudentFactory.create(timezone="Asia/Dhaka")
    # Practises in New York at 20:00 local on Dec 3: reminded at 19:00 Dec 2 and Dec 3 (before).
    new_york_late = StudentFactory.create(timezone="America/New_York", language="en")
    # Opted out; a demo student; an unregistered student: never.
    opted_out = StudentFactory.create(timezone="Asia/Dhaka")
    services.reminder_set(student=opted_out, at=None)
    demo = StudentFactory.create(telegram_id=SHARED_DEMO_TELEGRAM_ID, timezone="Asia/Dhaka")
    unregistered = StudentFactory.create(grade=None, timezone="Europe/London")

    practice = [
        (_local(DHAKA, dt.date(2026, 12, 3), dt.time(18, 0)), dhaka_practised),
        (_local(NEW_YORK, dt.date(2026, 12, 3), dt.time(20, 0)), new_york_late),
    ]
    sent_at: dict[tuple[int, dt.date], dt.datetime] = {}
    now = START
    while now <= end:
        for moment, student in practice:
            if moment == now:
                ResponseFactory.create(session__student=student, evaluated_at=moment)
        before = set(Reminder.objects.values_list("pk", flat=True))
        first = services.reminders_send(now=now)
        assert services.reminders_send(now=now) == 0  # a second run at the same instant
        new = Reminder.objects.exclude(pk__in=before)
        assert first == new.count()
        for reminder in new:
            assert (reminder.student_id, reminder.local_date) not in sent_at
            sent_at[reminder.student_id, reminder.local_date] = now
        now += STEP

    expected = {}
    for student, zone, at in (
        (dhaka_streak, DHAKA, default),
        (dhaka_bn, DHAKA, default),
        (london, LONDON, dt.time(7, 30)),
        (new_york, NEW_YORK, default),
        (new_york_late, NEW_YORK, default),
    ):
        for day, moment in _expected_moments(zone, at, START, end).items():
            expected[student.pk, day] = moment
    assert sent_at == expected
    assert {pk for pk, _ in sent_at}.isdisjoint(
        {dhaka_practised.pk, opted_out.pk, demo.pk, unregistered.pk}
    )
    assert len([k for k in sent_at if k[0] == new_york.pk]) == 2  # Dec 2 and Dec 3, New York

    # Exactly one message per reminder, to the student's chat, in their language.
    messages = OutgoingMessage.objects.filter(kind="reminder")
    assert messages.count() == len(expected)
    by_student: dict[int | None, list[OutgoingMessage]] = {}
    for message in messages.select_related("student"):
        by_student.setdefault(message.student_id, []).append(message)
        assert message.channel == "telegram"
        assert message.student is not None and message.to == str(message.student.telegram_id)
    (rafi,) = by_student[dhaka_streak.pk]
    assert "4-day streak ends at midnight" in rafi.text
    assert rafi.dedupe_key == f"reminder:{dhaka_streak.pk}:2026-12-03"
    (mitu,) = by_student[dhaka_bn.pk]
    assert "৪" in mitu.text and "4" not in mitu.text
    (sam,) = by_student[london.pk]
    assert "waiting for you" in sam.text and "streak ends" not in sam.text
    kinds = dict(Reminder.objects.values_list("student_id", "kind").filter(student=london))
    assert kinds == {london.pk: "comeback"}


def test_practising_after_a_reminder_changes_nothing_and_no_second_reminder(settings):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    student = StudentFactory.create(timezone="Asia/Dhaka")
    evening = _local(DHAKA, dt.date(2026, 12, 3), dt.time(19, 0))
    assert services.reminders_send(now=evening) == 1
    ResponseFactory.create(session__student=student, evaluated_at=evening + dt.timedelta(hours=1))
    assert services.reminders_send(now=evening + dt.timedelta(hours=2)) == 0
    # The next evening, practised the day before: a streak reminder if the streak is live.
    assert services.reminders_send(now=evening + dt.timedelta(days=1)) == 1
    assert Reminder.objects.filter(student=student).count() == 2


def test_changed_reminder_time_applies_the_same_day(settings):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    student = StudentFactory.create(timezone="Europe/London")
    services.reminder_set(student=student, at=dt.time(21, 0))
    assert services.reminders_send(now=_local(LONDON, dt.date(2026, 12, 3), dt.time(20, 0))) == 0
    services.reminder_set(student=student, at=dt.time(16, 0))
    assert services.reminders_send(now=_local(LONDON, dt.date(2026, 12, 3), dt.time(20, 0))) == 1


def test_reminder_opens_the_mini_app_when_there_is_one(settings):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    settings.MINIAPP_URL = "https://dars.example.org/app/"
    student = StudentFactory.create(timezone="Asia/Dhaka", language="en")
    services.reminders_send(now=_local(DHAKA, dt.date(2026, 12, 3), dt.time(19, 0)))
    message = OutgoingMessage.objects.get(student=student)
    assert message.reply_markup == {
        "inline_keyboard": [
            [{"text": "Practise now", "web_app": {"url": "https://dars.example.org/app/"}}]
        ]
    }
    settings.MINIAPP_URL = ""
    other = StudentFactory.create(timezone="Asia/Dhaka")
    services.reminders_send(now=_local(DHAKA, dt.date(2026, 12, 3), dt.time(19, 5)))
    assert OutgoingMessage.objects.get(student=other).reply_markup is None


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc"),
    [
        # Clocks go forward at 01:00 UTC: 19:00 is then 18:00 UTC (British Summer Time).
        ("Europe/London", dt.date(2027, 3, 28), dt.datetime(2027, 3, 28, 18, 0, tzinfo=dt.UTC)),
        # New York's clocks go back on 7 November 2027: 19:00 EST is 00:00 UTC the next day.
        ("America/New_York", dt.date(2027, 11, 7), dt.datetime(2027, 11, 8, 0, 0, tzinfo=dt.UTC)),
        # Not a time zone (written around the API): the student's day is Dhaka's.
        ("Not/AZone", dt.date(2027, 3, 28), dt.datetime(2027, 3, 28, 13, 0, tzinfo=dt.UTC)),
    ],
)
def test_reminder_follows_the_local_clock_across_a_change_of_time(
    settings, zone, day, expected_utc
):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    student = StudentFactory.create(timezone=zone)
    local_zone = selectors.zone_of(zone)
    now, end = _local(local_zone, day, dt.time(0)), _local(local_zone, day, dt.time(23, 45))
    sent = []
    while now <= end:
        if services.reminders_send(now=now):
            sent.append(now)
        now += STEP
    assert sent == [expected_utc]
    assert Reminder.objects.get(student=student).local_date == day
