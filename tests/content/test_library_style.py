"""House style of the problem library (fixtures/CONTENT_GUIDE.md, every rule marked "(test)").

Pure tests, no database. The rules live in ``tests/content/library_rules.py`` (the writers'
``work/validate.py`` runs them too); the curriculum in ``apps/content/curriculum.py``.

* the shipped ``fixtures/problems.csv`` has no violations, no near-duplicates, and covers every
  NCTB chapter;
* every rule catches a violation planted into a copy of a good row (so the rules are known to
  work whatever the state of the library);
* the near-duplicate check flags the clusters the reviewers found in the original library and
  leaves genuinely different questions alone.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from apps.content.curriculum import (
    CHAPTERS,
    Chapter,
    all_chapters,
    chapter_for,
    parse_outcome_code,
)
from tests.content import library_rules as rules

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "fixtures" / "problems.csv"
TOPICS = ROOT / "fixtures" / "topics.json"

Row = dict[str, str]


def _library() -> list[Row]:
    with LIBRARY.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _topics() -> list[dict[str, object]]:
    fields: list[dict[str, object]] = [
        t["fields"] for t in json.loads(TOPICS.read_text(encoding="utf-8"))
    ]
    return fields


def _topic_chapters() -> dict[str, tuple[int, int]]:
    mapping = {}
    for topic in _topics():
        grade, chapter, _section = parse_outcome_code(str(topic["outcome_code"]))
        mapping[str(topic["code"])] = (grade, chapter)
    return mapping


def _grade_chapters() -> list[tuple[int, int]]:
    return [(c.grade, c.number) for c in all_chapters()]


# ---------------------------------------------------------------------------------------------
# Good rows: each passes every rule. The planted tests copy one and break one thing.

BLANK = {
    "code": "",
    "grade": "6",
    "topic": "g6-unitary-method",
    "subtopic": "",
    "difficulty": "1",
    "answer_type": "numeric",
    "question_en": "",
    "question_bn": "",
    "answer": "",
    "answer_bn": "",
    "accepted_answers": "",
    "tolerance": "",
    "simplest_form": "",
    **{f"option_{x}_{lang}": "" for x in "abcd" for lang in ("en", "bn")},
    **{f"hint_{n}_{lang}": "" for n in (1, 2, 3) for lang in ("en", "bn")},
    "explanation_en": "",
    "explanation_bn": "",
    "estimated_time_minutes": "2",
    "is_active": "yes",
}


def _row(**fields: str) -> Row:
    return {**BLANK, **fields}


NUMERIC = _row(
    code="g6-unitary-method-91",
    subtopic="Cost of many from the cost of one",
    question_en=(
        "A rickshaw ride from the bus stand to the school in Rajshahi costs 40 taka. "
        "Rupa Chakma takes the ride 12 times in a month. How much does she pay?"
    ),
    question_bn=(
        "রাজশাহীতে বাসস্ট্যান্ড থেকে স্কুল পর্যন্ত রিকশাভাড়া ৪০ টাকা। রুপা চাকমা এক মাসে ১২ বার "
        "এই পথে রিকশায় যায়। সে মোট কত টাকা দেয়?"
    ),
    answer="480",
    hint_1_en="She pays the same fare every time.",
    hint_1_bn="প্রতিবার সে একই ভাড়া দেয়।",
    hint_2_en="Multiply the fare for one ride by the number of rides.",
    hint_2_bn="একবারের ভাড়াকে কতবার গেল তা দিয়ে গুণ করো।",
    hint_3_en="Work out 12 × 40.",
    hint_3_bn="১২ × ৪০ বের করো।",
    explanation_en=(
        "One ride costs 40 taka and she rides 12 times, so she pays 12 × 40 = 480 taka. "
        "The distance is 3 km and the fare does not change, so multiplying is right: 480 taka."
    ),
    explanation_bn=(
        "একবারের ভাড়া ৪০ টাকা, আর সে ১২ বার যায়, তাই সে দেয় ১২ × ৪০ = ৪৮০ টাকা। পথটি ৩ কি.মি. "
        "এবং ভাড়া বদলায় না, তাই ১২-কে ৪০ দিয়ে গুণ করাই ঠিক: ৪৮০ টাকা।"
    ),
)

MCQ = _row(
    code="g6-unitary-method-92",
    subtopic="Cost of many from the cost of one",
    answer_type="multiple_choice",
    question_en="Ratna buys 3 notebooks at 45 taka each. How much does she pay?",
    question_bn="রত্না প্রতিটি ৪৫ টাকা দামে ৩টি খাতা কিনল। সে কত টাকা দিল?",
    answer="B",
    option_a_en="48 taka",
    option_a_bn="৪৮ টাকা",
    option_b_en="135 taka",
    option_b_bn="১৩৫ টাকা",
    option_c_en="15 taka",
    option_c_bn="১৫ টাকা",
    option_d_en="145 taka",
    option_d_bn="১৪৫ টাকা",
    hint_1_en="Every notebook costs the same.",
    hint_1_bn="প্রতিটি খাতার দাম একই।",
    hint_2_en="Multiply the price of one notebook by the number of notebooks.",
    hint_2_bn="একটি খাতার দামকে খাতার সংখ্যা দিয়ে গুণ করো।",
    hint_3_en="Work out 3 × 45.",
    hint_3_bn="৩ × ৪৫ বের করো।",
    explanation_en=(
        "Each notebook costs 45 taka, so 3 notebooks cost 3 × 45 = 135 taka: B. "
        "A comes from adding 45 + 3 instead of multiplying; C comes from dividing 45 by 3; "
        "D is a slip in the multiplication."
    ),
    explanation_bn=(
        "প্রতিটি খাতার দাম ৪৫ টাকা, তাই ৩টি খাতার দাম ৩ × ৪৫ = ১৩৫ টাকা: খ। "
        "ক আসে গুণ না করে ৪৫ + ৩ যোগ করলে; গ আসে ৪৫-কে ৩ দিয়ে ভাগ করলে; ঘ গুণে ভুল করলে আসে।"
    ),
)


def _text(code: str, question_en: str, question_bn: str, answer: str, answer_bn: str) -> Row:
    return _row(
        code=code,
        topic="g6-lines-angles",
        subtopic="Classifying",
        answer_type="text",
        question_en=question_en,
        question_bn=question_bn,
        answer=answer,
        answer_bn=answer_bn,
        accepted_answers=answer_bn,
        hint_1_en="Look at the sides.",
        hint_1_bn="বাহুগুলো দেখো।",
        hint_2_en="Compare the lengths of the sides.",
        hint_2_bn="বাহুগুলোর দৈর্ঘ্য তুলনা করো।",
        hint_3_en="Check which sides are equal.",
        hint_3_bn="কোন বাহুগুলো সমান দেখো।",
        explanation_en=(
            "Compare the lengths of the sides one pair at a time and name the triangle from what "
            f"you find: {answer}."
        ),
        explanation_bn=(
            f"বাহুগুলোর দৈর্ঘ্য জোড়ায় জোড়ায় তুলনা করো এবং যা পাও সেই অনুযায়ী ত্রিভুজের নাম দাও: {answer_bn}।"
        ),
    )


YES = _text(
    "g6-lines-angles-91",
    "Joyita says a triangle with sides 5 cm, 5 cm and 5 cm is equilateral. Is she right? "
    "Answer yes or no.",
    "জয়িতা বলে, ৫ সে.মি., ৫ সে.মি. ও ৫ সে.মি. বাহুর ত্রিভুজটি সমবাহু। তার কথা কি ঠিক? হ্যাঁ অথবা না লেখো।",
    "yes",
    "হ্যাঁ",
)
NO = _text(
    "g6-lines-angles-92",
    "Can sticks of 3 cm, 4 cm and 9 cm make a triangle? Answer yes or no.",
    "৩ সে.মি., ৪ সে.মি. ও ৯ সে.মি. লম্বা কাঠি দিয়ে কি একটি ত্রিভুজ বানানো যায়? হ্যাঁ অথবা না লেখো।",
    "no",
    "না",
)
OPEN_TEXTS = [
    _text(
        f"g6-lines-angles-9{n}",
        f"A triangle has sides of {a} cm, {b} cm and {c} cm. What is its name by its sides?",
        f"একটি ত্রিভুজের বাহুগুলো {bn}। বাহু অনুযায়ী ত্রিভুজটির নাম কী?",
        answer,
        answer_bn,
    )
    for n, (a, b, c, bn, answer, answer_bn) in enumerate(
        [
            (4, 4, 6, "৪ সে.মি., ৪ সে.মি. ও ৬ সে.মি.", "isosceles", "সমদ্বিবাহু"),
            (4, 5, 6, "৪ সে.মি., ৫ সে.মি. ও ৬ সে.মি.", "scalene", "বিষমবাহু"),
            (7, 7, 7, "৭ সে.মি., ৭ সে.মি. ও ৭ সে.মি.", "equilateral", "সমবাহু"),
            (6, 6, 9, "৬ সে.মি., ৬ সে.মি. ও ৯ সে.মি.", "isosceles", "সমদ্বিবাহু"),
        ],
        start=3,
    )
]
GOOD_ROWS = [NUMERIC, MCQ, YES, NO, *OPEN_TEXTS]


def test_the_good_rows_have_no_violations_and_no_near_duplicates():
    assert rules.violations(GOOD_ROWS) == []
    assert rules.near_duplicates([NUMERIC, MCQ, YES, NO]) == []


# ---------------------------------------------------------------------------------------------
# (a) The shipped library


def test_shipped_library_follows_the_house_style():
    found = rules.violations(_library())
    assert found == [], f"{len(found)} violations:\n" + "\n".join(found[:80])


def test_shipped_library_has_no_near_duplicates():
    report = rules.near_duplicate_report(_library())
    assert report == [], "\n".join(f"{a} ~ {b}: {why}" for a, b, why in report)


# ---------------------------------------------------------------------------------------------
# (b) Every rule catches a planted violation

Plant = Callable[[Row], None]


def _set(column: str, value: str) -> Plant:
    def plant(row: Row) -> None:
        row[column] = value

    return plant


def _replace(column: str, old: str, new: str) -> Plant:
    def plant(row: Row) -> None:
        assert old in row[column], (column, old)
        row[column] = row[column].replace(old, new, 1)

    return plant


def _append(column: str, text: str) -> Plant:
    def plant(row: Row) -> None:
        row[column] = row[column] + text

    return plant


# (name, good row, plant, column named in the message, words the message must contain)
PLANTED: list[tuple[str, Row, Plant, str, str]] = [
    # Bengali digits only in Bengali columns
    ("ascii-digit-bn", NUMERIC, _replace("question_bn", "৪০ টাকা", "40 টাকা"), "question_bn", "ASCII"),
    ("ascii-digit-hint", NUMERIC, _replace("hint_3_bn", "১২", "12"), "hint_3_bn", "ASCII"),
    ("ascii-digit-option", MCQ, _set("option_c_bn", "15 টাকা"), "option_c_bn", "ASCII"),
    ("bengali-digit-en", NUMERIC, _replace("hint_3_en", "12", "১২"), "hint_3_en", "Bengali digit"),
    # minus and hyphen
    (
        "hyphen-minus-number",
        NUMERIC,
        _append("hint_2_en", " Then −5 + 5 = 0, -3."),
        "hint_2_en",
        "minus",
    ),
    ("hyphen-minus-bn", NUMERIC, _append("hint_2_bn", " তাপমাত্রা -৫°।"), "hint_2_bn", "minus"),
    (
        "spaced-hyphen",
        NUMERIC,
        _append("explanation_en", " So 500 - 20 = 480."),
        "explanation_en",
        "hyphen",
    ),
    ("hyphen-algebra", NUMERIC, _append("hint_2_en", " Use x-y."), "hint_2_en", "hyphen"),
    (
        "hyphen-after-number",
        NUMERIC,
        _append("question_en", " It is a 3-km ride."),
        "question_en",
        "hyphen",
    ),
    ("hyphen-bracket", NUMERIC, _append("hint_2_en", " (x + 2)-(x + 1)"), "hint_2_en", "bracket"),
    # ranges
    ("range-hyphen", NUMERIC, _append("question_en", " Marks 40-49."), "question_en", "range"),
    ("range-hyphen-bn", NUMERIC, _append("question_bn", " নম্বর ৪০-৪৯।"), "question_bn", "range"),
    ("range-spaced", NUMERIC, _append("question_en", " Marks 40 – 49."), "question_en", "en dash"),
    ("en-dash-minus", NUMERIC, _append("hint_2_en", " Add –5."), "hint_2_en", "en dash"),
    # units (Bengali)
    (
        "unit-semi",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ সেমি"),
        "explanation_bn",
        "সে.মি.",
    ),
    (
        "unit-se-mi-no-dot",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি. ", "৩ সে.মি "),
        "explanation_bn",
        "dot",
    ),
    (
        "unit-centimetre-bn",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ সেন্টিমিটার"),
        "explanation_bn",
        "সে.মি.",
    ),
    (
        "unit-borgo-semi",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ বর্গসেমি"),
        "explanation_bn",
        "বর্গ সে.মি.",
    ),
    (
        "unit-meter-bn",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ মিটার"),
        "explanation_bn",
        "মি.",
    ),
    (
        "unit-kimi",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ কিমি"),
        "explanation_bn",
        "কি.মি.",
    ),
    (
        "unit-kilometre-bn",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ কিলোমিটার"),
        "explanation_bn",
        "কি.মি.",
    ),
    (
        "unit-mimi",
        NUMERIC,
        _replace("explanation_bn", "৩ কি.মি.", "৩ মিমি"),
        "explanation_bn",
        "মি.মি.",
    ),
    ("unit-ghonta", NUMERIC, _append("question_bn", " এতে ১ ঘন্টা লাগে।"), "question_bn", "ঘণ্টা"),
    ("unit-taka-sign", NUMERIC, _replace("question_bn", "৪০ টাকা", "৳৪০"), "question_bn", "টাকা"),
    ("unit-degree-bn", NUMERIC, _append("hint_1_bn", " কোণটি ৬০ ডিগ্রি।"), "hint_1_bn", "°"),
    # units (English)
    ("unit-tk", NUMERIC, _replace("question_en", "40 taka", "Tk 40"), "question_en", "taka"),
    ("unit-sq-cm", NUMERIC, _append("question_en", " The card is 12 sq cm."), "question_en", "cm²"),
    (
        "unit-square-cm",
        NUMERIC,
        _append("question_en", " The card is 12 square cm."),
        "question_en",
        "cm²",
    ),
    (
        "unit-cm-caret",
        NUMERIC,
        _append("question_en", " The card is 12 cm^2."),
        "question_en",
        "cm²",
    ),
    (
        "unit-meter",
        NUMERIC,
        _replace("explanation_en", "3 km", "3000 meters"),
        "explanation_en",
        "metre",
    ),
    (
        "unit-metres-after-number",
        NUMERIC,
        _replace("explanation_en", "3 km", "3000 metres"),
        "explanation_en",
        "m",
    ),
    (
        "unit-liter",
        NUMERIC,
        _append("question_en", " She drinks 2 liters of water."),
        "question_en",
        "litres",
    ),
    (
        "unit-square-metres",
        NUMERIC,
        _append("question_en", " The yard is 50 square metres."),
        "question_en",
        "m²",
    ),
    (
        "unit-degrees",
        NUMERIC,
        _append("hint_1_en", " The angle is 60 degrees."),
        "hint_1_en",
        "60°",
    ),
    ("unit-hrs", NUMERIC, _append("question_en", " It takes 2 hrs."), "question_en", "hours"),
    # case suffixes
    (
        "suffix-er-detached",
        NUMERIC,
        _replace("explanation_bn", "১২-কে", "১২ কে"),
        "explanation_bn",
        "suffix",
    ),
    ("suffix-er-number", NUMERIC, _append("hint_2_bn", " ৪০ এর ১২ গুণ।"), "hint_2_bn", "suffix"),
    ("suffix-letter", NUMERIC, _append("hint_2_bn", " x এর মান।"), "hint_2_bn", "suffix"),
    ("suffix-no-hyphen", NUMERIC, _append("hint_2_bn", " ৪০এর ১২ গুণ।"), "hint_2_bn", "suffix"),
    # address
    ("apni-verb", NUMERIC, _replace("hint_3_bn", "বের করো", "বের করুন"), "hint_3_bn", "আপনি"),
    ("apni-likhun", MCQ, _replace("hint_2_bn", "গুণ করো", "গুণ করে লিখুন"), "hint_2_bn", "আপনি"),
    ("apni-pronoun", NUMERIC, _append("hint_1_bn", " আপনি ভাবুন।"), "hint_1_bn", "আপনি"),
    ("old-nirnoy-kor", NUMERIC, _replace("hint_3_bn", "বের করো।", "নির্ণয় কর।"), "hint_3_bn", "old"),
    # explanations
    (
        "explanation-short-en",
        NUMERIC,
        _set("explanation_en", "12 × 40 = 480."),
        "explanation_en",
        "shorter",
    ),
    ("explanation-short-bn", MCQ, _set("explanation_bn", "খ।"), "explanation_bn", "shorter"),
    ("explanation-missing", NUMERIC, _set("explanation_bn", ""), "explanation_bn", "missing"),
    # multiple choice
    (
        "mcq-distractor-en",
        MCQ,
        _replace("explanation_en", "C comes from dividing 45 by 3; ", ""),
        "explanation_en",
        "option C",
    ),
    (
        "mcq-distractor-bn",
        MCQ,
        _replace("explanation_bn", "গ আসে ৪৫-কে ৩ দিয়ে ভাগ করলে; ", ""),
        "explanation_bn",
        "option গ",
    ),
    (
        "mcq-latin-letter-bn",
        MCQ,
        _append("explanation_bn", " সঠিক উত্তর B।"),
        "explanation_bn",
        "Latin",
    ),
    ("mcq-latin-bracket-bn", MCQ, _append("explanation_bn", " A) ভুল।"), "explanation_bn", "Latin"),
    # text answers
    ("text-without-answer-bn", OPEN_TEXTS[0], _set("answer_bn", ""), "answer_bn", "answer_bn"),
    (
        "yes-no-wording-en",
        YES,
        _replace("question_en", "Answer yes or no.", "Type yes or no."),
        "question_en",
        "Answer yes or no.",
    ),
    (
        "yes-no-wording-bn",
        NO,
        _replace("question_bn", "হ্যাঁ অথবা না লেখো।", "'হ্যাঁ' অথবা 'না' লেখো।"),
        "question_bn",
        "হ্যাঁ অথবা না লেখো।",
    ),
    (
        "yes-no-wording-bn-old",
        NO,
        _replace("question_bn", "হ্যাঁ অথবা না লেখো।", "হ্যাঁ অথবা না লিখে উত্তর দাও।"),
        "question_bn",
        "হ্যাঁ অথবা না লেখো।",
    ),
    ("yes-no-answer-bn", YES, _set("answer_bn", "হ্যা"), "answer_bn", "হ্যাঁ"),
    # paisa
    ("paisa-en", NUMERIC, _replace("question_en", "40 taka", "40.50 taka"), "question_en", "paisa"),
    ("paisa-bn", NUMERIC, _replace("question_bn", "৪০ টাকা", "৪০.৫০ টাকা"), "question_bn", "paisa"),
    ("paisa-word", NUMERIC, _append("question_bn", " ভাড়া ৫০ পয়সা বাড়ল।"), "question_bn", "paisa"),
]


@pytest.mark.parametrize(
    ("good", "plant", "column", "words"),
    [
        pytest.param(good, plant, column, words, id=name)
        for name, good, plant, column, words in PLANTED
    ],
)
def test_a_planted_violation_is_reported(good: Row, plant: Plant, column: str, words: str):
    row = dict(good)
    plant(row)
    found = rules.violations([row])
    assert any(line.startswith(f"{row['code']} {column}:") and words in line for line in found), (
        found
    )


def test_a_planted_violation_is_reported_once_per_column_with_the_text_quoted():
    row = dict(NUMERIC)
    row["question_bn"] = row["question_bn"].replace("৪০ টাকা", "40 টাকা")
    [line] = rules.violations([row])
    assert line.startswith("g6-unitary-method-91 question_bn: ASCII digit")
    assert "«" in line and "40 টাকা" in line


def test_yes_no_questions_must_be_balanced():
    yes2 = {**YES, "code": "g6-lines-angles-99"}
    yes3 = {**YES, "code": "g6-lines-angles-98"}
    more = [{**row, "code": row["code"] + "1"} for row in OPEN_TEXTS]
    assert rules.violations([YES, NO, *OPEN_TEXTS]) == []
    assert rules.violations([YES, yes2, NO, *OPEN_TEXTS, *more]) == []  # 2 against 1: within ±1
    found = rules.violations([YES, yes2, yes3, NO, *OPEN_TEXTS, *more])
    assert any(line.startswith("yes/no balance: 3 yes and 1 no") for line in found), found


def test_at_most_a_third_of_text_problems_have_two_plausible_answers():
    # 2 of 6 (yes and no) is a third: fine.
    assert rules.violations([YES, NO, *OPEN_TEXTS]) == []
    profit = _text(
        "g7-profit-loss-91",
        "Milon bought a bicycle for 6000 taka and sold it for 5400 taka. Did he make a profit "
        "or a loss?",
        "মিলন ৬০০০ টাকায় একটি সাইকেল কিনে ৫৪০০ টাকায় বিক্রি করল। তার লাভ হলো, না ক্ষতি?",
        "loss",
        "ক্ষতি",
    )
    found = rules.violations([YES, NO, profit, *OPEN_TEXTS])
    assert any(line.startswith("two plausible answers: 3 of 7") for line in found), found
    assert "g7-profit-loss-91" in next(line for line in found if "two plausible" in line)


@pytest.mark.parametrize(
    ("question", "answer", "two_way"),
    [
        ("Is 91 prime? Answer yes or no.", "no", True),
        ("Is 91 a prime number or a composite number? Type prime or composite.", "composite", True),
        ("Did she make a profit or a loss?", "loss", True),
        ("Is the relation a direct or an inverse proportion?", "inverse", True),
        ("What kind of proportion is this?", "inverse", True),
        (
            "Rahim has read 5/8 of the book and Karim has read 0.6 of it. Who has read more?",
            "Rahim",
            True,
        ),
        ("Which shop is cheaper, Shop A or Shop B?", "Shop A", True),
        ("Is the triangle acute-angled, right-angled or obtuse-angled?", "obtuse-angled", False),
        ("Type acute, right, obtuse, straight or reflex.", "obtuse", False),
        (
            "Rina, Mitu and Anik ran. Rina ran 5 km, Mitu ran 4 km and Anik ran 6 km. "
            "Who ran most?",
            "Anik",
            False,
        ),
        (
            "What special type of quadrilateral is it? Give the most specific name.",
            "rhombus",
            False,
        ),
        ("How many red or blue balls are in the bag altogether?", "nine", False),
    ],
)
def test_two_plausible_answers_is_defined_concretely(question: str, answer: str, two_way: bool):
    row = _row(answer_type="text", question_en=question, answer=answer)
    assert rules.has_two_plausible_answers(row) is two_way


def test_violations_never_raise_on_odd_rows():
    odd: list[dict[str, str]] = [
        {},
        {"code": "x"},
        {"code": "y", "answer_type": "multiple_choice", "answer": "Z"},
        {"code": "z", "answer_type": "text", "question_en": "", "question_bn": ""},
        {"code": "w", "question_bn": None, "hint_3_en": None},  # type: ignore[dict-item]
        {None: "extra", "code": "v"},  # type: ignore[dict-item]
    ]
    found = rules.violations(odd)
    assert all(isinstance(line, str) for line in found)
    assert rules.near_duplicates(odd) == []
    assert rules.violations([]) == []


# ---------------------------------------------------------------------------------------------
# (c) Curriculum


def test_the_nctb_chapters_of_grades_6_to_8():
    assert [len(CHAPTERS[g]) for g in (6, 7, 8)] == [8, 11, 11]
    for grade, chapters in CHAPTERS.items():
        assert [c.number for c in chapters] == list(range(1, len(chapters) + 1))
        assert all(c.grade == grade and c.name_en and c.name_bn for c in chapters)
    assert chapter_for("NCTB-8-10") == Chapter(8, 10, "Circle", "বৃত্ত")
    assert chapter_for("NCTB-6-7.2").name_bn == "ব্যবহারিক জ্যামিতি"
    assert chapter_for("NCTB-7-6").name_en == "Algebraic fractions"
    assert chapter_for("NCTB-8-10").outcome_code == "NCTB-8-10"


@pytest.mark.parametrize(
    ("code", "parsed"),
    [("NCTB-8-10", (8, 10, None)), ("NCTB-6-7.3", (6, 7, 3)), ("NCTB-7-1", (7, 1, None))],
)
def test_parse_outcome_code(code: str, parsed: tuple[int, int, int | None]):
    assert parse_outcome_code(code) == parsed


@pytest.mark.parametrize(
    "code",
    [
        "",
        "NCTB-8",
        "NCTB-8-",
        "nctb-8-10",
        "NCTB-8-10.",
        "NCTB-08-10",
        "NCTB-8-10 ",
        "8-10",
        "NCTB-8-x",
    ],
)
def test_parse_outcome_code_refuses_a_malformed_code(code: str):
    with pytest.raises(ValueError, match="malformed"):
        parse_outcome_code(code)


@pytest.mark.parametrize("code", ["NCTB-6-9", "NCTB-7-12", "NCTB-5-1", "NCTB-9-1"])
def test_chapter_for_refuses_a_chapter_that_does_not_exist(code: str):
    with pytest.raises(ValueError, match="has no chapter"):
        chapter_for(code)


def test_every_topic_names_a_chapter_of_its_own_grade():
    for topic in _topics():
        chapter = chapter_for(str(topic["outcome_code"]))
        assert chapter.grade == topic["grade"], topic


def test_every_chapter_has_at_least_five_problems_and_every_topic_all_difficulties():
    rows = _library()
    assert rules.chapter_gaps(rows, _topic_chapters(), _grade_chapters()) == []
    assert rules.topic_gaps(rows) == []


def test_coverage_helpers_detect_a_planted_gap():
    topic_chapters = {"g6-a": (6, 1), "g6-b": (6, 2)}
    rows = [{"topic": "g6-a", "difficulty": str(1 + n % 3)} for n in range(5)] + [
        {"topic": "g6-b", "difficulty": "1"} for _ in range(4)
    ]
    assert rules.chapter_gaps(rows, topic_chapters, [(6, 1)]) == []
    assert rules.chapter_gaps(rows, topic_chapters, [(6, 1), (6, 2), (6, 3)]) == [
        "grade 6 chapter 2: 4 problems (at least 5)",
        "grade 6 chapter 3: 0 problems (at least 5)",
    ]
    assert rules.topic_gaps(rows) == ["topic g6-b: difficulties ['1'], needs 1, 2 and 3"]


# ---------------------------------------------------------------------------------------------
# (d) Near-duplicates


def _copy(row: Row, code: str, **changes: tuple[str, str]) -> Row:
    copy = {**row, "code": code}
    for column, (old, new) in changes.items():
        assert old in copy[column], (column, old)
        copy[column] = copy[column].replace(old, new)
    return copy


def test_a_copy_with_other_numbers_and_another_name_is_a_near_duplicate():
    copy = _copy(
        NUMERIC,
        "g7-ratio-proportion-91",
        question_en=("Rupa Chakma takes the ride 12", "Anik takes the ride 18"),
    )
    copy["question_en"] = (
        copy["question_en"].replace("40 taka", "55 taka").replace("Rajshahi", "Sylhet")
    )
    assert rules.near_duplicates([NUMERIC, MCQ, copy]) == [
        ("g6-unitary-method-91", "g7-ratio-proportion-91")
    ]


def _q(code: str, question_en: str) -> Row:
    return _row(code=code, question_en=question_en)


# Questions from the original library (a096bda) that the reviewers called near-duplicates.
REVIEWED_CLUSTERS = [
    [
        _q(
            "g6-st-01",
            "Joy scored 22, 18, 30, 12 and 38 runs in five cricket matches. "
            "What is the mean of his runs?",
        ),
        _q(
            "g7-st-01",
            "Joy scored 12, 17, 9, 18 and 24 runs in five cricket matches. "
            "What is the mean of his runs?",
        ),
        _q(
            "g8-st-03",
            "Tamim scored 14, 18, 20, 16 and 22 runs in 5 cricket matches. What is his mean score?",
        ),
    ],
    [
        _q(
            "g6-st-04",
            "Six students got these marks in a test: 45, 62, 38, 70, 55, 49. "
            "What is the median mark?",
        ),
        _q(
            "g7-st-07",
            "Six friends read 4, 9, 6, 12, 15 and 8 story books during the summer holiday. "
            "What is the median number of books?",
        ),
        _q(
            "g8-st-05",
            "A fisherman at Chandpur sold 25, 31, 18, 40, 22 and 35 ilish fish on six days. "
            "Find the median of these numbers.",
        ),
    ],
    [
        _q(
            "g6-ap-07",
            "The floor of a room is 6 m long and 4 m wide. How many square tiles with sides of "
            "50 cm are needed to cover the floor completely?",
        ),
        _q(
            "g7-me-06",
            "The floor of a room is 6 m long and 4.5 m wide. How many square tiles of side 30 cm "
            "are needed to cover it completely?",
        ),
    ],
    [
        _q(
            "g6-ap-08",
            "A rectangular garden is 20 m long and 15 m wide. A path 2 m wide runs all around the "
            "outside of the garden. What is the area of the path in square metres?",
        ),
        _q(
            "g7-me-09",
            "A rectangular garden is 40 m long and 30 m wide. A path 2 m wide runs all around the "
            "garden, just inside its boundary. What is the area of the path in square metres?",
        ),
    ],
    [
        _q(
            "g6-um-08",
            "A hostel in Khulna has enough food for 60 students for 20 days. If 20 more students "
            "join, how many days will the same food last?",
        ),
        _q(
            "g7-rp-10",
            "A hostel in Sylhet has enough food for 120 students for 30 days. After 10 days, 40 "
            "more students join. For how many more days will the remaining food last?",
        ),
    ],
    [
        _q(
            "g6-la-05",
            "Two angles of a triangle are 35° and 45°. Is the triangle acute-angled, right-angled "
            "or obtuse-angled?",
        ),
        _q(
            "g7-pl-06",
            "Two angles of a triangle are 40° and 45°. Classify the triangle by its angles: "
            "acute-angled, right-angled or obtuse-angled?",
        ),
    ],
    [
        _q(
            "g8-in-01",
            "Find the simple interest on 5000 taka for 3 years at 8% per year. Answer in taka.",
        ),
        _q(
            "g8-in-02",
            "Nusrat deposits 15000 taka in a bank at 7% simple interest per year. How much "
            "interest does she get after 1 year? Answer in taka.",
        ),
        _q("g8-in-03", "What is the simple interest on 2500 taka for 4 years at 10% per year?"),
    ],
    [
        _q(
            "g7-ao-08",
            "Divide 6x²y by 9xy² and find the value of the quotient when x = 2 and y = 5. Give "
            "your answer as a fraction in lowest terms.",
        ),
        _q("g8-af-02", "Which is 6x²y / (9xy²) in its lowest terms?"),
    ],
]

# Questions of the same chapters that ask something else: none of them may be flagged.
DIFFERENT = [
    _q(
        "g8-ci-01",
        "Find the circumference of a circle of radius 7 cm. (Take π = 22/7.) Answer in cm.",
    ),
    _q(
        "g8-ci-02",
        "Find the area of a circle of radius 14 cm. (Take π = 22/7.) Answer in square cm.",
    ),
    _q("g6-nn-01", "Find the LCM of 12 and 18."),
    _q("g6-nn-02", "Find the HCF of 42 and 70."),
    _q("g6-se-01", "Solve: x + 17 = 42."),
    _q("g7-le-02", "Solve: 3(x + 4) = 33. What is x?"),
    _q("g8-st-02", "Find the median of the data: 12, 7, 15, 9, 20."),
    _q(
        "g8-in-04",
        "Rafiq gets 960 taka simple interest on 4000 taka in 3 years. "
        "What is the rate of interest per year?",
    ),
    _q(
        "g8-in-05",
        "In how many years will 6000 taka earn 1800 taka simple interest at 6% per year?",
    ),
    _q(
        "g6-st-02",
        "The maximum temperatures in Sylhet on the seven days of a week were 31, 28, 33, 29, "
        "35, 30 and 27 (in °C). What is the range of these temperatures?",
    ),
    _q("g6-la-04", "Two angles of a triangle are 48° and 67°. Find the third angle in degrees."),
    _q(
        "g8-qu-01",
        "Three angles of a quadrilateral are 80°, 95° and 110°. "
        "How many degrees is the fourth angle?",
    ),
]


def test_the_near_duplicates_the_reviewers_found_are_flagged_and_others_are_not():
    rows = [row for cluster in REVIEWED_CLUSTERS for row in cluster] + DIFFERENT
    found = rules.clusters(rules.near_duplicates(rows))
    expected = sorted(sorted(row["code"] for row in cluster) for cluster in REVIEWED_CLUSTERS)
    assert found == expected


def test_near_duplicate_masking():
    tokens = rules.mask_en(
        "Rahim buys 12 mangoes in Sylhet for 300 taka. Give your answer in taka."
    )
    assert tokens == ["@", "buys", "#", "mangoes", "@", "#", "taka"]
    assert rules.mask_en("Find ∠ABC when x - 3 = 5.")[:4] == ["find", "∠", "L", "when"]
    assert rules.task_signature("Find the median of 4, 8, 1, 9, 7 and 3.") == ("median", "even")
    assert rules.algebra_terms("Simplify 6x²y / (9xy²) + 5x.") == {"6x²y", "9xy²"}
