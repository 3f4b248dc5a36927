"""Item statistics from aggregated answers (pure Python, no Django).

The database groups a problem's final answers into cells — one per (version, language, hints
used, correct?, the student's first answer to the problem?, first to that version?) with their
count and the sums of the students' abilities — plus a histogram of time spent and the counts of
each wrong answer as typed. Everything here is computed from those, so any figure can be
recomputed from the responses table by an independent query (the tests do).

Definitions (README, "Item statistics"):
- attempts: final answers (right or wrong; "try again" replies are not answers);
- students: students who answered (= first answers);
- facility: share of students' first answers that were right (Moodle's facility index);
- discrimination: the point-biserial correlation, over students' first answers, between being
  right (1/0) and the student's ability (the Elo estimate, `Student.ability`, when the
  refresh counted the answer);
  from −1 to 1: above 0.3 separates well, near 0 not at all, below 0 stronger students fail it;
- mean hints, share with no hint, median seconds: over all attempts;
- facility per language and per hint level: over first answers / all attempts respectively.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LANGUAGES = ("en", "bn")
HINT_LEVELS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Cell:
    """Final answers to one problem sharing these traits."""

    version: int
    language: str
    hints_used: int
    is_correct: bool
    first: bool  # the student's first final answer to the problem (any version)
    first_in_version: bool  # ... and to this version
    count: int
    ability_sum: float = 0.0
    ability_squares: float = 0.0


@dataclass(frozen=True)
class WrongAnswer:
    answer: str  # the checker's form of it (`answer_form`), or the text when unreadable
    example: str  # one spelling students typed
    count: int
    share: float  # of attempts


@dataclass(frozen=True)
class Figures:
    attempts: int = 0
    students: int = 0
    first_correct: int = 0
    facility: float | None = None
    discrimination: float | None = None
    mean_hints: float | None = None
    no_hint_share: float | None = None
    median_seconds: float | None = None
    attempts_en: int = 0
    attempts_bn: int = 0
    students_en: int = 0
    students_bn: int = 0
    facility_en: float | None = None
    facility_bn: float | None = None
    # hints used (0-3) -> (attempts, correct)
    by_hints: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    top_wrong: tuple[WrongAnswer, ...] = ()

    def hint_facility(self, hints: int) -> float | None:
        attempts, correct = self.by_hints.get(hints, (0, 0))
        return correct / attempts if attempts else None

    def language_share(self, language: str) -> float | None:
        if not self.attempts:
            return None
        return (self.attempts_en if language == "en" else self.attempts_bn) / self.attempts


# The scalar figures, as the columns of the rollup and the export name them.
COLUMNS = (
    "attempts",
    "students",
    "first_correct",
    "facility",
    "discrimination",
    "mean_hints",
    "no_hint_share",
    "median_seconds",
    "attempts_en",
    "attempts_bn",
    "students_en",
    "students_bn",
    "facility_en",
    "facility_bn",
)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def point_biserial(n: int, correct: int, ability_sum: float, ability_squares: float,
                   correct_ability_sum: float) -> float | None:  # fmt: skip
    """Pearson's r between x ∈ {0, 1} and y from sums: n, Σx, Σy, Σy², Σxy. None when either
    variable does not vary (everyone right, everyone wrong, or all abilities equal)."""
    if n < 2:
        return None
    x_var = n * correct - correct * correct
    y_var = n * ability_squares - ability_sum * ability_sum
    if x_var <= 0 or y_var <= 1e-12 * max(1.0, n * ability_squares):
        return None
    r = (n * correct_ability_sum - correct * ability_sum) / math.sqrt(x_var * y_var)
    return max(-1.0, min(1.0, r))


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: count} (mean of the middle two for an even count)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = (total - 1) // 2, total // 2  # 0-based ranks of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


def figures(
    cells: Iterable[Cell],
    times: Mapping[int, int],
    wrong: Iterable[tuple[str, str, int]],
    *,
    version: int | None = None,
    top: int = 5,
) -> Figures:
    """Figures over all versions (`version=None`) or one. `wrong` is (form, example, count)
    with forms already merged by the caller or not: equal forms are added up here."""
    chosen = [c for c in cells if version is None or c.version == version]
    is_first = (lambda c: c.first) if version is None else (lambda c: c.first_in_version)
    firsts = [c for c in chosen if is_first(c)]
    attempts = sum(c.count for c in chosen)
    students = sum(c.count for c in firsts)
    first_correct = sum(c.count for c in firsts if c.is_correct)
    by_language = {
        lang: (
            sum(c.count for c in chosen if c.language == lang),
            sum(c.count for c in firsts if c.language == lang),
            sum(c.count for c in firsts if c.language == lang and c.is_correct),
        )
        for lang in LANGUAGES
    }
    by_hints = {
        level: (
            sum(c.count for c in chosen if c.hints_used == level),
            sum(c.count for c in chosen if c.hints_used == level and c.is_correct),
        )
        for level in HINT_LEVELS
    }
    discrimination = point_biserial(
        students,
        first_correct,
        sum(c.ability_sum for c in firsts),
        sum(c.ability_squares for c in firsts),
        sum(c.ability_sum for c in firsts if c.is_correct),
    )
    counts: dict[str, int] = {}
    examples: dict[str, tuple[int, str]] = {}  # form -> (count, spelling) of its commonest spelling
    for form, example, count in wrong:
        counts[form] = counts.get(form, 0) + count
        if count > examples.get(form, (0, ""))[0]:
            examples[form] = (count, example)
    ranked = sorted(counts, key=lambda form: (-counts[form], form))[:top]
    return Figures(
        attempts=attempts,
        students=students,
        first_correct=first_correct,
        facility=_ratio(first_correct, students),
        discrimination=discrimination,
        mean_hints=(sum(c.hints_used * c.count for c in chosen) / attempts) if attempts else None,
        no_hint_share=_ratio(by_hints[0][0], attempts),
        median_seconds=median(times),
        attempts_en=by_language["en"][0],
        attempts_bn=by_language["bn"][0],
        students_en=by_language["en"][1],
        students_bn=by_language["bn"][1],
        facility_en=_ratio(by_language["en"][2], by_language["en"][1]),
        facility_bn=_ratio(by_language["bn"][2], by_language["bn"][1]),
        by_hints=by_hints,
        top_wrong=tuple(
            WrongAnswer(form, examples[form][1], counts[form], counts[form] / attempts)
            for form in ranked
        ),
    )


# --- Flags ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    min_attempts: int = 30  # before any flag about how students answer
    key_share: float = 0.3  # one wrong answer given in this share of attempts: key may be wrong
    rating_gap: float = 1.0  # logits between learned and authored difficulty
    language_gap: float = 0.2  # facility difference between English and Bengali
    min_language_students: int = 15  # students per language before comparing them
    min_hint_attempts: int = 10  # attempts with 3 hints (and with none) before judging hints


FLAGS = ("key", "harder", "easier", "language", "unanswered", "hints")


@dataclass(frozen=True)
class Flags:
    key: bool = False
    harder: bool = False
    easier: bool = False
    language: bool = False
    unanswered: bool = False
    hints: bool = False

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in FLAGS)

    def names(self) -> list[str]:
        return [name for name in FLAGS if getattr(self, name)]


def flags(
    overall: Figures,
    *,
    rating: float,
    seed_rating: float,
    rated_answers: int,
    is_active: bool,
    limits: Thresholds,
) -> Flags:
    enough = overall.attempts >= limits.min_attempts
    top = overall.top_wrong[0] if overall.top_wrong else None
    gap = rating - seed_rating
    compare_languages = (
        enough
        and overall.students_en >= limits.min_language_students
        and overall.students_bn >= limits.min_language_students
        and overall.facility_en is not None
        and overall.facility_bn is not None
    )
    none_attempts, none_correct = overall.by_hints.get(0, (0, 0))
    three_attempts, three_correct = overall.by_hints.get(3, (0, 0))
    return Flags(
        key=enough and top is not None and top.share >= limits.key_share,
        harder=rated_answers >= limits.min_attempts and gap >= limits.rating_gap,
        easier=rated_answers >= limits.min_attempts and gap <= -limits.rating_gap,
        language=compare_languages
        and abs((overall.facility_en or 0.0) - (overall.facility_bn or 0.0)) >= limits.language_gap,
        unanswered=is_active and overall.attempts == 0,
        hints=none_attempts >= limits.min_hint_attempts
        and three_attempts >= limits.min_hint_attempts
        and three_correct / three_attempts <= none_correct / none_attempts,
    )
