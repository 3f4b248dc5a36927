"""Guardian link codes: issued to a student, redeemed once by a guardian before they expire."""

import datetime as dt

import pytest

from apps.outreach import domain, services
from apps.outreach.models import LinkCode
from apps.students.models import Guardian, GuardianStudent
from tests.students.factories import GuardianFactory, StudentFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _redeem(code: str, *, telegram_id: int = 9_000_001, now: dt.datetime = NOW, **extra):
    return services.guardian_link_redeem(
        code=code,
        telegram_id=telegram_id,
        name=extra.get("name", "Ayesha Rahman"),
        language=extra.get("language", "bn"),
        now=now,
    )


def test_issued_code_is_short_unambiguous_and_expires(settings):
    settings.GUARDIAN_CODE_TTL_HOURS = 48
    student = StudentFactory.create()
    code = services.guardian_code_issue(student=student, now=NOW)
    assert len(code.code) == domain.LINK_CODE_LENGTH
    assert set(code.code) <= set(domain.LINK_CODE_ALPHABET)
    assert not set(code.code) & set("0O1IL5S8B2Z")
    assert code.expires_at == NOW + dt.timedelta(hours=48)
    assert code.student == student


def test_guardian_redeems_code_and_follows_the_student():
    student = StudentFactory.create()
    code = services.guardian_code_issue(student=student, now=NOW)
    link = _redeem(code.code, language="en", now=NOW + dt.timedelta(hours=1))
    assert isinstance(link, services.GuardianLink)
    assert link.student == student
    guardian = Guardian.objects.get()
    assert link.guardian == guardian
    assert (guardian.telegram_id, guardian.name, guardian.language, guardian.phone) == (
        9_000_001,
        "Ayesha Rahman",
        "en",
        "",
    )
    code.refresh_from_db()
    assert code.used_at == NOW + dt.timedelta(hours=1)
    assert code.used_by == guardian


def test_code_typed_in_lower_case_with_a_dash_is_accepted():
    code = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    typed = f" {code.code[:4].lower()}-{code.code[4:].lower()} "
    assert _redeem(typed).student == code.student


def test_same_guardian_links_a_second_student():
    first, second = StudentFactory.create(), StudentFactory.create()
    _redeem(services.guardian_code_issue(student=first, now=NOW).code)
    _redeem(services.guardian_code_issue(student=second, now=NOW).code, name="Another name")
    guardian = Guardian.objects.get()
    assert guardian.name == "Ayesha Rahman"
    assert set(guardian.students.all()) == {first, second}


def _assert_nothing_written(guardians_before: int) -> None:
    assert Guardian.objects.count() == guardians_before
    assert not GuardianStudent.objects.exists()


@pytest.mark.parametrize(
    ("make_code", "at", "error_code", "words"),
    [
        (lambda c: "QQQQQQQQ", NOW, "link_code_unknown", "not known"),
        (lambda c: "not a code at all", NOW, "link_code_unknown", "not known"),
        (lambda c: "x" * 5000, NOW, "link_code_unknown", "not known"),
        (lambda c: "", NOW, "link_code_unknown", "not known"),
        (lambda c: c, NOW + dt.timedelta(hours=73), "link_code_expired", "expired"),
    ],
)
def test_bad_code_is_refused_with_its_reason_and_writes_nothing(
    settings, make_code, at, error_code, words
):
    settings.GUARDIAN_CODE_TTL_HOURS = 72
    code = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    with pytest.raises(services.LinkCodeError) as excinfo:
        _redeem(make_code(code.code), language="en", now=at)
    assert excinfo.value.code == error_code
    assert words in str(excinfo.value)
    _assert_nothing_written(0)
    code.refresh_from_db()
    assert code.used_at is None


def test_used_code_is_refused_the_second_time():
    code = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    _redeem(code.code)
    with pytest.raises(services.LinkCodeError) as excinfo:
        _redeem(code.code, telegram_id=9_000_002, language="en")
    assert excinfo.value.code == "link_code_used"
    assert "already been used" in str(excinfo.value)
    assert Guardian.objects.count() == 1
    assert GuardianStudent.objects.count() == 1


def test_new_code_replaces_the_unused_one():
    student = StudentFactory.create()
    old = services.guardian_code_issue(student=student, now=NOW)
    new = services.guardian_code_issue(student=student, now=NOW)
    assert old.code != new.code
    with pytest.raises(services.LinkCodeError):
        _redeem(old.code)
    assert _redeem(new.code).student == student
    assert LinkCode.objects.filter(student=student).count() == 1


def test_student_cannot_redeem_their_own_code():
    student = StudentFactory.create()
    code = services.guardian_code_issue(student=student, now=NOW)
    with pytest.raises(services.LinkCodeError) as excinfo:
        _redeem(code.code, telegram_id=student.telegram_id, language="en")
    assert excinfo.value.code == "link_code_own"
    _assert_nothing_written(0)


def test_content_team_links_an_existing_guardian_by_code():
    guardian = GuardianFactory.create()
    code = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    link = services.guardian_link_by_code(
        guardian=guardian, code=code.code, relationship="father", now=NOW
    )
    assert (link.guardian, link.student, link.relationship) == (guardian, code.student, "father")


def test_link_code_constraints(db_rejects):
    code = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    db_rejects(
        "UPDATE guardian_link_codes SET code = 'ABC' WHERE id = %s",
        [code.pk],
        expected=["ck_guardian_link_codes_code_length"],
    )
    db_rejects(
        "UPDATE guardian_link_codes SET expires_at = created_at WHERE id = %s",
        [code.pk],
        expected=["ck_guardian_link_codes_expire_after_creation"],
    )
    other = services.guardian_code_issue(student=StudentFactory.create(), now=NOW)
    db_rejects(
        "UPDATE guardian_link_codes SET code = %s WHERE id = %s",
        [code.code, other.pk],
        expected=["uq_guardian_link_codes_code", "guardian_link_codes.code"],
    )
    db_rejects(
        "INSERT INTO guardian_link_codes (student_id, code, created_at, expires_at) "
        "VALUES (%s, 'ACDEFGHJ', %s, %s)",
        [code.student_id, NOW, NOW + dt.timedelta(hours=1)],
        expected=[
            "uq_guardian_link_codes_one_open_per_student",
            "guardian_link_codes.student_id",
        ],
    )


def test_reminder_set_and_off():
    from apps.outreach.models import ReminderSetting

    student = StudentFactory.create()
    services.reminder_set(student=student, at=dt.time(20, 30, 15))
    setting = ReminderSetting.objects.get(student=student)
    assert (setting.enabled, setting.remind_at) == (True, dt.time(20, 30))
    services.reminder_set(student=student, at=None)
    setting.refresh_from_db()
    assert (setting.enabled, setting.remind_at) == (False, dt.time(20, 30))
