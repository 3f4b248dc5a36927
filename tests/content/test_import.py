"""Problem import and export through the real resource, database and commands."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from apps.content.models import Hint, Problem
from apps.content.services import problems_import
from tests.content.sheets import csv_bytes, mcq_row, problem_row, xlsx_bytes

pytestmark = pytest.mark.usefixtures("topics")


def _import(data: bytes, file_format: str = "csv", *, dry_run: bool = False):
    return problems_import(data=data, file_format=file_format, dry_run=dry_run)


def _three_rows() -> list[dict]:
    return [problem_row("g6-integers-90"), mcq_row("g6-integers-91"), problem_row("g6-integers-92")]


def test_import_creates_problems_with_hints_and_options():
    report = _import(csv_bytes(_three_rows()))

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    mcq = Problem.objects.get(code="g6-integers-91")
    assert [(o.label, o.text_en, o.text_bn) for o in mcq.options.order_by("label")][:2] == [
        ("A", "-2", "-২"),
        ("B", "-7", "-৭"),
    ]
    assert list(mcq.hints.values_list("level", flat=True).order_by("level")) == [1, 2, 3]
    assert Hint.objects.filter(is_ai_generated=True).count() == 0


def test_reimporting_the_same_file_creates_and_changes_nothing():
    data = csv_bytes(_three_rows())
    _import(data)
    before = {p.code: (p.version, p.updated_at) for p in Problem.objects.all()}

    report = _import(data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert {p.code: (p.version, p.updated_at) for p in Problem.objects.all()} == before


def test_bom_crlf_file_edited_in_one_cell_updates_exactly_that_problem():
    rows = _three_rows()
    _import(csv_bytes(rows, bom=True, crlf=True))
    untouched = Problem.objects.get(code="g6-integers-90").updated_at

    rows[2]["question_bn"] = rows[2]["question_bn"] + " (সংশোধিত)"
    report = _import(csv_bytes(rows, bom=True, crlf=True))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    edited = Problem.objects.get(code="g6-integers-92")
    assert edited.version == 2 and edited.question_bn.endswith("(সংশোধিত)")
    assert Problem.objects.get(code="g6-integers-90").updated_at == untouched
    assert Problem.objects.get(code="g6-integers-91").version == 1


def test_editing_a_hint_updates_the_problem_and_its_hint():
    rows = _three_rows()
    _import(csv_bytes(rows))
    rows[0]["hint_2_en"] = "Add 8 to -3."
    report = _import(csv_bytes(rows))
    assert report.updated == 1
    assert Hint.objects.get(problem__code="g6-integers-90", level=2).text_en == "Add 8 to -3."
    assert Problem.objects.get(code="g6-integers-90").version == 2


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"question_bn": ""}, "question_bn", "required in both languages"),
        ({"grade": "9"}, "grade", "from 6 to 8"),
        ({"topic": "g6-calculus"}, "topic", "no topic with the code"),
        ({"topic": "g7-profit-loss"}, "topic", "belongs to grade 7"),
        ({"difficulty": "0"}, "difficulty", "from 1 to 3"),
        ({"difficulty": "hard"}, "difficulty", "whole number"),
        ({"answer_type": "essay"}, "answer_type", "Unknown answer type"),
        ({"answer": "about five"}, "answer", ""),
        ({"hint_2_bn": ""}, "hint_2_bn", "both languages (or neither)"),
        ({"hint_1_en": "", "hint_1_bn": ""}, "hint_1_en", "in order"),
        ({"is_active": "maybe"}, "is_active", "yes or no"),
        ({"estimated_time_minutes": "0"}, "estimated_time_minutes", "from 1 to 120"),
        ({"option_a_en": "x", "option_a_bn": "x"}, "option_a_en", "only used for multiple-choice"),
    ],
)
def test_one_bad_row_among_good_ones_writes_nothing_and_names_row_and_column(
    overrides, column, words
):
    rows = _three_rows()
    rows[1] = problem_row("g6-integers-91", **overrides)

    report = _import(csv_bytes(rows))

    assert not report.ok
    assert Problem.objects.count() == 0 and Hint.objects.count() == 0
    assert len(report.errors) >= 1
    error = report.errors[0]
    assert error.startswith(f"row 3, column {column}: "), report.errors
    assert words in error


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"answer": "E"}, "answer", ""),
        ({"option_c_bn": ""}, "option_c_bn", "both languages"),
        ({"option_c_en": "", "option_c_bn": ""}, "option_a_en", "without gaps"),
    ],
)
def test_bad_multiple_choice_rows_are_refused(overrides, column, words):
    report = _import(csv_bytes([problem_row("g6-integers-90"), mcq_row(**overrides)]))
    assert not report.ok and Problem.objects.count() == 0
    assert report.errors[0].startswith(f"row 3, column {column}: "), report.errors
    assert words in report.errors[0]


def test_an_invalid_row_does_not_hide_errors_in_other_rows():
    rows = [
        problem_row("g6-integers-90", grade="9"),
        problem_row("g6-integers-91"),
        problem_row("g6-integers-92", difficulty="7"),
    ]
    report = _import(csv_bytes(rows))
    assert [e.split(":")[0] for e in report.errors] == [
        "row 2, column grade",
        "row 4, column difficulty",
    ]


def test_duplicate_code_in_the_file_is_an_error():
    rows = [problem_row("g6-integers-90"), problem_row("g6-integers-90", question_en="Other?")]
    report = _import(csv_bytes(rows))
    assert report.errors == ["row 3, column code: The code “g6-integers-90” is also used in row 2."]
    assert Problem.objects.count() == 0


def test_missing_and_unknown_columns_are_reported_before_any_row():
    columns = [c for c in problem_row() if c != "question_bn"] + ["questoin_bn"]
    report = _import(csv_bytes([problem_row()], columns=columns))
    assert not report.ok and Problem.objects.count() == 0
    errors = " ".join(report.errors)
    assert "lacks the column(s): question_bn" in errors
    assert "Unknown column(s) in the header row: questoin_bn" in errors


@pytest.mark.parametrize(
    ("data", "file_format", "words"),
    [
        (b"", "csv", "empty"),
        ("code,grade\nCafé,6".encode("cp1252"), "csv", "not in UTF-8"),
        (b"not a zip", "xlsx", "not an Excel (.xlsx) file"),
        (b"a,b", "ods", "Unsupported file type"),
    ],
)
def test_unreadable_files_get_a_plain_error(data, file_format, words):
    report = _import(data, file_format)
    assert not report.ok and words in report.errors[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_utf16_and_bom_files_are_read_correctly(encoding):
    data = csv_bytes(_three_rows()).decode("utf-8").encode(encoding)
    report = _import(data)
    assert report.ok, report.errors
    assert Problem.objects.get(code="g6-integers-90").question_bn.startswith("[g6-integers-90] তাপ")


def test_semicolon_separated_files_from_other_excel_locales_are_read():
    data = csv_bytes(_three_rows()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(data)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    report = _import(out.getvalue().encode("utf-8"))
    assert report.ok and report.created == 3


def test_dry_run_reports_but_writes_nothing():
    report = _import(csv_bytes(_three_rows()), dry_run=True)
    assert report.ok and report.created == 3
    assert Problem.objects.count() == 0


def test_xlsx_with_typed_cells_imports_and_reimports_unchanged():
    rows = _three_rows()
    rows[0].update(grade=6, difficulty=2, estimated_time_minutes=3, answer=-5, question_en="Q -5?")
    rows[2].update(answer_type="numeric", answer=0.75, is_active=True, explanation_en=None)
    data = xlsx_bytes(rows)

    first = _import(data, "xlsx")
    assert first.ok, first.errors
    assert Problem.objects.get(code="g6-integers-90").answer == "-5"
    assert Problem.objects.get(code="g6-integers-92").answer == "0.75"

    second = _import(data, "xlsx")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)


def test_problem_without_hints_imports_and_blank_hints_never_delete_existing_ones():
    bare = problem_row(
        "g6-integers-93", **{f"hint_{n}_{lang}": "" for n in (1, 2, 3) for lang in ("en", "bn")}
    )
    assert _import(csv_bytes([bare])).ok
    problem = Problem.objects.get(code="g6-integers-93")
    assert problem.hints.count() == 0

    Hint.objects.create(problem=problem, level=1, text_en="AI", text_bn="এআই", is_ai_generated=True)
    report = _import(csv_bytes([bare]))
    assert report.unchanged == 1
    assert problem.hints.get().is_ai_generated


def test_export_then_import_is_a_no_op_and_escapes_formulae(tmp_path):
    rows = _three_rows()
    rows[0].update(
        question_en='=HYPERLINK("http://evil")', answer="-5", explanation_en="-3 - 2 = -5"
    )
    rows[0].update(question_bn="@SUM(১)", hint_1_en="+ means add")
    assert _import(csv_bytes(rows)).ok
    out = tmp_path / "export.csv"

    call_command("export_problems", output=str(out))

    exported = {r["code"]: r for r in csv.DictReader(io.StringIO(out.read_text("utf-8-sig")))}
    first = exported["g6-integers-90"]
    assert first["question_en"] == '\t\'=HYPERLINK("http://evil")'
    assert first["question_bn"] == "\t'@SUM(১)"
    assert first["hint_1_en"] == "\t'+ means add"
    assert first["explanation_en"] == "\t'-3 - 2 = -5"
    assert first["answer"] == "-5"  # a plain number stays a number

    report = _import(out.read_bytes())
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    problem = Problem.objects.get(code="g6-integers-90")
    assert problem.question_en == '=HYPERLINK("http://evil")' and problem.answer == "-5"


def test_an_authored_leading_apostrophe_survives_import_and_export(tmp_path):
    rows = _three_rows()
    rows[0]["question_en"] = "'-7' is seven below zero. What is 2 more?"
    assert _import(csv_bytes(rows)).ok
    stored = Problem.objects.get(code="g6-integers-90").question_en
    assert stored == "'-7' is seven below zero. What is 2 more?"
    out = tmp_path / "export.csv"
    call_command("export_problems", output=str(out))
    report = _import(out.read_bytes())
    assert (report.updated, report.unchanged) == (0, 3)


def test_xlsx_export_round_trips(tmp_path):
    assert _import(csv_bytes(_three_rows())).ok
    out = tmp_path / "export.xlsx"
    call_command("export_problems", format="xlsx", output=str(out))
    report = _import(out.read_bytes(), "xlsx")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_command_prints_a_summary_and_fails_on_errors(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(_three_rows()))
    call_command("import_problems", str(good))
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 errors" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([problem_row("g6-integers-94", grade="5")]))
    with pytest.raises(CommandError, match=r"1 errors\. Nothing was imported"):
        call_command("import_problems", str(bad))
    assert "row 2, column grade" in capsys.readouterr().err
    assert not Problem.objects.filter(code="g6-integers-94").exists()


def test_command_dry_run_on_a_long_file_writes_nothing(tmp_path, capsys):
    rows = [problem_row(f"g6-integers-{n:03d}") for n in range(600)]
    path = tmp_path / "long.csv"
    path.write_bytes(csv_bytes(rows))
    call_command("import_problems", str(path), dry_run=True)
    assert "Dry run, nothing written: 600 rows: 600 created" in capsys.readouterr().out
    assert Problem.objects.count() == 0
