"""Build problem spreadsheets in memory for import tests."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from apps.content.spreadsheet import COLUMNS


def problem_row(code: str = "g6-integers-90", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(
        code=code,
        grade="6",
        topic="g6-integers",
        subtopic="Adding integers",
        difficulty="1",
        answer_type="numeric",
        question_en=f"[{code}] It is -3 degrees and the temperature rises by 8 degrees. Now?",
        question_bn=f"[{code}] তাপমাত্রা -৩ ডিগ্রি, তারপর ৮ ডিগ্রি বাড়ে। এখন কত?",
        answer="5",
        hint_1_en="Rising means adding.",
        hint_1_bn="বাড়া মানে যোগ।",
        hint_2_en="Work out -3 + 8.",
        hint_2_bn="-৩ + ৮ হিসাব করো।",
        hint_3_en="Start at -3 and move 8 to the right.",
        hint_3_bn="-৩ থেকে ডানে ৮ ঘর যাও।",
        explanation_en="-3 + 8 = 5",
        explanation_bn="-৩ + ৮ = ৫",
        estimated_time_minutes="2",
        is_active="yes",
    )
    row.update(overrides)
    return row


def mcq_row(code: str = "g6-integers-91", **overrides: Any) -> dict[str, Any]:
    values = {
        "answer_type": "multiple_choice",
        "answer": "B",
        "question_en": f"[{code}] Which number is the smallest?",
        "question_bn": f"[{code}] কোন সংখ্যাটি সবচেয়ে ছোট?",
        "option_a_en": "-2",
        "option_a_bn": "-২",
        "option_b_en": "-7",
        "option_b_bn": "-৭",
        "option_c_en": "0",
        "option_c_bn": "০",
        "option_d_en": "3",
        "option_d_bn": "৩",
    }
    values.update(overrides)
    return problem_row(code, **values)


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    bom: bool = False,
    crlf: bool = False,
    columns: tuple[str, ...] | list[str] = COLUMNS,
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(
        out,
        fieldnames=list(columns),
        lineterminator="\r\n" if crlf else "\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(column) for column in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
