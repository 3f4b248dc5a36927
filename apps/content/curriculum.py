"""The chapters of the NCTB mathematics textbooks (2012 curriculum) for grades 6, 7 and 8.

Every topic in ``fixtures/topics.json`` names its chapter in ``outcome_code``:
``NCTB-<grade>-<chapter>`` (``NCTB-8-10`` is grade 8, chapter 10, *Circle*), optionally with a
section: ``NCTB-8-10.3``. This module is plain Python (no Django) so the content checks and the
writers' validation script can use it without a database.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Chapter(NamedTuple):
    grade: int
    number: int
    name_en: str
    name_bn: str

    @property
    def outcome_code(self) -> str:
        return f"NCTB-{self.grade}-{self.number}"


def _chapters(grade: int, *names: tuple[str, str]) -> tuple[Chapter, ...]:
    return tuple(Chapter(grade, number, en, bn) for number, (en, bn) in enumerate(names, start=1))


CHAPTERS: dict[int, tuple[Chapter, ...]] = {
    6: _chapters(
        6,
        ("Natural numbers and fractions", "স্বাভাবিক সংখ্যা ও ভগ্নাংশ"),
        ("Ratio and percentage", "অনুপাত ও শতকরা"),
        ("Integers", "পূর্ণসংখ্যা"),
        ("Algebraic expressions", "বীজগণিতীয় রাশি"),
        ("Simple equations", "সরল সমীকরণ"),
        ("Basic concepts of geometry", "জ্যামিতির মৌলিক ধারণা"),
        ("Practical geometry", "ব্যবহারিক জ্যামিতি"),
        ("Information and data", "তথ্য ও উপাত্ত"),
    ),
    7: _chapters(
        7,
        ("Rational and irrational numbers", "মূলদ ও অমূলদ সংখ্যা"),
        ("Proportion, profit and loss", "সমানুপাত ও লাভ-ক্ষতি"),
        ("Measurement", "পরিমাপ"),
        (
            "Multiplication and division of algebraic expressions",
            "বীজগণিতীয় রাশির গুণ ও ভাগ",
        ),
        ("Algebraic formulae and applications", "বীজগণিতীয় সূত্রাবলি ও প্রয়োগ"),
        ("Algebraic fractions", "বীজগণিতীয় ভগ্নাংশ"),
        ("Simple equations", "সরল সমীকরণ"),
        ("Parallel lines", "সমান্তরাল সরলরেখা"),
        ("Triangles", "ত্রিভুজ"),
        ("Congruence and similarity", "সর্বসমতা ও সদৃশতা"),
        ("Information and data", "তথ্য ও উপাত্ত"),
    ),
    8: _chapters(
        8,
        ("Patterns", "প্যাটার্ন"),
        ("Profit", "মুনাফা"),
        ("Measurement", "পরিমাপ"),
        ("Algebraic formulae and applications", "বীজগণিতীয় সূত্রাবলি ও প্রয়োগ"),
        ("Algebraic fractions", "বীজগণিতীয় ভগ্নাংশ"),
        ("Simple simultaneous equations", "সরল সহসমীকরণ"),
        ("Set", "সেট"),
        ("Quadrilaterals", "চতুর্ভুজ"),
        ("Pythagoras theorem", "পিথাগোরাসের উপপাদ্য"),
        ("Circle", "বৃত্ত"),
        ("Information and data", "তথ্য ও উপাত্ত"),
    ),
}

_OUTCOME_CODE = re.compile(r"NCTB-([1-9][0-9]?)-([1-9][0-9]?)(?:\.([1-9][0-9]?))?")


def parse_outcome_code(code: str) -> tuple[int, int, int | None]:
    """``"NCTB-8-10.3"`` -> ``(8, 10, 3)``; ``"NCTB-6-7"`` -> ``(6, 7, None)``.

    Raises ValueError for anything else (wrong prefix, missing parts, leading zeros, spaces).
    The chapter need not exist; use :func:`chapter_for` for that.
    """
    match = _OUTCOME_CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None:
        raise ValueError(f"malformed outcome code {code!r}: expected NCTB-<grade>-<chapter>[.<n>]")
    grade, chapter, section = match.groups()
    return int(grade), int(chapter), int(section) if section else None


def chapter_for(outcome_code: str) -> Chapter:
    """The textbook chapter an outcome code points to; ValueError if there is no such chapter."""
    grade, number, _section = parse_outcome_code(outcome_code)
    chapters = CHAPTERS.get(grade, ())
    if not 1 <= number <= len(chapters):
        raise ValueError(f"{outcome_code!r}: grade {grade} has no chapter {number}")
    return chapters[number - 1]


def all_chapters() -> tuple[Chapter, ...]:
    """Every chapter of grades 6, 7 and 8, in order."""
    return tuple(chapter for grade in sorted(CHAPTERS) for chapter in CHAPTERS[grade])
