"""Outreach settings are checked at start-up."""

import pytest

from apps.outreach import domain
from apps.outreach.apps import check_settings


def test_defaults_pass():
    assert check_settings() == []


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("REMINDER_DEFAULT_TIME", "7pm", "REMINDER_DEFAULT_TIME: '7pm' is not a time of day"),
        ("GUARDIAN_REPORT_LOCAL_TIME", "25:00", "GUARDIAN_REPORT_LOCAL_TIME: '25:00'"),
        ("GUARDIAN_REPORT_LOCAL_TIME", "18:00+06:00", "without a time zone"),
        ("REMINDER_BATCH_SIZE", 0, "REMINDER_BATCH_SIZE must be 1 or more"),
    ],
)
def test_a_bad_setting_is_named(settings, name, value, words):
    setattr(settings, name, value)
    (error,) = check_settings()
    assert words in error.msg


def test_codes_and_times_parse():
    assert domain.parse_local_time(" 07:30 ").isoformat() == "07:30:00"
    assert domain.link_code_normalise("acde-fghj") == "ACDEFGHJ"
    assert domain.link_code_normalise("ACDEFGH0") is None  # 0 is not in the alphabet
    assert domain.iso_week(domain.report_period(domain.dt.date(2027, 1, 1))[1]) == "2026-W53"
    assert domain.accuracy_percent(1, 8) == 13 and domain.accuracy_percent(0, 0) is None
