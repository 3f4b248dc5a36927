"""Spend reports, bulk hint generation, hint review and the cost simulation."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.billing.models import CostRecord
from tests.practice.factories import PracticeSessionFactory
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=timezone.get_current_timezone())


def _record(
    student,
    cost: str,
    when: dt.datetime,
    operation: str = "hint_generation",
    model: str = "claude-haiku-4-5",
    ok: bool = True,
):
    return CostRecord.objects.create(
        student=student,
        operation=operation,
        provider="claude",
        model=model,
        input_tokens=100,
        output_tokens=10,
        cost_usd=Decimal(cost),
        succeeded=ok,
        recorded_at=when,
    )


@pytest.fixture
def october():
    rahim, karim = StudentFactory.create(name="Rahim"), StudentFactory.create(name="Karim")
    idle = StudentFactory.create(name="Idle")
    for student in (rahim, karim, idle):
        PracticeSessionFactory.create(student=student, started_at=_at(10, 3))
    _record(rahim, "0.001234", _at(10, 1, 0))  # first hour of the month
    _record(rahim, "0.002000", _at(10, 15), operation="answer_evaluation")
    _record(karim, "0.000766", _at(10, 15), model="claude-sonnet-4-5", ok=False)
    _record(karim, "0.010000", _at(10, 31, 23))  # last hour of the month
    _record(rahim, "9.000000", _at(9, 30, 23))  # September: left out
    _record(karim, "7.000000", _at(11, 1, 0))  # November: left out
    return rahim, karim


def test_cost_report_matches_the_records_to_the_cent_and_leaves_out_other_months(october, capsys):
    call_command("cost_report", month="2026-10")
    out = capsys.readouterr().out
    assert "AI spend 2026-10: $0.014000 in 4 calls (1 failed)" in out
    assert "Active students: 3; per active student: $0.004667" in out
    assert re.search(r"hint_generation\s+3 calls\s+1 failed\s+\$0\.012000", out)
    assert re.search(r"answer_evaluation\s+1 calls\s+0 failed\s+\$0\.002000", out)
    assert re.search(r"claude-sonnet-4-5\s+1 calls\s+1 failed\s+\$0\.000766", out)
    spenders = out[out.index("Top spenders:") : out.index("Daily:")]
    assert spenders.index("Karim") < spenders.index("Rahim")
    assert "$0.010766" in spenders and "$0.003234" in spenders
    assert "2026-10-01  $0.001234" in out and "2026-10-31  $0.010000" in out
    assert "9.000000" not in out and "7.000000" not in out


def test_cost_report_refuses_a_malformed_month():
    with pytest.raises(CommandError, match="2026-11"):
        call_command("cost_report", month="October")


def test_admin_report_page_shows_the_same_numbers(october, admin_client):
    page = admin_client.get("/admin/billing/costrecord/report/", {"month": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "$0.014000 in 4 calls (1 failed)" in html
    assert 'id="per-student">$0.004667' in html
    assert html.count("<rect ") == 3  # three days with spend, drawn as SVG bars
    assert "Karim" in html and "claude-sonnet-4-5" in html
    listing = admin_client.get("/admin/billing/costrecord/").content.decode()
    assert "/admin/billing/costrecord/report/" in listing  # linked from the list
    bad = admin_client.get("/admin/billing/costrecord/report/", {"month": "13/2026"}, follow=True)
    assert bad.status_code == 200 and "must look like 2026-11" in bad.content.decode()
