"""The outreach pages of the admin in a real headless browser, in Bengali: a guardian's page (SMS
consent, stopping reports, linking by code, their reports), "send test report" clicked through
the guardian list and delivered through the fake Twilio, the messages log, reminders, reminder
times, link codes, weekly reports and the SMS price table, with screenshots in `screenshots/`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.notify.models import OutgoingMessage
from apps.outreach import services
from apps.outreach.models import Reminder
from apps.students.models import Guardian, Student
from tests.browser import (
    VISIBLE_INTERFACE_TEXT,
    admin_page,
    english_labels_in,
    needs_chromium,
    project_english_labels,
    screenshot,
)
from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_outreach_admin_in_bengali_sends_a_test_report_and_shows_every_log(
    browser, live_server, admin_user, library, fake_telegram, fake_twilio
):
    call_command("seed_demo", students=2, days=14, verbosity=0)
    student = Student.objects.order_by("pk")[0]
    by_sms = GuardianFactory.create(name="রহিমা বেগম", language="bn", telegram_id=None)
    GuardianStudentFactory.create(guardian=by_sms, student=student)
    services.guardian_choices_set(guardian=by_sms, sms_consent=True, reports_stopped=False)
    by_telegram = GuardianFactory.create(name="Karim Uddin", language="en", telegram_id=7_000_001)
    GuardianStudentFactory.create(guardian=by_telegram, student=student)
    services.guardian_code_issue(student=student)
    # A student who never practised, reminded at the start of their day: due now.
    idle = StudentFactory.create(name="নাসির", timezone="Asia/Dhaka")
    services.reminder_set(student=idle, at=dt.time(0, 0))
    assert services.reminders_send(now=timezone.now()) >= 1
    services.guardian_test_report_send(guardian=by_telegram)

    page = admin_page(browser, live_server, "bn")
    labels = project_english_labels()
    found: dict[str, list[str]] = {}

    # "Send a test report now" from the guardian list, as the content team would.
    page.goto(f"{live_server.url}/admin/students/guardian/")
    page.check(f"input[name=_selected_action][value='{by_sms.pk}']")
    page.select_option("select[name=action]", "send_test_report")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "admin-bn-guardian-list-test-report")
    found["guardian-list"] = english_labels_in(page.evaluate(VISIBLE_INTERFACE_TEXT), labels)
    (sms,) = fake_twilio.sent(to=by_sms.phone)
    assert student.name in sms["Body"]
    assert OutgoingMessage.objects.get(to=by_sms.phone).status == OutgoingMessage.Status.SENT
    assert fake_telegram.texts(chat_id=7_000_001), list(
        OutgoingMessage.objects.values("to", "status", "attempts", "last_error", "next_attempt_at")
    )

    message = OutgoingMessage.objects.get(to=by_sms.phone)
    reminder = Reminder.objects.get(student=idle)
    screens = {
        "guardian-change": f"/admin/students/guardian/{by_sms.pk}/change/",
        "messages": "/admin/notify/outgoingmessage/",
        "message": f"/admin/notify/outgoingmessage/{message.pk}/change/",
        "reminders": "/admin/outreach/reminder/",
        "reminder": f"/admin/outreach/reminder/{reminder.pk}/change/",
        "reminder-settings": "/admin/outreach/remindersetting/",
        "guardian-reports": "/admin/outreach/guardianreport/",
        "link-codes": "/admin/outreach/linkcode/",
        "sms-prices": "/admin/billing/smsprice/",
        "cost-records": "/admin/billing/costrecord/",
        "student-reminder": f"/admin/students/student/{idle.pk}/change/",
    }
    for name, url in screens.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, name
        screenshot(page, f"admin-bn-{name}")
        found[name] = english_labels_in(page.evaluate(VISIBLE_INTERFACE_TEXT), labels)

    # The admin's own scripts speak Bengali too (locale/bn/LC_MESSAGES/djangojs.po). How many
    # messages the log holds depends on the hour: once REMINDER_DEFAULT_TIME has passed in
    # their day, the demo students who did not practise today are reminded as well.
    page.goto(f"{live_server.url}/admin/notify/outgoingmessage/")
    page.check(f"input[name=_selected_action][value='{message.pk}']")
    logged = OutgoingMessage.objects.count()
    assert page.locator(".action-counter").inner_text() == f"{logged} টির মধ্যে 1 টি নির্বাচিত"

    # The guardian page in Bengali: stopping the reports is a tick and a save.
    page.goto(f"{live_server.url}/admin/students/guardian/{by_sms.pk}/change/")
    page.check("#id_reports_stopped")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    screenshot(page, "admin-bn-guardian-reports-stopped")
    found["guardian-saved"] = english_labels_in(page.evaluate(VISIBLE_INTERFACE_TEXT), labels)
    assert Guardian.objects.get(pk=by_sms.pk).reports_stopped_at is not None

    assert found == {name: [] for name in found}
