"""The guardian page and the outreach lists through the real admin."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.notify.models import OutgoingMessage
from apps.outreach import services
from apps.outreach.models import GuardianReport, Reminder, ReminderSetting
from apps.students.models import Guardian, GuardianStudent
from tests.students.factories import GuardianFactory, GuardianStudentFactory, StudentFactory

pytestmark = pytest.mark.django_db
GUARDIANS = "/admin/students/guardian/"


class _Form(HTMLParser):
    """The change form's fields as a browser would post them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = "on"
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.lstrip("\n")


def _form(client, guardian: Guardian, **changes: str | None) -> dict[str, str]:
    return _page_form(client, f"{GUARDIANS}{guardian.pk}/change/", **changes)


def _save(client, guardian: Guardian, **changes: str | None):
    return client.post(f"{GUARDIANS}{guardian.pk}/change/", _form(client, guardian, **changes))


def _page_form(client, url: str, **changes: str | None) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    parser = _Form()
    parser.feed(page.content.decode())
    data = {k: v for k, v in parser.data.items() if k != "csrfmiddlewaretoken"}
    data.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        data.pop(key, None)
    return data


def test_change_page_shows_links_consent_language_timezone_and_reports(admin_client):
    student = StudentFactory.create(name="Rafi")
    guardian = GuardianFactory.create(name="Ayesha")
    GuardianStudentFactory.create(guardian=guardian, student=student, relationship="mother")
    GuardianReport.objects.create(
        guardian=guardian,
        week="2026-W49",
        period_start=dt.date(2026, 11, 28),
        period_end=dt.date(2026, 12, 4),
        channel="none",
        skipped="no_consent",
    )
    page = admin_client.get(f"{GUARDIANS}{guardian.pk}/change/").content.decode()
    for text in (
        "Rafi",
        "Mother",
        "Agreed to receive reports by SMS",
        "Reports stopped",
        "Time zone",
        "Link a student by code",
        "2026-W49",
        "No Telegram, and no consent to SMS",
    ):
        assert text in page, text
    listing = admin_client.get(GUARDIANS).content.decode()
    assert "Ayesha" in listing


