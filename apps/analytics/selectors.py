"""Reads for item statistics: the answers of some problems, aggregated by the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate

from apps.analytics.itemstats import COLUMNS, FLAGS, HINT_LEVELS, Cell
from apps.analytics.models import ProblemStats
from apps.content.models import Problem
from apps.core import sql
from apps.practice.models import Response

# Statistics count real students only: the content team's demo students (negative Telegram
# ids, apps.students) try problems in the Mini App and their answers are not evidence.
REAL_STUDENT = "st.telegram_id > 0"
ANSWERS_OF_STUDENTS = (
    "responses r JOIN sessions s ON s.id = r.session_id JOIN students st ON st.id = s.student_id"
)


def latest_response_id(*, after: int, settled_before: object) -> int:
    """The highest answer id that is safely committed: answers given before `settled_before`.
    An answer's transaction lasts milliseconds, so anything older has committed."""
    row = sql.fetch_one(
        "SELECT MAX(id) FROM responses WHERE id > %s AND evaluated_at <= %s",
        [after, settled_before],
    )
    return int(row[0]) if row and row[0] is not None else after


def problems_answered_between(low: int, high: int) -> set[int]:
    """Problems with answers whose id is in (low, high] (a range of the primary key)."""
    if high <= low:
        return set()
    return {
        int(row[0])
        for row in sql.fetch_all(
            "SELECT DISTINCT problem_id FROM responses WHERE id > %s AND id <= %s", [low, high]
        )
    }


def problems_changed_since_counted() -> set[int]:
    """Problems never counted, or edited (new version) since they were."""
    return {
        int(row[0])
        for row in sql.fetch_all(
            "SELECT p.id FROM problems p LEFT JOIN problem_stats ps ON ps.problem_id = p.id "
            "WHERE ps.problem_id IS NULL OR ps.version <> p.version"
        )
    }


def _only(problem_ids: Sequence[int] | None) -> tuple[str, list[int]]:
    """A filter on `r.problem_id` (nothing for every problem) and its parameters."""
    if problem_ids is None:
        return "", []
    return f" AND r.problem_id IN ({sql.placeholders(len(problem_ids))})", list(problem_ids)


def answer_cells(problem_ids: Sequence[int] | None, through: int) -> dict[int, list[Cell]]:
    """Each problem's final answers (up to id `through`) grouped into `Cell`s, from every
    answer (the rebuild). A student's first answer to a problem, and to each version, is found
    with a window over their answers."""
    only, params = _only(problem_ids)
    rows = sql.fetch_all(
        "WITH answers AS ("  # noqa: S608 - only placeholders are formatted in
        " SELECT r.problem_id, r.problem_version, r.language, r.hints_used, r.is_correct,"
        " st.ability,"
        " ROW_NUMBER() OVER (PARTITION BY s.student_id, r.problem_id ORDER BY r.id) AS nth,"
        " ROW_NUMBER() OVER (PARTITION BY s.student_id, r.problem_id, r.problem_version"
        " ORDER BY r.id) AS nth_in_version"
        " FROM responses r JOIN sessions s ON s.id = r.session_id"
        " JOIN students st ON st.id = s.student_id"
        f" WHERE r.id <= %s AND {REAL_STUDENT}{only})"
        " SELECT problem_id, problem_version, language, hints_used, is_correct,"
        " CASE WHEN nth = 1 THEN 1 ELSE 0 END, CASE WHEN nth_in_version = 1 THEN 1 ELSE 0 END,"
        " COUNT(*), SUM(ability), SUM(ability * ability)"
        " FROM answers GROUP BY 1, 2, 3, 4, 5, 6, 7",
        [through, *params],
    )
    return _cells(rows)


def counted_cells(problem_ids: Sequence[int]) -> dict[int, list[Cell]]:
    """The kept cells (StatsCell) of these problems."""
    return _cells(
        sql.fetch_all(
            "SELECT problem_id, version, language, hints_used, is_correct, first,"  # noqa: S608
            " first_in_version, count, ability_sum, ability_squares FROM stats_cells"
            f" WHERE problem_id IN ({sql.placeholders(len(problem_ids))})",
            problem_ids,
        )
    )


def _cells(rows: Sequence[Sequence[Any]]) -> dict[int, list[Cell]]:
    cells: dict[int, list[Cell]] = defaultdict(list)
    for (
        problem_id,
        version,
        language,
        hints,
        correct,
        first,
        first_v,
        count,
        total,
        squares,
    ) in rows:
        cells[int(problem_id)].append(
            Cell(
                version=int(version),
                language=str(language),
                hints_used=int(hints),
                is_correct=bool(correct),
                first=bool(first),
                first_in_version=bool(first_v),
                count=int(count),
                ability_sum=float(total or 0.0),
                ability_squares=float(squares or 0.0),
            )
        )
    return cells


