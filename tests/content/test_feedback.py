"""Authored feedback for particular wrong answers: its constraints, its validation against the
answer key, its place in the problem's versions and history, the spreadsheet, and the cached
content the answer path reads."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.content import cache, services
from apps.content.models import AnswerFeedback, Problem, ProblemVersion
from apps.content.services import ProblemInvalid, problems_import
from apps.content.spreadsheet import FEEDBACK_COLUMNS
from tests.content.sheets import csv_bytes, mcq_row, problem_row, xlsx_bytes

pytestmark = pytest.mark.usefixtures("topics")

SUM_EN = "You added the numbers; the question asks for the product."
SUM_BN = "তুমি সংখ্যাগুলো যোগ করেছ; প্রশ্নে গুণফল চাওয়া হয়েছে।"


def _product(code: str = "g6-integers-95", **overrides: str) -> dict[str, str]:
    """A problem whose answer is 24 (4 × 6), with feedback for 10 (4 + 6)."""
    values = {
        "question_en": f"[{code}] What is 4 × 6?",
        "question_bn": f"[{code}] ৪ × ৬ কত?",
        "answer": "24",
        "explanation_en": "4 × 6 = 24",
        "explanation_bn": "৪ × ৬ = ২৪",
        "feedback_1_answer": "১০",
        "feedback_1_en": SUM_EN,
        "feedback_1_bn": SUM_BN,
    }
    values.update(overrides)
    return problem_row(code, **values)


def _save(row: dict[str, str], route: str = "command") -> Problem:
    return services.problem_save(values=row, route=route)


def _entries(problem: Problem) -> list[tuple[int, str, str, str, str]]:
    return list(
        AnswerFeedback.objects.filter(problem=problem)
        .order_by("position")
        .values_list("position", "answer", "form", "message_en", "message_bn")
    )


# --- the database holds its invariants -------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("message_en = ''", "ck_answer_feedback_messages_not_empty"),
        ("message_bn = ''", "ck_answer_feedback_messages_not_empty"),
        ("answer = ''", "ck_answer_feedback_answer_not_empty"),
        ("form = ''", "ck_answer_feedback_answer_not_empty"),
        ("position = 5", "ck_answer_feedback_position_1_to_4"),
        ("position = 0", "ck_answer_feedback_position_1_to_4"),
    ],
)
def test_feedback_check_constraints(db_rejects, assignment, constraint):
    entry = _save(_product()).feedback.get()
    db_rejects(
        f"UPDATE answer_feedback SET {assignment} WHERE id = %s", [entry.pk], expected=[constraint]
    )


def test_one_feedback_per_answer_form_and_problem(db_rejects):
    entry = _save(_product()).feedback.get()
    db_rejects(
        "INSERT INTO answer_feedback (problem_id, position, answer, form, message_en, message_bn, "
        "created_at, updated_at) VALUES (%s, 2, '10.0', '10', 'a', 'ক', CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP)",
        [entry.problem_id],
        expected=["uq_answer_feedback_problem_form", "answer_feedback.problem_id"],
    )


# --- saving validates it against the key ------------------------------------------------------


def test_feedback_is_stored_as_typed_with_the_form_the_checker_compares():
    problem = _save(_product())
    assert _entries(problem) == [(1, "১০", "10", SUM_EN, SUM_BN)]
    first = ProblemVersion.objects.get(problem=problem, version=1)
    assert (first.data["feedback_1_answer"], first.data["feedback_1_en"]) == ("১০", SUM_EN)


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"feedback_1_answer": "ten"}, "feedback_1_answer", "cannot read “ten”"),
        ({"feedback_1_answer": "24"}, "feedback_1_answer", "“24” is a correct answer"),
        ({"feedback_1_answer": "২৪.০"}, "feedback_1_answer", "is a correct answer"),
        ({"feedback_1_answer": "10%"}, "feedback_1_answer", "asked to try again"),
        ({"feedback_1_bn": ""}, "feedback_1_bn", "needs its message in both languages"),
        ({"feedback_1_answer": ""}, "feedback_1_answer", "needs the wrong answer"),
        (
            {"feedback_3_answer": "10.0", "feedback_3_en": "Again?", "feedback_3_bn": "আবার?"},
            "feedback_3_answer",
            "same answer as feedback 1 (the checker reads both as “10”)",
        ),
    ],
)
def test_feedback_the_checker_cannot_use_is_refused_on_its_column_and_nothing_is_written(
    overrides, column, words
):
    with pytest.raises(ProblemInvalid) as refused:
        _save(_product(**overrides))
    assert column in refused.value.errors, refused.value.errors
    assert any(words in message for message in refused.value.errors[column])
    assert not Problem.objects.exists() and not AnswerFeedback.objects.exists()


def test_a_fraction_not_in_lowest_terms_is_not_a_wrong_answer_when_the_key_asks_for_them():
    row = _product(
        question_en="Write 6/8 in lowest terms.",
        question_bn="৬/৮ লঘিষ্ঠ আকারে লেখো।",
        answer_type="fraction",
        answer="3/4",
        simplest_form="yes",
        feedback_1_answer="6/8",
    )
    with pytest.raises(ProblemInvalid) as refused:
        _save(row)
    assert "asked to try again" in refused.value.errors["feedback_1_answer"][0]
    problem = _save({**row, "feedback_1_answer": "4/3"})
    assert _entries(problem)[0][2] == "4/3"


def test_multiple_choice_feedback_is_for_an_option_by_letter_or_text():
    row = mcq_row(
        feedback_1_answer="ক",  # option A, -2
        feedback_1_en="-2 is bigger than -7.",
        feedback_1_bn="-২, -৭ এর চেয়ে বড়।",
        feedback_2_answer="0",  # option C by its text
        feedback_2_en="0 is bigger than any negative number.",
        feedback_2_bn="০ যেকোনো ঋণাত্মক সংখ্যার চেয়ে বড়।",
    )
    problem = _save(row)
    assert [(e[1], e[2]) for e in _entries(problem)] == [("ক", "A"), ("0", "C")]
    with pytest.raises(ProblemInvalid) as refused:
        _save({**row, "feedback_2_answer": "খ"})  # B is right
    assert "is a correct answer" in refused.value.errors["feedback_2_answer"][0]


def test_a_key_change_that_makes_a_feedback_answer_right_is_refused_on_the_feedback():
    problem = _save(_product())
    with pytest.raises(ProblemInvalid) as refused:
        _save(_product(answer="10"))
    assert "is a correct answer" in refused.value.errors["feedback_1_answer"][0]
    problem.refresh_from_db()
    assert problem.answer == "24" and problem.version == 1


def test_a_bad_feedback_row_in_an_import_names_row_and_column_and_writes_nothing():
    rows = [_product("g6-integers-95"), _product("g6-integers-96", feedback_1_answer="24")]
    report = problems_import(data=csv_bytes(rows), file_format="csv")
    assert not report.ok
    assert any(e.startswith("row 3, column feedback_1_answer:") for e in report.errors)
    assert not Problem.objects.exists() and not AnswerFeedback.objects.exists()


def test_gaps_between_feedback_rows_close_up_and_saving_them_again_changes_nothing():
    gappy = _product(
        feedback_1_answer="",
        feedback_1_en="",
        feedback_1_bn="",
        feedback_2_answer="10",
        feedback_2_en=SUM_EN,
        feedback_2_bn=SUM_BN,
        feedback_4_answer="2",
        feedback_4_en="You subtracted.",
        feedback_4_bn="তুমি বিয়োগ করেছ।",
    )
    problem = _save(gappy)
    assert [(e[0], e[2]) for e in _entries(problem)] == [(1, "10"), (2, "2")]
    assert ProblemVersion.objects.get(problem=problem).data["feedback_2_answer"] == "2"
    again = problems_import(data=csv_bytes([gappy]), file_format="csv")
    assert again.unchanged == 1 and Problem.objects.get(pk=problem.pk).version == 1


# --- versions and history ---------------------------------------------------------------------


def test_editing_adding_and_removing_feedback_are_versions_and_keep_each_entrys_row():
    problem = _save(_product())
    entry = problem.feedback.get()

    _save(_product(feedback_1_en="Product means multiply."))
    assert problem.feedback.get().pk == entry.pk  # the same answer keeps its row
    second = ProblemVersion.objects.get(problem=problem, version=2)
    assert second.changed == ["feedback_1_en"]

    _save(_product(feedback_2_answer="2", feedback_2_en="Subtracted?", feedback_2_bn="বিয়োগ?"))
    assert [e[2] for e in _entries(problem)] == ["10", "2"]

    removed = dict.fromkeys(FEEDBACK_COLUMNS, "")
    _save({"code": problem.code, **removed})
    problem.refresh_from_db()
    assert problem.version == 4 and not problem.feedback.exists()
    fourth = ProblemVersion.objects.get(problem=problem, version=4)
    assert "feedback_1_answer" in fourth.changed and fourth.data["feedback_1_answer"] == ""


def test_columns_a_file_lacks_keep_the_feedback():
    problem = _save(_product())
    row = _product(question_en="What is 4 × 6 now?")
    older = [c for c in row if c not in FEEDBACK_COLUMNS]  # a file from before feedback
    report = problems_import(data=csv_bytes([row], columns=older), file_format="csv")
    assert report.updated == 1
    assert _entries(problem) == [(1, "১০", "10", SUM_EN, SUM_BN)]


def test_restoring_a_version_restores_its_feedback():
    problem = _save(_product())
    _save(_product(feedback_1_answer="", feedback_1_en="", feedback_1_bn=""))
    assert not problem.feedback.exists()

    services.problem_restore(problem=problem, version=1)

    problem.refresh_from_db()
    assert problem.version == 3
    assert _entries(problem) == [(1, "১০", "10", SUM_EN, SUM_BN)]
    restored = ProblemVersion.objects.get(problem=problem, version=3)
    assert restored.restored_from == 1 and "feedback_1_answer" in restored.changed


def test_restoring_a_version_kept_before_feedback_existed_removes_it():
    problem = _save(_product(feedback_1_answer="", feedback_1_en="", feedback_1_bn=""))
    old = ProblemVersion.objects.get(problem=problem, version=1)
    old.data = {k: v for k, v in old.data.items() if k not in FEEDBACK_COLUMNS}
    old.save()
    _save(_product())
    assert problem.feedback.exists()

    services.problem_restore(problem=problem, version=1)

    assert not problem.feedback.exists()


# --- the add-feedback service ---------------------------------------------------------------


def test_feedback_is_added_after_the_others_as_a_new_version():
    problem = _save(_product())
    saved = services.problem_feedback_add(
        problem_id=problem.pk, answer="2", message_en="You subtracted.", message_bn="বিয়োগ?"
    )
    assert saved.version == 2
    assert [(e[0], e[1]) for e in _entries(problem)] == [(1, "১০"), (2, "2")]
    version = ProblemVersion.objects.get(problem=problem, version=2)
    assert version.route == "admin" and version.changed == [
        "feedback_2_answer",
        "feedback_2_en",
        "feedback_2_bn",
    ]


@pytest.mark.parametrize(
    ("answer", "en", "field", "words"),
    [
        ("24", "Right?", "answer", "is a correct answer"),
        ("10.0", "Again?", "answer", "same answer as feedback 1"),
        ("  ", "Empty?", "answer", "Give the wrong answer"),
        ("2", "", "message_en", "needs its message in both languages"),
    ],
)
def test_added_feedback_is_refused_on_its_own_fields_and_nothing_is_written(
    answer, en, field, words
):
    problem = _save(_product())
    with pytest.raises(ProblemInvalid) as refused:
        services.problem_feedback_add(
            problem_id=problem.pk, answer=answer, message_en=en, message_bn="বার্তা"
        )
    assert any(words in m for m in refused.value.errors[field]), refused.value.errors
    problem.refresh_from_db()
    assert problem.version == 1 and problem.feedback.count() == 1


def test_a_problem_with_every_feedback_position_used_refuses_another():
    row = _product()
    for n, wrong in ((2, "2"), (3, "46"), (4, "64")):
        row |= {f"feedback_{n}_answer": wrong, f"feedback_{n}_en": "No.", f"feedback_{n}_bn": "না।"}
    problem = _save(row)
    with pytest.raises(ProblemInvalid) as refused:
        services.problem_feedback_add(
            problem_id=problem.pk, answer="25", message_en="One too many.", message_bn="একটি বেশি।"
        )
    assert "the most it can have" in refused.value.errors["answer"][0]
    assert problem.feedback.count() == 4


# --- the spreadsheet --------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_leaves_feedback_unchanged(tmp_path, file_format):
    rows = [
        _product("g6-integers-95", feedback_2_answer="2", feedback_2_en="-Minus?"),
        _product("g6-integers-96", feedback_1_en="@ means at, × means times"),
        mcq_row(
            "g6-integers-97",
            feedback_1_answer="(c)",
            feedback_1_en="0 > -7",
            feedback_1_bn="০ > -৭",
        ),
    ]
    rows[0]["feedback_2_bn"] = "বিয়োগ?"
    data = csv_bytes(rows) if file_format == "csv" else xlsx_bytes(rows)
    assert problems_import(data=data, file_format=file_format).ok
    before = list(AnswerFeedback.objects.order_by("id").values())
    versions = dict(Problem.objects.values_list("code", "version"))
    out = tmp_path / f"export.{file_format}"

    call_command("export_problems", format=file_format, output=str(out))
    report = problems_import(data=out.read_bytes(), file_format=file_format)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3), report.errors
    assert list(AnswerFeedback.objects.order_by("id").values()) == before
    assert dict(Problem.objects.values_list("code", "version")) == versions
    assert [e["answer"] for e in before] == ["১০", "2", "১০", "(c)"]
    assert AnswerFeedback.objects.get(answer="(c)").form == "C"


def test_the_import_page_and_header_know_the_feedback_columns():
    from apps.content.spreadsheet import COLUMNS, header_problems

    assert {"feedback_1_answer", "feedback_4_en", "feedback_4_bn"} <= set(COLUMNS)
    assert header_problems(list(problem_row())) == []


# --- the content the answer path reads --------------------------------------------------------


def test_cached_content_carries_the_feedback_by_form_in_the_same_three_statements():
    problem = _save(_product())
    cache.forget()
    with CaptureQueriesContext(connection) as queries:
        content = cache.problem_contents([(problem.pk, problem.version)])[problem.pk]
    assert len(queries) == 3
    entry = content.feedback_for("10")
    assert entry is not None and (entry.message_en, entry.message_bn) == (SUM_EN, SUM_BN)
    assert content.feedback_for("11") is None and content.feedback_for(None) is None
    assert content.feedback_by_id(entry.id) == entry
