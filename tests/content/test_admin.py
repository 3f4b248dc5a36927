"""The content team's admin: list, edit page, import flow, actions — through the real client."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.content.models import Hint, Problem, ProblemOption, Topic
from tests.content.factories import ProblemFactory
from tests.content.sheets import csv_bytes, mcq_row, problem_row
from tests.practice.factories import ResponseFactory

pytestmark = pytest.mark.usefixtures("topics")

CHANGELIST = "/admin/content/problem/"


def _bulk_problems(count: int, start: int = 0) -> None:
    topic = Topic.objects.get(code="g6-integers")
    problems = Problem.objects.bulk_create(
        Problem(
            code=f"bulk-{start + n:05d}",
            grade=6,
            topic=topic,
            question_en=f"What is {n} + 1?",
            question_bn=f"{n} + ১ কত?",
            answer=str(n + 1),
            answer_type="numeric",
        )
        for n in range(count)
    )
    Hint.objects.bulk_create(
        Hint(problem=p, level=level, text_en="h", text_bn="ই")
        for p in problems
        for level in (1, 2, 3)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_changelist_and_change_page_queries_do_not_grow_with_the_library(admin_client):
    _bulk_problems(5)
    mcq = ProblemFactory.create(answer_type="multiple_choice", answer="A")
    ProblemOption.objects.create(problem=mcq, label="A", text_en="1", text_bn="১")
    change_url = f"{CHANGELIST}{mcq.pk}/change/"
    for url in (CHANGELIST, change_url):
        admin_client.get(url)  # warm per-process caches (content types, permissions)
    small = (_queries(admin_client, CHANGELIST), _queries(admin_client, change_url))
    small_filtered = _queries(admin_client, CHANGELIST + "?hints=needs&grade=6&q=What")

    _bulk_problems(3000, start=5)

    assert (_queries(admin_client, CHANGELIST), _queries(admin_client, change_url)) == small
    assert _queries(admin_client, CHANGELIST + "?hints=needs&grade=6&q=What") == small_filtered


def test_changelist_flags_problems_needing_hints(admin_client):
    _bulk_problems(2)
    bare = ProblemFactory.create(code="no-hints", topic=Topic.objects.get(code="g6-integers"))
    page = admin_client.get(CHANGELIST + "?hints=needs").content.decode()
    assert "no-hints" in page and "bulk-00000" not in page
    assert "0/3 — needs hints" in page
    Hint.objects.create(problem=bare, level=1, text_en="a", text_bn="ক", is_ai_generated=True)
    page = admin_client.get(CHANGELIST + "?ai_hints=yes").content.decode()
    assert "no-hints" in page and "bulk-00001" not in page


def test_search_finds_bengali_text(admin_client):
    ProblemFactory.create(code="ilish", question_bn="একটি ইলিশ মাছের দাম ৫০০ টাকা।")
    ProblemFactory.create(code="mango")
    page = admin_client.get(CHANGELIST, {"q": "ইলিশ"}).content.decode()
    assert "ilish" in page and "mango" not in page


def test_change_page_shows_both_languages_and_the_student_preview(admin_client):
    problem = ProblemFactory.create(question_en="How many mangoes?", question_bn="কয়টি আম?")
    ProblemOption.objects.create(problem=problem, label="A", text_en="Four", text_bn="চারটি")
    Hint.objects.create(problem=problem, level=1, text_en="Count them.", text_bn="গুনে দেখো।")
    page = admin_client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    assert 'name="question_en"' in page and 'name="question_bn"' in page
    assert 'name="hints-0-text_bn"' in page and 'name="options-0-text_en"' in page
    preview = re.search(r'class="dars-preview" lang="bn".*?</div>', page, re.S)
    assert preview and "কয়টি আম?" in preview.group() and "চারটি" in preview.group()
    assert "গুনে দেখো।" in preview.group()


def test_editing_a_problem_with_an_unreadable_answer_is_refused(admin_client):
    problem = ProblemFactory.create(topic=Topic.objects.get(code="g6-integers"))
    form = {
        "code": problem.code,
        "is_active": "on",
        "grade": "6",
        "topic": problem.topic_id,
        "question_en": "Q?",
        "question_bn": "প্রশ্ন?",
        "answer_type": "numeric",
        "answer": "seven-ish",
        "difficulty": "1",
        "estimated_time_minutes": "5",
        "options-TOTAL_FORMS": "0",
        "options-INITIAL_FORMS": "0",
        "hints-TOTAL_FORMS": "0",
        "hints-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"{CHANGELIST}{problem.pk}/change/", form)
    assert response.status_code == 200  # the form comes back with the error
    assert "errorlist" in response.content.decode()
    problem.refresh_from_db()
    assert problem.answer != "seven-ish"


def test_retire_action_keeps_students_answers(admin_client):
    response = ResponseFactory.create()
    problem = response.problem
    admin_client.post(
        CHANGELIST, {"action": "retire", "_selected_action": [problem.pk]}, follow=True
    )
    problem.refresh_from_db()
    assert not problem.is_active
    assert problem.responses.count() == 1
    admin_client.post(CHANGELIST, {"action": "activate", "_selected_action": [problem.pk]})
    problem.refresh_from_db()
    assert problem.is_active


def _upload(admin_client, data: bytes, name: str = "batch.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return admin_client.post(
        f"{CHANGELIST}import/",
        {"import_file": SimpleUploadedFile(name, data), "format": "0", "resource": "0"},
    )


def test_admin_import_previews_then_confirms(admin_client):
    Problem.objects.all().delete()
    rows = [problem_row("g6-integers-90"), mcq_row("g6-integers-91")]
    preview = _upload(admin_client, csv_bytes(rows, bom=True, crlf=True))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "2 new" in page and "0 updated" in page and "0 unchanged" in page
    assert Problem.objects.count() == 0  # nothing written by the preview

    confirm_form = preview.context["confirm_form"]
    confirm = admin_client.post(f"{CHANGELIST}process_import/", confirm_form.initial, follow=True)
    assert confirm.status_code == 200
    assert set(Problem.objects.values_list("code", flat=True)) == {
        "g6-integers-90",
        "g6-integers-91",
    }

    again = _upload(admin_client, csv_bytes(rows)).content.decode()
    assert "0 new" in again and "2 unchanged" in again


def test_admin_import_with_a_bad_row_shows_row_and_column_and_offers_no_confirm(admin_client):
    rows = [problem_row("g6-integers-90"), problem_row("g6-integers-91", difficulty="9")]
    response = _upload(admin_client, csv_bytes(rows))
    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "1 row has errors" in page
    assert re.search(r"<td>\s*3\s*</td>", page)  # spreadsheet row 3 (header is row 1)
    assert "difficulty must be from 1 to 3 (got 9)" in page
    assert not Problem.objects.filter(code__startswith="g6-integers-9").exists()


def test_admin_export_downloads_the_import_format(admin_client):
    ProblemFactory.create(code="exported-one")
    response = admin_client.post(
        f"{CHANGELIST}export/", {"format": "0", "resource": "0", "export_items": []}
    )
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode("utf-8")
    assert body.splitlines()[0].startswith("code,grade,topic,subtopic,difficulty")
    assert "exported-one" in body
