"""Item statistics in the content studio, through the real client: sortable columns and flag
filters on the problem list, the statistics panel, topic aggregates, the needs-attention page;
queries that do not grow with the library or the answers."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.analytics.models import ProblemStats
from apps.content.models import Problem
from tests.content.factories import bulk_problems
from tests.practice.factories import PracticeSessionFactory, ResponseFactory
from tests.students.factories import StudentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/content/problem/"


def _refresh() -> None:
    call_command("refresh_stats", stdout=io.StringIO())


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _codes(page: str) -> list[str]:
    return re.findall(r'<th class="field-code"><a href="[^"]+">([^<]+)</a>', page)


def test_problem_list_shows_statistics_and_sorts_by_them(admin_client, wrong_key_problem):
    _refresh()
    page = admin_client.get(CHANGELIST).content.decode()
    for column in ("column-attempts", "column-facility", "column-discrimination",
                   "column-learned_difficulty", "column-flags"):  # fmt: skip
        assert column in page
    headers = re.findall(r'<th scope="col" class="sortable column-(\w+)', page)
    facility_index = headers.index("facility") + 1
    sorted_page = admin_client.get(f"{CHANGELIST}?o=-{facility_index}").content.decode()
    # 1 of 280 answered: it sorts first by facility descending (others have none).
    sorted_asc = admin_client.get(f"{CHANGELIST}?o={facility_index}").content.decode()
    assert wrong_key_problem.code in (_codes(sorted_page)[:1] + _codes(sorted_asc)[-1:])


def test_flag_filter_finds_the_problem_with_a_wrong_key(admin_client, wrong_key_problem):
    _refresh()
    page = admin_client.get(CHANGELIST + "?flag=key").content.decode()
    assert _codes(page) == [wrong_key_problem.code]
    assert "Key may be wrong" in page
    attention = admin_client.get(CHANGELIST + "?flag=any").content.decode()
    assert wrong_key_problem.code in _codes(attention)


def test_change_page_has_the_statistics_panel_with_wrong_answers(admin_client, wrong_key_problem):
    _refresh()
    page = admin_client.get(f"{CHANGELIST}{wrong_key_problem.pk}/change/").content.decode()
    assert 'id="dars-statistics"' in page
    table = page[page.index('id="dars-wrong-answers"') :]
    true_answer = str(int(wrong_key_problem.answer) + 1)
    assert f"<code>{true_answer}</code>" in table
    link = re.search(r'href="([^"]+/feedback/add/\?answer=[^"]+)"', table)
    assert link is not None
    add = admin_client.get(link.group(1).replace("&amp;", "&"))
    assert add.status_code == 200
    assert "Facility by language" in page and "Facility by hints used" in page
    assert "Key may be wrong" in page


def test_change_page_before_any_refresh_says_statistics_are_coming(admin_client, library):
    problem = Problem.objects.order_by("pk")[0]
    page = admin_client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    assert "No statistics yet" in page


def test_topic_list_aggregates_its_problems(admin_client, wrong_key_problem):
    _refresh()
    stats = ProblemStats.objects.get(problem=wrong_key_problem)
    page = admin_client.get("/admin/content/topic/").content.decode()
    row = next(line for line in page.split("<tr") if f">{wrong_key_problem.topic.code}<" in line)
    assert f'<td class="field-attempts">{stats.attempts}</td>' in row
    assert 'class="field-facility">20%</td>' in row  # 8 of 40 first answers right
    flagged = ProblemStats.objects.filter(
        problem__topic=wrong_key_problem.topic, needs_attention=True
    ).count()
    assert flagged > 1  # the wrong key, and the topic's problems nobody has answered
    assert f'flag=any">{flagged}</a>' in row.replace("&amp;", "&")


def test_needs_attention_page_lists_flagged_problems_with_reasons(admin_client, wrong_key_problem):
    _refresh()
    page = admin_client.get("/admin/analytics/problemstats/?flag=key").content.decode()
    assert "Problems that need attention" in page
    assert wrong_key_problem.code in page
    assert "What the flags mean" in page


def test_statistics_cannot_be_edited_in_the_admin(admin_client, wrong_key_problem):
    _refresh()
    url = f"/admin/analytics/problemstats/{wrong_key_problem.pk}/change/"
    assert admin_client.post(url, {"attempts": 1}).status_code == 403
    assert admin_client.get("/admin/analytics/problemstats/add/").status_code == 403


def _answers(problem: Problem, count: int) -> None:
    for n in range(count):
        session = PracticeSessionFactory(
            student=StudentFactory(telegram_id=8_000_000_000 + n), status="abandoned"
        )
        ResponseFactory(session=session, problem=problem, is_correct=n % 2 == 0,
                        student_answer=str(n))  # fmt: skip


def test_list_pages_run_the_same_queries_however_many_problems_and_answers(admin_client, library):
    urls = [
        CHANGELIST,
        CHANGELIST + "?flag=any&o=-10",
        "/admin/content/topic/",
        "/admin/analytics/problemstats/",
    ]
    problem = Problem.objects.order_by("pk")[0]
    change = f"{CHANGELIST}{problem.pk}/change/"
    _refresh()
    for url in [*urls, change]:
        admin_client.get(url)  # warm per-process caches
    small = [_queries(admin_client, url) for url in [*urls, change]]

    bulk_problems(10_000)
    _answers(problem, 300)
    _refresh()
    assert ProblemStats.objects.count() > 10_000
    assert [_queries(admin_client, url) for url in [*urls, change]] == small


def test_refresh_now_counts_at_once_without_a_broker(admin_client, wrong_key_problem):
    assert admin_client.get("/admin/analytics/problemstats/refresh/").status_code == 405
    page = admin_client.get("/admin/").content.decode()
    assert 'action="/admin/analytics/problemstats/refresh/"' in page
    response = admin_client.post(
        "/admin/analytics/problemstats/refresh/", {"next": "/admin/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "problems recounted" in response.content.decode()
    assert ProblemStats.objects.get(problem=wrong_key_problem).attempts == 48
    away = admin_client.post(
        "/admin/analytics/problemstats/refresh/", {"next": "https://evil.example/"}
    )
    assert away["Location"] == "/admin/analytics/problemstats/"


def test_refresh_now_while_a_refresh_runs_says_so_and_counts_nothing(admin_client, library):
    from django.core.cache import cache

    from apps.analytics.services import LOCK_KEY

    cache.add(LOCK_KEY, "1", timeout=60)  # another refresh holds the lock
    response = admin_client.post("/admin/analytics/problemstats/refresh/", follow=True)
    assert "A refresh is already running" in response.content.decode()
    assert not ProblemStats.objects.exists()


def test_refresh_now_needs_permission_to_see_problems(client, library):
    from django.contrib.auth.models import User

    clerk = User.objects.create_user("clerk", password="pw-12345678", is_staff=True)
    client.force_login(clerk)
    assert client.post("/admin/analytics/problemstats/refresh/").status_code == 403