def test_ticking_consent_records_its_time_and_unticking_clears_it(admin_client):
    guardian = GuardianFactory.create()
    before = timezone.now()
    response = _save(admin_client, guardian, sms_consent="on", reports_stopped="on")
    assert response.status_code == 302, response.content.decode()[:3000]
    guardian.refresh_from_db()
    assert guardian.sms_consent_at is not None and guardian.sms_consent_at >= before
    assert guardian.reports_stopped_at is not None
    consent_at = guardian.sms_consent_at
    assert _save(admin_client, guardian).status_code == 302  # unchanged: the time is kept
    guardian.refresh_from_db()
    assert guardian.sms_consent_at == consent_at
    assert _save(admin_client, guardian, sms_consent=None, reports_stopped=None).status_code == 302
    guardian.refresh_from_db()
    assert (guardian.sms_consent_at, guardian.reports_stopped_at) == (None, None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "is not a time zone name"),
        ({"phone": "01712345678"}, "international format"),
        ({"phone": "", "telegram_id": ""}, "a phone number or a Telegram id"),
        ({"phone": "", "telegram_id": "123", "sms_consent": "on"}, "SMS consent needs a phone"),
        ({"language": "fr"}, "Select a valid choice"),
        ({"telegram_id": "12x"}, "Enter a whole number"),
        ({"link_code": "QQQQQQQQ"}, "This code is not known"),
        ({"link_code": "x" * 65}, "at most 64 characters"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_saves_nothing(admin_client, changes, message):
    guardian = GuardianFactory.create(name="Before")
    response = _save(admin_client, guardian, name="After", **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    guardian.refresh_from_db()
    assert guardian.name == "Before" and guardian.sms_consent_at is None
    assert not GuardianStudent.objects.exists()


def test_expired_or_used_code_is_refused_on_its_field(admin_client):
    guardian = GuardianFactory.create()
    old = timezone.now() - dt.timedelta(days=30)
    expired = services.guardian_code_issue(student=StudentFactory.create(), now=old)
    response = _save(admin_client, guardian, link_code=expired.code)
    assert response.status_code == 200 and "This code has expired" in response.content.decode()
    used = services.guardian_code_issue(student=StudentFactory.create())
    services.guardian_link_redeem(code=used.code, telegram_id=42, name="X", language="en")
    response = _save(admin_client, guardian, link_code=used.code)
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert not GuardianStudent.objects.filter(guardian=guardian).exists()


def test_content_team_enters_the_code_a_guardian_gave_them(admin_client):
    guardian = GuardianFactory.create(name="Karim")
    student = StudentFactory.create(name="Nila")
    code = services.guardian_code_issue(student=student)
    response = _save(
        admin_client, guardian, link_code=code.code.lower(), link_relationship="father"
    )
    assert response.status_code == 302
    link = GuardianStudent.objects.get(guardian=guardian)
    assert (link.student, link.relationship) == (student, "father")
    page = admin_client.get(response.url).content.decode()
    assert "Karim now receives reports about Nila." in page


def test_send_test_report_action_queues_a_test_report(admin_client):
    on_telegram = GuardianFactory.create(telegram_id=3001, name="Tele")
    GuardianStudentFactory.create(guardian=on_telegram)
    unreachable = GuardianFactory.create(name="Nobody")  # a phone, but no SMS consent
    GuardianStudentFactory.create(guardian=unreachable)
    alone = GuardianFactory.create(telegram_id=3002, name="Alone")  # follows no student
    response = admin_client.post(
        GUARDIANS,
        {
            "action": "send_test_report",
            "_selected_action": [on_telegram.pk, unreachable.pk, alone.pk],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "A test report was queued for 1 guardian." in page
    assert "Nobody: This guardian has no Telegram and has not agreed to SMS." in page
    assert "Alone: This guardian follows no student yet." in page
    message = OutgoingMessage.objects.get()
    assert (message.kind, message.channel, message.to) == ("test_report", "telegram", "3001")
    with translation.override(on_telegram.language):  # the guardian's language
        assert message.text.startswith(gettext("Test report"))
    assert not GuardianReport.objects.exists()  # a test is not this week's report


def test_reminders_and_reports_are_read_only(admin_client):
    student = StudentFactory.create()
    Reminder.objects.create(student=student, local_date=dt.date(2026, 12, 3), kind="comeback")
    for url in (
        "/admin/outreach/reminder/",
        "/admin/outreach/guardianreport/",
        "/admin/outreach/linkcode/",
        "/admin/outreach/remindersetting/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/outreach/reminder/add/").status_code == 403
    reminder = Reminder.objects.get()
    change = admin_client.post(
        f"/admin/outreach/reminder/{reminder.pk}/change/", {"kind": "streak", "streak": "9"}
    )
    assert change.status_code == 403
    reminder.refresh_from_db()
    assert reminder.kind == "comeback"


def test_reminder_time_is_set_on_the_students_page(admin_client):
    student = StudentFactory.create()
    url = f"/admin/students/student/{student.pk}/change/"
    prefix = "reminder_setting"
    response = admin_client.post(
        url, _page_form(admin_client, url, **{f"{prefix}-0-remind_at": "07:15"})
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    setting = ReminderSetting.objects.get(student=student)
    assert (setting.enabled, setting.remind_at) == (True, dt.time(7, 15))
    bad = admin_client.post(
        url, _page_form(admin_client, url, **{f"{prefix}-0-remind_at": "25:99"})
    )
    assert bad.status_code == 200 and "Enter a valid time" in bad.content.decode()
    setting.refresh_from_db()
    assert setting.remind_at == dt.time(7, 15)
