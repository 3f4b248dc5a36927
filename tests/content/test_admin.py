"""The content studio through the real client: list, edit page, history, import, export, roles."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.content import services
from apps.content.models import Hint, Problem, ProblemVersion, Topic
from tests.content.factories import ProblemFactory, bulk_problems
from tests.content.sheets import csv_bytes, mcq_row, problem_row
from tests.practice.factories import ResponseFactory

pytestmark = pytest.mark.usefixtures("topics")

CHANGELIST = "/admin/content/problem/"


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _saved(code: str = "g6-integers-90", **overrides: str) -> Problem:
    return services.problem_save(values=problem_row(code, **overrides), route="command")


def _form(problem: Problem, **overrides: str) -> dict[str, str]:
    """The change form as the page would post it, with `overrides`."""
    from apps.content.spreadsheet import problem_values

    values = problem_values(Problem.objects.get(pk=problem.pk))
    form = {
        name: values[name]
        for name in values
        if name not in ("grade", "topic", "simplest_form", "is_active", "accepted_answers")
    }
    form.update(
        grade=values["grade"],
        topic=str(problem.topic_id),
        version=str(Problem.objects.get(pk=problem.pk).version),
        accepted_answers=values["accepted_answers"].replace("|", "\n"),
    )
    if values["is_active"] == "yes":
        form["is_active"] = "on"
    if values["simplest_form"]:
        form["simplest_form"] = "on"
    form.update(overrides)
    return form


# --- the list ------------------------------------------------------------------------------


def test_changelist_and_change_page_queries_do_not_grow_with_the_library(admin_client):
    bulk_problems(5)
    problem = _saved()
    change_url = f"{CHANGELIST}{problem.pk}/change/"
    for url in (CHANGELIST, change_url):
        admin_client.get(url)  # warm per-process caches (content types, permissions)
    small = (_queries(admin_client, CHANGELIST), _queries(admin_client, change_url))
    small_filtered = _queries(admin_client, CHANGELIST + "?hints=needs&grade=6&q=What")

    bulk_problems(3000, start=5)
    for n in range(20):  # a problem with 20 versions
        services.problem_save(
            values={"code": problem.code, "question_en": f"Version {n}: what is -3 + 8?"},
            route="admin",
        )
    assert Problem.objects.get(pk=problem.pk).version == 21

    assert (_queries(admin_client, CHANGELIST), _queries(admin_client, change_url)) == small
    assert _queries(admin_client, CHANGELIST + "?hints=needs&grade=6&q=What") == small_filtered


def test_changelist_flags_problems_needing_hints_and_unusable_keys(admin_client):
    bulk_problems(2)
    bare = ProblemFactory.create(code="no-hints", topic=Topic.objects.get(code="g6-integers"))
    page = admin_client.get(CHANGELIST + "?hints=needs").content.decode()
    assert "no-hints" in page and "bulk-00000" not in page
    assert "0/3 — needs hints" in page
    Hint.objects.create(problem=bare, level=1, text_en="a", text_bn="ক", is_ai_generated=True)
    page = admin_client.get(CHANGELIST + "?ai_hints=pending").content.decode()
    assert "no-hints" in page and "bulk-00001" not in page
    services.problem_flag_unusable(problem_id=bare.pk)
    page = admin_client.get(CHANGELIST + "?attention=unusable").content.decode()
    assert "no-hints" in page and "bulk-00001" not in page


def test_topics_filter_lists_only_the_chosen_grade(admin_client):
    page = admin_client.get(CHANGELIST + "?grade=8").content.decode()
    assert "8 · Circle" in page and "6 · Integers" not in page
    everything = admin_client.get(CHANGELIST).content.decode()
    assert "8 · Circle" in everything and "6 · Integers" in everything


def test_search_finds_bengali_text(admin_client):
    ProblemFactory.create(code="ilish", question_bn="একটি ইলিশ মাছের দাম ৫০০ টাকা।")
    ProblemFactory.create(code="mango")
    page = admin_client.get(CHANGELIST, {"q": "ইলিশ"}).content.decode()
    assert "ilish" in page and "mango" not in page


# --- the edit page -------------------------------------------------------------------------


def test_change_page_shows_every_field_once_and_the_student_preview(admin_client):
    problem = _saved("g6-integers-91", **{k: v for k, v in mcq_row().items() if k != "code"})
    page = admin_client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    for name in ("question_en", "question_bn", "option_d_bn", "hint_3_bn", "answer_bn"):
        assert f'name="{name}"' in page
    assert 'name="is_ai_generated"' not in page  # the AI flag is not a form field
    preview = re.search(r'class="dars-preview" lang="bn".*?</div>', page, re.S)
    assert preview is not None
    text = preview.group()
    assert "<b>খ</b>) -৭" in text and "খ) -৭" in text  # labelled and answered as a student sees
    english = re.search(r'class="dars-preview" lang="en".*?</div>', page, re.S)
    assert english is not None and "<b>B</b>) -7" in english.group()


def test_a_new_problem_with_three_hint_pairs_is_added_in_one_save(admin_client):
    topic = Topic.objects.get(code="g6-integers")
    form = {
        **{k: v for k, v in problem_row("g6-integers-95").items() if k not in ("grade",)},
        "grade": "6",
        "topic": str(topic.pk),
        "is_active": "on",
    }
    response = admin_client.post(f"{CHANGELIST}add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    problem = Problem.objects.get(code="g6-integers-95")
    assert sorted(problem.hints.values_list("level", flat=True)) == [1, 2, 3]
    version = ProblemVersion.objects.get(problem=problem)
    assert version.user is not None
    assert (version.version, version.route, version.user.username) == (1, "admin", "admin")


def test_an_invalid_multiple_choice_key_is_refused_on_its_fields_and_nothing_is_written(
    admin_client,
):
    problem = _saved()
    form = _form(problem, answer_type="multiple_choice", answer="E")
    response = admin_client.post(f"{CHANGELIST}{problem.pk}/change/", form)
    assert response.status_code == 200  # the form comes back, with the teacher's input
    errors = response.context["adminform"].form.errors
    assert "answer" in errors or "option_a_en" in errors, errors
    page = response.content.decode()
    assert 'value="E"' in page  # nothing the teacher typed is lost
    problem.refresh_from_db()
    assert (problem.answer_type, problem.version) == ("numeric", 1)


def test_an_unreadable_numeric_answer_is_refused_in_the_teachers_language(admin_client):
    problem = _saved()
    admin_client.post("/admin/language/", {"language": "bn", "next": "/admin/"})
    response = admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/", _form(problem, answer="seven-ish")
    )
    errors = response.context["adminform"].form.errors["answer"]
    assert any("সংখ্যা" in error for error in errors), errors
    problem.refresh_from_db()
    assert problem.answer == "5"


def test_an_edit_bumps_the_version_and_keeps_the_previous_one(admin_client):
    problem = _saved()
    response = admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/", _form(problem, question_en="Now it is 9 degrees?")
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.version == 2 and problem.question_en == "Now it is 9 degrees?"
    latest = ProblemVersion.objects.get(problem=problem, version=2)
    assert latest.changed == ["question_en"] and latest.route == "admin"
    assert (
        ProblemVersion.objects.get(problem=problem, version=1)
        .data["question_en"]
        .startswith("[g6-integers-90] It is -3")
    )


def test_a_stale_edit_is_refused_and_the_teachers_text_comes_back(admin_client):
    problem = _saved()
    seen = _form(problem)
    admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/", {**seen, "question_en": "First teacher's edit?"}
    )
    response = admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/", {**seen, "question_en": "Second teacher's edit?"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "while you were editing" in page and "Second teacher&#x27;s edit?" in page
    problem.refresh_from_db()
    assert problem.question_en == "First teacher's edit?" and problem.version == 2
    # Saving again after reading the warning replaces it, knowingly.
    form = response.context["adminform"].form
    again = admin_client.post(f"{CHANGELIST}{problem.pk}/change/", form.data)
    assert again.status_code == 302
    problem.refresh_from_db()
    assert problem.question_en == "Second teacher's edit?" and problem.version == 3


def test_history_shows_admin_and_import_changes_and_restores_the_first_version(
    admin_client, tmp_path
):
    problem = _saved()
    original = Problem.objects.get(pk=problem.pk).question_en
    admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/", _form(problem, question_en="Edited in the admin?")
    )
    row = problem_row(question_en="Edited by an import?")
    report = services.problems_import(data=csv_bytes([row]), file_format="csv", route="import")
    assert report.updated == 1

    page = admin_client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    assert "Edited in the admin" in page and "Imported in the admin" in page
    compare = admin_client.get(f"{CHANGELIST}{problem.pk}/versions/1/")
    assert compare.status_code == 200 and "<ins>" in compare.content.decode()

    restored = admin_client.post(f"{CHANGELIST}{problem.pk}/versions/1/", follow=True)
    assert restored.status_code == 200
    problem.refresh_from_db()
    assert problem.question_en == original and problem.version == 4
    last = ProblemVersion.objects.get(problem=problem, version=4)
    assert (last.route, last.restored_from, last.changed) == ("restore", 1, ["question_en"])


def test_retire_and_activate_keep_answers_and_are_versions(admin_client):
    response = ResponseFactory.create()
    problem = response.problem
    admin_client.post(CHANGELIST, {"action": "retire", "_selected_action": [problem.pk]})
    problem.refresh_from_db()
    assert not problem.is_active and problem.responses.count() == 1
    admin_client.post(CHANGELIST, {"action": "activate", "_selected_action": [problem.pk]})
    problem.refresh_from_db()
    assert problem.is_active
    assert list(ProblemVersion.objects.filter(problem=problem).values_list("route", flat=True)) == [
        "status",
        "status",
    ]


# --- import and export ---------------------------------------------------------------------


def _upload(client: Client, data: bytes, name: str = "batch.csv", fmt: str = "0"):
    return client.post(
        f"{CHANGELIST}import/",
        {"import_file": SimpleUploadedFile(name, data), "format": fmt, "resource": "0"},
    )


def test_admin_import_previews_only_new_and_changed_rows_then_confirms(admin_client):
    _saved("g6-integers-80")
    _saved("g6-integers-81")
    rows = [
        problem_row("g6-integers-80"),
        problem_row("g6-integers-81", question_en="Changed: what is -3 + 8?"),
        mcq_row("g6-integers-91"),
    ]
    preview = _upload(admin_client, csv_bytes(rows, bom=True, crlf=True))
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "1 new, 1 changed, 1 unchanged, 0 errors" in page
    assert 'id="import-new"' in page and "g6-integers-91" in page and "g6-integers" in page
    assert 'id="import-changed"' in page and "question_en" in page
    assert page.count("g6-integers-80") == 0  # unchanged rows are only counted
    assert not Problem.objects.filter(code="g6-integers-91").exists()

    confirm_form = preview.context["confirm_form"]
    confirm = admin_client.post(f"{CHANGELIST}process_import/", confirm_form.initial, follow=True)
    assert confirm.status_code == 200
    assert Problem.objects.filter(code="g6-integers-91").exists()
    changed = Problem.objects.get(code="g6-integers-81")
    assert changed.version == 2
    saved_by = ProblemVersion.objects.get(problem=changed, version=2).user
    assert saved_by is not None and saved_by.username == "admin"


def test_admin_import_shows_every_error_as_text_with_row_and_column(admin_client):
    rows = [problem_row("g6-integers-90"), problem_row("g6-integers-91", difficulty="9")]
    response = _upload(admin_client, csv_bytes(rows))
    page = response.content.decode()
    assert response.context.get("confirm_form") is None
    table = re.search(r'id="import-errors".*?</table>', page, re.S)
    assert table is not None
    assert re.search(r"<td>3</td><td>difficulty</td><td>9 is not from 1 to 3\.</td>", table.group())
    assert not Problem.objects.filter(code__startswith="g6-integers-9").exists()


def test_admin_import_reads_a_utf16_file_and_refuses_windows_1252_plainly(admin_client):
    data = csv_bytes([problem_row("g6-integers-96")]).decode("utf-8").encode("utf-16")
    page = _upload(admin_client, data).content.decode()
    assert "1 new, 0 changed" in page
    bad = _upload(admin_client, "code,grade\nCafé,6\n".encode("cp1252")).content.decode()
    assert "CSV UTF-8" in bad and "Traceback" not in bad


def test_admin_export_downloads_csv_and_a_proper_xlsx(admin_client):
    _saved("g6-integers-90")
    csv_response = admin_client.post(f"{CHANGELIST}export/", {"format": "0", "resource": "0"})
    assert csv_response.status_code == 200, csv_response.content[:500]
    body = csv_response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("code,grade,topic,subtopic,difficulty")
    assert "g6-integers-90" in body

    xlsx = admin_client.post(f"{CHANGELIST}export/", {"format": "1", "resource": "0"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    assert sheet.title == "problems" and sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert row["grade"] == 6 and row["difficulty"] == 1 and row["estimated_time_minutes"] == 2


def test_topics_are_imported_and_exported_the_same_way(admin_client):
    export = admin_client.post("/admin/content/topic/export/", {"format": "0", "resource": "0"})
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "code,grade,name_en,name_bn,order,outcome_code"
    assert "g8-circle,8,Circle,বৃত্ত" in text
    data = (text.strip() + "\r\ng7-new-chapter,7,New chapter,নতুন অধ্যায়,20,NCTB-7-11\r\n").encode()
    preview = admin_client.post(
        "/admin/content/topic/import/",
        {"import_file": SimpleUploadedFile("t.csv", data), "format": "0", "resource": "0"},
    )
    assert "1 new, 0 changed" in preview.content.decode()
    admin_client.post(
        "/admin/content/topic/process_import/", preview.context["confirm_form"].initial
    )
    assert Topic.objects.filter(code="g7-new-chapter", outcome_code="NCTB-7-11").exists()


# --- roles ---------------------------------------------------------------------------------


def _staff(*, editor: bool) -> Client:
    user = User.objects.create_user("teacher" if editor else "nobody", password="x", is_staff=True)
    if editor:
        user.groups.add(Group.objects.get(name="Content editor"))
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_import_or_export_permission_get_403(admin_client):
    nobody = _staff(editor=False)
    assert nobody.get(f"{CHANGELIST}import/").status_code == 403
    assert nobody.post(f"{CHANGELIST}process_import/", {}).status_code == 403
    assert nobody.get(f"{CHANGELIST}export/").status_code == 403
    assert nobody.post(f"{CHANGELIST}export/", {"format": "0"}).status_code == 403
    assert nobody.get("/admin/billing/costrecord/report/").status_code == 403


def test_a_content_editor_edits_imports_and_exports_but_sees_no_personal_data_or_money():
    editor = _staff(editor=True)
    assert editor.get(CHANGELIST).status_code == 200
    assert editor.get(f"{CHANGELIST}import/").status_code == 200
    assert editor.get(f"{CHANGELIST}export/").status_code == 200
    assert editor.get("/admin/content/hint/").status_code == 200
    for url in (
        "/admin/students/student/",
        "/admin/students/studenttoken/",
        "/admin/students/serviceapikey/",
        "/admin/students/guardian/",
        "/admin/billing/costrecord/",
        "/admin/billing/costrecord/report/",
        "/admin/practice/response/",
    ):
        assert editor.get(url).status_code == 403, (url, editor.get(url).status_code)


def test_practice_history_and_costs_are_read_only_even_for_a_superuser(admin_client):
    response = ResponseFactory.create()
    for url in (
        "/admin/practice/practicesession/add/",
        "/admin/practice/response/add/",
        "/admin/billing/costrecord/add/",
        "/admin/content/hint/add/",
    ):
        assert admin_client.get(url).status_code == 403, url
    change = admin_client.post(
        f"/admin/practice/response/{response.pk}/change/", {"student_answer": "999"}
    )
    assert change.status_code == 403
    response.refresh_from_db()
    assert response.student_answer != "999"


def test_ai_hints_are_approved_only_by_the_review_action():
    problem = _saved()
    hint = Hint.objects.get(problem=problem, level=1)
    Hint.objects.filter(pk=hint.pk).update(is_ai_generated=True)
    nobody = _staff(editor=False)
    nobody_user = User.objects.get(username="nobody")
    nobody_user.user_permissions.add(Permission.objects.get(codename="view_hint"))
    nobody.post("/admin/content/hint/", {"action": "approve", "_selected_action": [hint.pk]})
    hint.refresh_from_db()
    assert hint.reviewed_at is None
    editor = _staff(editor=True)
    editor.post("/admin/content/hint/", {"action": "approve", "_selected_action": [hint.pk]})
    hint.refresh_from_db()
    assert hint.reviewed_at is not None and hint.reviewed_by.username == "teacher"


def test_the_language_switch_sticks_to_the_staff_member():
    editor = _staff(editor=True)
    editor.post("/admin/language/", {"language": "bn", "next": CHANGELIST})
    assert '<html lang="bn"' in editor.get(CHANGELIST).content.decode()
    again = Client()
    again.force_login(User.objects.get(username="teacher"))  # another browser, same person
    assert '<html lang="bn"' in again.get("/admin/").content.decode()
    stranger = Client()
    stranger.force_login(User.objects.create_user("other", password="x", is_staff=True))
    assert '<html lang="en"' in stranger.get("/admin/").content.decode()


# --- feedback for particular wrong answers -------------------------------------------------

FEEDBACK = {
    "feedback_1_answer": "11",
    "feedback_1_en": "You dropped the minus sign: it starts at -3, not 3.",
    "feedback_1_bn": "তুমি বিয়োগ চিহ্ন বাদ দিয়েছ: তাপমাত্রা -৩ থেকে শুরু, ৩ নয়।",
}


def test_the_change_page_shows_and_edits_feedback_as_part_of_the_problem(admin_client):
    problem = _saved(**FEEDBACK)
    page = admin_client.get(f"{CHANGELIST}{problem.pk}/change/").content.decode()
    assert "Feedback for particular wrong answers" in page
    assert 'name="feedback_1_answer"' in page and FEEDBACK["feedback_1_bn"] in page

    response = admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/",
        _form(
            problem,
            feedback_2_answer="-11",
            feedback_2_en="Rising means adding 8, not taking it away.",
            feedback_2_bn="বাড়া মানে ৮ যোগ করা, বিয়োগ নয়।",
        ),
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.version == 2
    assert list(problem.feedback.values_list("answer", flat=True)) == ["11", "-11"]
    assert ProblemVersion.objects.get(problem=problem, version=2).changed == [
        "feedback_2_answer",
        "feedback_2_en",
        "feedback_2_bn",
    ]


def test_feedback_for_the_right_answer_is_refused_on_its_field_and_the_text_stays(admin_client):
    problem = _saved()
    response = admin_client.post(
        f"{CHANGELIST}{problem.pk}/change/",
        _form(problem, feedback_1_answer="৫", feedback_1_en="Well?", feedback_1_bn="ভালো?"),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "is a correct answer" in form.errors["feedback_1_answer"][0]
    assert "Well?" in response.content.decode()
    problem.refresh_from_db()
    assert problem.version == 1 and not problem.feedback.exists()


def test_a_stale_edit_keeps_the_teachers_feedback_in_the_form(admin_client):
    problem = _saved()
    seen = _form(problem)
    admin_client.post(f"{CHANGELIST}{problem.pk}/change/", {**seen, "question_en": "Edited?"})
    response = admin_client.post(f"{CHANGELIST}{problem.pk}/change/", {**seen, **FEEDBACK})
    assert response.status_code == 200
    assert "while you were editing" in response.content.decode()
    assert FEEDBACK["feedback_1_bn"] in response.content.decode()
    assert not problem.feedback.exists()


def test_the_version_comparison_names_the_feedback_columns(admin_client):
    problem = _saved(**FEEDBACK)
    services.problem_save(
        values={"code": problem.code, "feedback_1_en": "Rising means adding."}, route="admin"
    )
    page = admin_client.get(f"{CHANGELIST}{problem.pk}/versions/1/").content.decode()
    assert "feedback 1 (English)" in page and "<ins>" in page


def test_the_add_feedback_page_is_prefilled_from_the_link_and_saves_a_version(admin_client):
    from apps.content.admin import feedback_add_url

    problem = _saved()
    url = feedback_add_url(problem.pk, "১১")
    assert url == f"{CHANGELIST}{problem.pk}/feedback/add/?answer=%E0%A7%A7%E0%A7%A7"

    page = admin_client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["answer"].value() == "১১"
    assert 'value="১১"' in page.content.decode() and "[g6-integers-90]" in page.content.decode()

    saved = admin_client.post(
        url, {"answer": "১১", "message_en": "You forgot the minus.", "message_bn": "বিয়োগ চিহ্ন?"}
    )
    assert saved.status_code == 302 and saved["Location"].endswith(f"/{problem.pk}/change/")
    problem.refresh_from_db()
    assert problem.version == 2
    entry = problem.feedback.get()
    assert (entry.answer, entry.form, entry.message_en) == ("১১", "11", "You forgot the minus.")
    assert ProblemVersion.objects.get(problem=problem, version=2).route == "admin"


@pytest.mark.parametrize(
    ("post", "field", "words"),
    [
        ({"answer": "5.0", "message_en": "a", "message_bn": "ক"}, "answer", "correct answer"),
        ({"answer": "five", "message_en": "a", "message_bn": "ক"}, "answer", "cannot read"),
        ({"answer": "11", "message_en": "a", "message_bn": ""}, "message_bn", "required"),
    ],
)
def test_the_add_feedback_page_shows_what_is_wrong_and_writes_nothing(
    admin_client, post, field, words
):
    problem = _saved()
    response = admin_client.post(f"{CHANGELIST}{problem.pk}/feedback/add/", post)
    assert response.status_code == 200
    assert any(words in error for error in response.context["form"].errors[field])
    problem.refresh_from_db()
    assert problem.version == 1 and not problem.feedback.exists()


def test_adding_feedback_needs_the_permission_to_change_problems():
    problem = _saved()
    url = f"{CHANGELIST}{problem.pk}/feedback/add/?answer=11"
    nobody = _staff(editor=False)
    assert nobody.get(url).status_code == 403
    post = {"answer": "11", "message_en": "a", "message_bn": "ক"}
    assert nobody.post(url, post).status_code == 403
    assert not problem.feedback.exists()
    editor = _staff(editor=True)
    assert editor.get(url).status_code == 200
    assert editor.post(url, post).status_code == 302 and problem.feedback.exists()
