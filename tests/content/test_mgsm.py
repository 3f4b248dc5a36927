"""Real, human-translated bilingual content (MGSM, CC BY 4.0) through import and answer checking.

The files live in the workspace's shared/ folder beside the repository (not shipped with Dars);
the test is skipped with a clear reason where that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from apps.content.checker import Verdict, check_answer, parse_number
from apps.content.models import Problem, Topic
from apps.content.selectors import answer_key_for
from apps.content.services import problems_import
from tests.content.sheets import csv_bytes, problem_row

MGSM = Path(settings.BASE_DIR).parent / "shared" / "datasets" / "mgsm"
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not MGSM.is_dir(), reason=f"MGSM dataset not found at {MGSM}"),
]


def _mgsm_rows() -> list[dict[str, str]]:
    english = (MGSM / "mgsm_en.tsv").read_text(encoding="utf-8").splitlines()
    bengali = (MGSM / "mgsm_bn.tsv").read_text(encoding="utf-8").splitlines()
    assert len(english) == len(bengali) == 250
    rows = []
    for number, (en_line, bn_line) in enumerate(zip(english, bengali, strict=True), start=1):
        question_en, answer_en = en_line.rsplit("\t", 1)
        question_bn, answer_bn = bn_line.rsplit("\t", 1)
        assert answer_en == answer_bn
        no_hints = {f"hint_{n}_{lang}": "" for n in (1, 2, 3) for lang in ("en", "bn")}
        rows.append(
            problem_row(
                f"mgsm-{number:03d}",
                grade="8",
                topic="mgsm",
                subtopic="MGSM word problem",
                question_en=question_en,
                question_bn=question_bn,
                answer=answer_en,
                explanation_en="",
                explanation_bn="",
                **no_hints,
            )
        )
    return rows


def _grouped(number: int, lakh: bool) -> str:
    digits = str(abs(number))
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    size = 2 if lakh else 3
    groups: list[str] = []
    while head:
        groups.insert(0, head[-size:])
        head = head[:-size]
    return ",".join([*groups, tail])


def test_mgsm_imports_as_250_bilingual_problems_and_every_answer_checks():
    Topic.objects.create(code="mgsm", grade=8, name_en="MGSM", name_bn="এমজিএসএম")
    report = problems_import(data=csv_bytes(_mgsm_rows()), file_format="csv")
    assert report.ok, report.errors[:5]
    assert report.created == 250

    problems = list(Problem.objects.prefetch_related("options").filter(topic__code="mgsm"))
    assert len(problems) == 250
    assert all(p.question_en and p.question_bn and not p.hints.exists() for p in problems[:5])
    failures: list[tuple[str, str]] = []
    for problem in problems:
        key = answer_key_for(problem)
        parsed = parse_number(problem.answer)
        assert parsed is not None and parsed.denominator == 1, problem.answer
        value = int(parsed)
        forms = {
            str(value),
            str(value).translate(BENGALI),
            _grouped(value, lakh=False),
            _grouped(value, lakh=True).translate(BENGALI),
            f"{_grouped(value, lakh=False)} taka",
            f"৳{str(value).translate(BENGALI)}",
        }
        failures.extend(
            (problem.code, form)
            for form in forms
            if check_answer(key, form).verdict is not Verdict.CORRECT
        )
        if check_answer(key, str(value + 1)).verdict is not Verdict.INCORRECT:
            failures.append((problem.code, "off by one"))
    assert failures == []


def test_mgsm_bengali_text_survives_import_exactly():
    import unicodedata

    Topic.objects.create(code="mgsm", grade=8, name_en="MGSM", name_bn="এমজিএসএম")
    rows = _mgsm_rows()
    assert problems_import(data=csv_bytes(rows), file_format="csv").ok
    stored = dict(Problem.objects.values_list("code", "question_bn"))
    for row in rows:
        assert stored[row["code"]] == unicodedata.normalize("NFC", row["question_bn"]).strip()
    # Re-importing the same real content changes nothing.
    again = problems_import(data=csv_bytes(rows), file_format="csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 250)
