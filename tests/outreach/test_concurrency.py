"""Two beat ticks at the same instant (PostgreSQL: real connections racing on the unique
records) queue each reminder and each weekly report once."""

import datetime as dt

import pytest
from django.db import connection  # noqa: F401  (read by postgres_only's condition)

from apps.notify.models import OutgoingMessage
from apps.outreach import services
from apps.outreach.models import GuardianReport, Reminder
from tests.practice.test_services import _in_threads, postgres_only
from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

EVENING = dt.datetime(2026, 12, 4, 14, 0, tzinfo=dt.UTC)  # Friday 20:00 in Dhaka


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_queue_each_reminder_and_report_once(settings):
    settings.REMINDER_DEFAULT_TIME = "19:00"
    settings.GUARDIAN_REPORT_LOCAL_TIME = "18:00"
    settings.REMINDER_BATCH_SIZE = 3
    students = StudentFactory.create_batch(7, timezone="Asia/Dhaka")
    for n, student in enumerate(students[:4]):
        guardian = GuardianFactory.create(telegram_id=60_000 + n)
        GuardianStudentFactory.create(guardian=guardian, student=student)

    reminded = _in_threads(4, lambda: services.reminders_send(now=EVENING))
    reported = _in_threads(4, lambda: services.guardian_reports_send(now=EVENING))

    assert all(isinstance(r, int) for r in reminded + reported), reminded + reported
    assert sum(reminded) == 7 and sum(reported) == 4
    assert Reminder.objects.count() == 7
    assert GuardianReport.objects.count() == 4
    assert OutgoingMessage.objects.filter(kind="reminder").count() == 7
    assert OutgoingMessage.objects.filter(kind="guardian_report").count() == 4
