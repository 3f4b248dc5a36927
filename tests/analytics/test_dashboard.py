"""The admin index's dashboard: today's figures and 30-day series equal independent counts,
AI spend only for those who may see costs, a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.analytics.reports import dashboard
from apps.billing.models import CostRecord
from apps.practice.models import Response
from tests.analytics.conftest import answer

pytestmark = pytest.mark.django_db


def _refresh() -> None:
    call_command("refresh_stats", stdout=io.StringIO())


def _spend(usd: str, when: dt.datetime) -> None:
    CostRecord.objects.create(
        provider="claude",
        operation="hint_generation",
        model="claude-haiku-4-5",
        cost_usd=Decimal(usd),
        recorded_at=when,
    )


def test_dashboard_figures_equal_independent_counts(admin_client, wrong_key_problem):
    now = timezone.now()
    _spend("0.0125", now)
    _spend("0.5", now - dt.timedelta(days=3))
    _refresh()
    report = dashboard()
    today = timezone.localdate()
    todays = Response.objects.filter(evaluated_at__date=today)  # all scripted "now" (Dhaka)
    assert report.today.day == today
    assert report.today.active_students == todays.values("session__student").distinct().count()
    assert report.today.answered == todays.count()
    assert report.today.correct == todays.filter(is_correct=True).count()
    assert report.today.spend_usd == Decimal("0.0125")
    assert report.days[-4].spend_usd == Decimal("0.5")
    assert len(report.days) == 30
    assert [s.problem_id for s in report.attention][:1] == [wrong_key_problem.pk]

    page = admin_client.get("/admin/").content.decode()
    assert 'id="dars-dashboard"' in page
    assert f'id="today-active">{report.today.active_students}<' in page
    for chart in ("active", "sessions", "accuracy", "spend", "streaks"):
        assert f'id="chart-{chart}"' in page
    assert page.count("<rect ") >= 4 * 30 + 5
    assert wrong_key_problem.code in page[page.index('id="dars-attention"') :]


def test_spend_is_shown_only_to_those_who_may_see_costs(client, wrong_key_problem):
    editor = User.objects.create_user("editor", password="pw-12345678", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_problem"))
    client.force_login(editor)
    page = client.get("/admin/").content.decode()
    assert 'id="dars-dashboard"' in page
    assert 'id="chart-spend"' not in page and 'id="today-spend"' not in page


def test_dashboard_queries_do_not_grow_with_activity(admin_client, library):
    admin_client.get("/admin/")
    with CaptureQueriesContext(connection) as empty:
        admin_client.get("/admin/")
    from apps.content.models import Problem
    from tests.students.factories import StudentFactory

    problems = list(Problem.objects.all()[:20])
    for n in range(60):
        student = StudentFactory(telegram_id=6_000_000_000 + n)
        answer(problems[n % 20], student, "1", correct=n % 2 == 0)
    _spend("0.01", timezone.now())
    _refresh()
    with CaptureQueriesContext(connection) as busy:
        admin_client.get("/admin/")
    assert len(busy) == len(empty)