def counted_times(problem_ids: Sequence[int]) -> dict[int, dict[int, dict[int, int]]]:
    """problem -> version -> {seconds spent: answers}, from the kept counts (StatsTime)."""
    found: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for problem_id, version, seconds, count in sql.fetch_all(
        "SELECT problem_id, version, seconds, count FROM stats_times"  # noqa: S608
        f" WHERE problem_id IN ({sql.placeholders(len(problem_ids))})",
        problem_ids,
    ):
        found[int(problem_id)][int(version)][int(seconds)] = int(count)
    return found


def counted_wrong(problem_ids: Sequence[int]) -> dict[int, list[tuple[int, str, int]]]:
    """problem -> [(version, answer as typed, count)] of its wrong final answers (StatsWrong)."""
    found: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    for problem_id, version, answer, count in sql.fetch_all(
        "SELECT problem_id, version, answer, count FROM stats_wrong_answers"  # noqa: S608
        f" WHERE problem_id IN ({sql.placeholders(len(problem_ids))})",
        problem_ids,
    ):
        found[int(problem_id)].append((int(version), str(answer), int(count)))
    return found


# After `code`, `attempts` and `facility`, which lead each row.
EXPORT_FIGURES = tuple(name for name in COLUMNS if name not in ("attempts", "facility"))


def export_rows() -> Iterator[dict[str, Any]]:
    """One row per problem (by code) as `problem_stats` writes it: `code`, `attempts`,
    `facility` first, then the other figures over all versions, the learned and authored
    difficulty, facility per hint level, the top wrong answers, flags, and the same figures for
    the current version (`version_…`). A problem never counted has empty figures."""
    problems = Problem.objects.select_related("stats").order_by("code")
    for problem in problems.iterator(chunk_size=1000):
        stats: ProblemStats | None = getattr(problem, "stats", None)
        current: dict[str, Any] = stats.current if stats else {}
        row: dict[str, Any] = {
            "code": problem.code,
            "attempts": stats.attempts if stats else 0,
            "facility": stats.facility if stats else None,
        }
        row.update({name: getattr(stats, name) if stats else None for name in EXPORT_FIGURES})
        row["rating"] = problem.rating
        row["rated_answers"] = problem.rated_answers
        row["difficulty"] = problem.difficulty
        hints = stats.by_hints if stats else {}
        for level in HINT_LEVELS:
            attempts, correct = hints.get(str(level), (0, 0))
            row[f"facility_hints_{level}"] = correct / attempts if attempts else None
        row["top_wrong"] = stats.top_wrong if stats else []
        row["flags"] = [name for name in FLAGS if stats and getattr(stats, f"flag_{name}")]
        row["version"] = problem.version
        row["version_counted"] = stats.version if stats else None
        row["version_attempts"] = current.get("attempts", 0)
        row["version_facility"] = current.get("facility")
        row.update({f"version_{name}": current.get(name) for name in EXPORT_FIGURES})
        row["version_top_wrong"] = current.get("top_wrong", [])
        row["feedback"] = stats.feedback if stats else []
        row["refreshed_at"] = stats.refreshed_at.isoformat() if stats else None
        yield row


DAY_COLUMNS = (
    "student_id",
    "day",
    "answered",
    "correct",
    "hints_used",
    "time_spent_seconds",
    "sessions_completed",
    "streak",
)


def zones_answering(low: int, high: int) -> list[str]:
    """The time zones of the students who gave the answers with ids in (low, high]. (Without
    `order_by()` the answers' default ordering would join the DISTINCT: one row per answer.)"""
    return sorted(
        Response.objects.filter(id__gt=low, id__lte=high)
        .order_by()
        .values_list("session__student__timezone", flat=True)
        .distinct()
    )


def daily_counts_queries(
    low: int, high: int, zones: Sequence[str]
) -> list[tuple[str, tuple[Any, ...]]]:
    """SELECTs counting the answers with ids in (low, high] per student per day of the
    student's calendar, one per time zone of `zones` (`zones_answering`), each with the columns
    DAY_COLUMNS: the database adds them up (`INSERT … SELECT`), nothing comes back to Python
    however many answers there are. A session is counted on the day of the answer that
    completed it (its last answer)."""
    if high <= low:
        return []
    answers = Response.objects.filter(id__gt=low, id__lte=high, session__student__telegram_id__gt=0)
    # A completed session's last answer is the one that completed it.
    last_answer = (
        Response.objects.filter(session=OuterRef("session")).order_by("-id").values("id")[:1]
    )
    queries = []
    for zone in zones:
        completing = Q(session__status="completed", id=Subquery(last_answer))
        rows = (
            answers.filter(session__student__timezone=zone)
            .values(
                student=F("session__student_id"),
                local_day=TruncDate("evaluated_at", tzinfo=ZoneInfo(zone)),
            )
            .annotate(
                n_answered=Count("id"),
                n_correct=Count("id", filter=Q(is_correct=True)),
                n_hints=Coalesce(Sum("hints_used"), 0),
                n_seconds=Coalesce(Sum("time_spent_seconds"), 0),
                n_completed=Count("session", distinct=True, filter=completing),
                last_streak=Max("session__streak_after", filter=completing),
            )
            .order_by()
        )
        select, params = rows.query.sql_with_params()
        outer = ", ".join(
            f"q.{name}"
            for name in (
                "student",
                "local_day",
                "n_answered",
                "n_correct",
                "n_hints",
                "n_seconds",
                "n_completed",
                "last_streak",
            )
        )
        queries.append((f"SELECT {outer} FROM ({select}) q", tuple(params)))  # noqa: S608
    return queries


