"""The shipped library (fixtures/problems.csv): complete, bilingual, and every answer right."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.content.checker import AnswerKey, Option, Verdict, check_answer, display_answer
from apps.content.models import Problem
from apps.content.selectors import answer_key_for
from apps.content.spreadsheet import parse_row
from tests.content.derivation import evaluate

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
LIBRARY = FIXTURES / "problems.csv"
DERIVATIONS = Path(__file__).parent / "answer_derivations.csv"


def _rows() -> list[dict[str, str]]:
    with LIBRARY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _topic_grades() -> dict[str, int]:
    topics = json.loads((FIXTURES / "topics.json").read_text(encoding="utf-8"))
    return {t["fields"]["code"]: t["fields"]["grade"] for t in topics}


def _as_answer(value: object) -> str:
    if isinstance(value, Fraction):
        return (
            str(value.numerator)
            if value.denominator == 1
            else f"{value.numerator}/{value.denominator}"
        )
    return str(value)


def test_every_row_is_valid_and_every_answer_is_recomputed_by_its_derivation():
    with DERIVATIONS.open(encoding="utf-8", newline="") as f:
        derivations = {r["code"]: r["derivation"] for r in csv.DictReader(f)}
    rows = _rows()
    assert set(derivations) == {r["code"] for r in rows}
    grades = _topic_grades()
    wrong = []
    for raw in rows:
        parsed, errors = parse_row(raw, grades)
        assert parsed is not None, (raw["code"], errors)
        key = AnswerKey(
            answer_type=raw["answer_type"],
            answer=raw["answer"],
            answer_bn=raw["answer_bn"],
            accepted=tuple(a for a in raw["accepted_answers"].split("|") if a),
            tolerance=raw["tolerance"],
            simplest_form=raw["simplest_form"] == "yes",
            options=tuple(Option(label, en, bn) for label, en, bn in parsed.options or []),
        )
        recomputed = _as_answer(evaluate(derivations[raw["code"]]))
        result = check_answer(key, recomputed)
        if result.verdict is not Verdict.CORRECT:
            wrong.append((raw["code"], raw["answer"], recomputed, result.verdict))
    assert wrong == []


def test_library_shape_covers_the_curriculum():
    rows = _rows()
    assert len(rows) == 280
    per_grade = Counter(r["grade"] for r in rows)
    assert all(per_grade[g] >= 80 for g in ("6", "7", "8")), per_grade
    topics_per_grade = {g: {r["topic"] for r in rows if r["grade"] == g} for g in ("6", "7", "8")}
    assert all(len(t) >= 8 for t in topics_per_grade.values())
    for topic in {r["topic"] for r in rows}:
        assert {r["difficulty"] for r in rows if r["topic"] == topic} == {"1", "2", "3"}, topic
    assert {r["answer_type"] for r in rows} == {"numeric", "fraction", "multiple_choice", "text"}


def test_questions_are_unique_and_bengali_uses_bengali_digits():
    rows = _rows()
    for lang in ("en", "bn"):
        folded = Counter(re.sub(r"\W+", " ", r[f"question_{lang}"].casefold()) for r in rows)
        assert [q for q, n in folded.items() if n > 1] == []
    for row in rows:
        for column, text in row.items():
            if column.endswith("_bn") and text:
                assert not re.search(r"[0-9]", text), (row["code"], column)


def test_every_problem_has_three_hint_pairs_and_hint_one_never_gives_the_answer():
    for row in _rows():
        for level in (1, 2, 3):
            assert row[f"hint_{level}_en"] and row[f"hint_{level}_bn"], (row["code"], level)
        if row["answer_type"] in ("numeric", "fraction"):
            bare = row["answer"].rstrip("%")
            bengali = bare.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
            for column, form in (("hint_1_en", bare), ("hint_1_bn", bengali)):
                pattern = r"(?<![\d০-৯./])" + re.escape(form) + r"(?![\d০-৯/]|\.\d)"
                assert not re.search(pattern, row[column]), (row["code"], column)


@pytest.mark.django_db
def test_fresh_install_imports_280_active_problems_all_judged_correct(topics, capsys):
    call_command("import_problems", str(LIBRARY))
    assert "280 rows: 280 created, 0 updated, 0 unchanged, 0 errors" in capsys.readouterr().out

    problems = list(
        Problem.objects.select_related("topic")
        .prefetch_related("options", "hints")
        .filter(is_active=True)
    )
    assert len(problems) == 280
    assert all(Counter(p.topic.grade for p in problems)[g] >= 80 for g in (6, 7, 8))
    for problem in problems:
        hints = list(problem.hints.all())
        assert sorted(h.level for h in hints) == [1, 2, 3]
        assert all(h.text_en and h.text_bn and not h.is_ai_generated for h in hints)
        key = answer_key_for(problem)
        assert check_answer(key, problem.answer).verdict is Verdict.CORRECT, problem.code
        for lang in ("en", "bn"):
            shown = display_answer(key, lang)
            assert check_answer(key, shown).verdict is Verdict.CORRECT, (
                problem.code,
                shown,
            )

    call_command("import_problems", str(LIBRARY))
    assert "0 created, 0 updated, 280 unchanged" in capsys.readouterr().out