def days_answered(low: int, high: int, zones: Sequence[str]) -> list[dt.date]:
    """Every calendar day, in any of `zones` (`zones_answering`), on which an answer with an id in
    (low, high] may have been given: from the first answer's earliest local date to the last
    one's latest (MIN and MAX over the id range; no list of days comes back per answer)."""
    if high <= low:
        return []
    span = Response.objects.filter(id__gt=low, id__lte=high).aggregate(
        first=Min("evaluated_at"), last=Max("evaluated_at")
    )
    if span["first"] is None:
        return []
    calendars = {ZoneInfo(name) for name in zones} or {ZoneInfo("UTC")}
    first = min(span["first"].astimezone(zone).date() for zone in calendars)
    last = max(span["last"].astimezone(zone).date() for zone in calendars)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class FeedbackCounts:
    fired: int = 0  # wrong answers that were shown this feedback
    followed: int = 0  # ... after which the student answered another problem of the topic
    followed_right: int = 0  # ... and got that next one right


def feedback_counts(through: int) -> dict[int, FeedbackCounts]:
    """feedback id -> how often it fired on answers up to `through`, and how the student did on
    their next answer in the same topic (the facility of the next problem after it): the
    rebuild's count, from every answer."""
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for feedback_id, next_correct in sql.fetch_all(
        "SELECT r.feedback_id, ("  # noqa: S608 - no value is formatted in
        " SELECT r2.is_correct FROM responses r2"
        " JOIN sessions s2 ON s2.id = r2.session_id JOIN problems p2 ON p2.id = r2.problem_id"
        " WHERE s2.student_id = s.student_id AND p2.topic_id = p.topic_id"
        " AND r2.id > r.id AND r2.id <= %s ORDER BY r2.id LIMIT 1)"
        f" FROM {ANSWERS_OF_STUDENTS} JOIN problems p ON p.id = r.problem_id"
        f" WHERE r.feedback_id IS NOT NULL AND r.id <= %s AND {REAL_STUDENT}",
        [through, through],
    ):
        counts = found[int(feedback_id)]
        counts[0] += 1
        if next_correct is not None:
            counts[1] += 1
            counts[2] += int(bool(next_correct))
    return {key: FeedbackCounts(*value) for key, value in found.items()}


def feedback_counts_between(low: int, high: int) -> dict[int, FeedbackCounts]:
    """What answers with ids in (low, high] add to the feedback counts: feedback shown with
    them, and each one that is the next answer in its topic after an answer shown feedback
    (that answer may be older)."""
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for feedback_id, count in sql.fetch_all(
        f"SELECT r.feedback_id, COUNT(*) FROM {ANSWERS_OF_STUDENTS}"  # noqa: S608
        f" WHERE r.id > %s AND r.id <= %s AND r.feedback_id IS NOT NULL AND {REAL_STUDENT}"
        " GROUP BY 1",
        [low, high],
    ):
        found[int(feedback_id)][0] += int(count)
    for feedback_id, next_correct in sql.fetch_all(
        "SELECT f.feedback_id, r.is_correct"  # noqa: S608 - no value is formatted in
        f" FROM {ANSWERS_OF_STUDENTS} JOIN problems p ON p.id = r.problem_id"
        " JOIN sessions fs ON fs.student_id = s.student_id"
        " JOIN responses f ON f.session_id = fs.id AND f.feedback_id IS NOT NULL AND f.id < r.id"
        " JOIN problems fp ON fp.id = f.problem_id AND fp.topic_id = p.topic_id"
        f" WHERE r.id > %s AND r.id <= %s AND {REAL_STUDENT}"
        " AND NOT EXISTS (SELECT 1 FROM sessions ms"
        " JOIN responses m ON m.session_id = ms.id JOIN problems mp ON mp.id = m.problem_id"
        " WHERE ms.student_id = s.student_id AND mp.topic_id = p.topic_id"
        " AND m.id > f.id AND m.id < r.id)",
        [low, high],
    ):
        counts = found[int(feedback_id)]
        counts[1] += 1
        counts[2] += int(bool(next_correct))
    return {key: FeedbackCounts(*value) for key, value in found.items()}


def counted_feedback(problem_ids: Sequence[int]) -> dict[int, FeedbackCounts]:
    """feedback id -> its kept counts (StatsFeedback), for these problems' feedback."""
    return {
        int(feedback_id): FeedbackCounts(int(fired), int(followed), int(right))
        for feedback_id, fired, followed, right in sql.fetch_all(
            "SELECT sf.feedback_id, sf.fired, sf.followed, sf.followed_right"  # noqa: S608
            " FROM stats_feedback sf JOIN answer_feedback af ON af.id = sf.feedback_id"
            f" WHERE af.problem_id IN ({sql.placeholders(len(problem_ids))})",
            problem_ids,
        )
    }
