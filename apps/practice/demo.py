"""Demo practice data: students with days of history, written in bulk through the real rules.

Used by `python manage.py seed_demo` (benchmarks, demos). Each student's history is replayed
day by day through the same pure rules the API uses — streaks (`apps.practice.streaks`, freezes
and milestones included), topic mastery and review dates (`apps.practice.mastery`, FSRS) — so
the stored state is what real practice would have left. Rows are written in bulk: students and
sessions with their ids known, the large tables (session problems, responses) with PostgreSQL's
COPY, or batched inserts elsewhere. 100,000 students × 30 days gives about 10 million responses.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.content.checker import format_number, parse_number
from apps.content.models import Problem
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.models import PracticeSession, Streak, StreakMilestone, TopicMastery
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.students.models import Student

FIRST_NAMES = [
    "Rahim", "Karim", "Fatema", "Nusrat", "Tanvir", "Ayesha", "Rafiq", "Sumaiya", "Joy", "Dipa",
    "Arif", "Mim", "Sakib", "Tasnim", "Nabil", "Riya", "Imran", "Jannat", "Hasan", "Sadia",
]  # fmt: skip


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert many rows fast: COPY on PostgreSQL, batched executemany elsewhere."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def reserve_ids(table: str, count: int) -> list[int] | None:
    """On PostgreSQL, take `count` ids from the table's sequence so rows can be COPY'd with
    their ids known; None elsewhere (then bulk_create returns them)."""
    if connection.vendor != "postgresql" or count == 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class SeedCounts:
    students: int = 0
    sessions: int = 0
    responses: int = 0


@dataclass
class _Day:
    """One practised day of one student: which problems, right or wrong, how many hints."""

    day: int  # days ago
    chosen: list[tuple[int, int]]  # (problem_id, topic_id)
    correct: list[bool]
    hints: list[int] = field(default_factory=list)


def library_by_grade() -> dict[int, list[tuple[int, int]]]:
    by_grade: dict[int, list[tuple[int, int]]] = {}
    for pid, grade, topic_id in Problem.objects.usable().values_list(
        "id", "topic__grade", "topic_id"
    ):
        by_grade.setdefault(grade, []).append((pid, topic_id))
    return by_grade


def library_answers() -> dict[int, tuple[str, str]]:
    """problem id -> (answer type, answer) of the usable library."""
    return {
        pid: (answer_type, answer)
        for pid, answer_type, answer in Problem.objects.usable().values_list(
            "id", "answer_type", "answer"
        )
    }


def demo_answer(rng: random.Random, key: tuple[str, str], correct: bool) -> str:
    """What a demo student typed: the key when right; when wrong, one of a few plausible slips,
    the first much commoner than the others (as real wrong answers cluster)."""
    answer_type, answer = key
    if correct:
        return answer
    slip = min(3, int(rng.expovariate(1.2)))
    if answer_type == "multiple_choice":
        others = [label for label in "ABCD" if label != answer]
        return others[slip % len(others)]
    number = parse_number(answer)
    if number is None:
        return ("?", "জানি না", "don't know", "0")[slip]
    slips = (number + 1, number * 2, number - 1, number * 10)
    return format_number(slips[slip])


def seed_demo(
    *,
    students: int,
    days: int,
    active_rate: float = 0.7,
    batch: int = 2000,
    seed: int = 1,
    progress: Callable[[int, int, SeedCounts], None] | None = None,
) -> SeedCounts:
    """Create `students` demo students with `days` days of history each (see the module)."""
    by_grade = library_by_grade()
    answers = library_answers()
    if not any(len(items) >= PROBLEMS_PER_SESSION for items in by_grade.values()):
        raise ValueError("the library has no grade with 5 usable problems: run bootstrap first")
    rng = random.Random(seed)  # noqa: S311 - demo data
    first_id = (Student.objects.aggregate(m=Max("telegram_id"))["m"] or 10**9) + 1
    totals = SeedCounts()
    batch = max(1, batch)
    for offset in range(0, students, batch):
        size = min(batch, students - offset)
        with transaction.atomic():
            counts = _seed_batch(rng, first_id + offset, size, days, active_rate, by_grade, answers)
        totals.students += counts.students
        totals.sessions += counts.sessions
        totals.responses += counts.responses
        if progress is not None:
            progress(offset + size, students, totals)
    return totals


def _seed_batch(
    rng: random.Random,
    first_telegram_id: int,
    size: int,
    days: int,
    active_rate: float,
    by_grade: dict[int, list[tuple[int, int]]],
    answers: dict[int, tuple[str, str]],
) -> SeedCounts:
    now = timezone.now()
    grades = sorted(g for g, items in by_grade.items() if len(items) >= PROBLEMS_PER_SESSION)
    students = [
        Student(
            telegram_id=first_telegram_id + n,
            name=rng.choice(FIRST_NAMES),
            grade=rng.choice(grades),
            language=rng.choice(["bn", "bn", "en"]),
            created_at=now,
            updated_at=now,
        )
        for n in range(size)
    ]
    ids = reserve_ids("students", len(students))
    if ids is None:
        Student.objects.bulk_create(students)
    else:
        for student, pk in zip(students, ids, strict=True):
            student.pk = pk
        copy_rows(
            "students",
            ["id", "telegram_id", "name", "grade", "language", "timezone", "ability",
             "rated_answers", "created_at", "updated_at"],
            ((st.pk, st.telegram_id, st.name, st.grade, st.language, "Asia/Dhaka", 0.0, 0,
              now, now) for st in students),
        )  # fmt: skip
    plans: list[tuple[Student, _Day]] = []
    sessions: list[PracticeSession] = []
    for student in students:
        for day in range(days, 0, -1):
            if rng.random() >= active_rate:
                continue
            start = now - dt.timedelta(days=day, minutes=rng.randint(0, 600))
            chosen = rng.sample(by_grade[student.grade or grades[0]], PROBLEMS_PER_SESSION)
            plan = _Day(
                day=day,
                chosen=chosen,
                correct=[rng.random() < 0.7 for _ in chosen],
                hints=[rng.choice((0, 0, 0, 1, 2)) for _ in chosen],
            )
            sessions.append(
                PracticeSession(
                    student=student,
                    status=PracticeSession.Status.COMPLETED,
                    started_at=start,
                    expires_at=start + dt.timedelta(minutes=settings.PRACTICE_SESSION_MINUTES),
                    completed_at=start + dt.timedelta(minutes=rng.randint(3, 25)),
                    total_time_seconds=rng.randint(120, 1500),
                    problems_correct=sum(plan.correct),
                )
            )
            plans.append((student, plan))
    ids = reserve_ids("sessions", len(sessions))
    if ids is None:
        PracticeSession.objects.bulk_create(sessions, batch_size=5000)
    else:
        for session, pk in zip(sessions, ids, strict=True):
            session.pk = pk
        copy_rows(
            "sessions",
            ["id", "student_id", "status", "started_at", "expires_at", "completed_at",
             "total_time_seconds", "problems_correct", "freeze_used", "created_at",
             "updated_at"],
            ((se.pk, se.student.pk, se.status, se.started_at, se.expires_at, se.completed_at,
              se.total_time_seconds, se.problems_correct, False, se.started_at,
              se.completed_at) for se in sessions),
        )  # fmt: skip

    def session_problem_rows() -> Iterable[tuple[Any, ...]]:
        for session, (_, plan) in zip(sessions, plans, strict=True):
            for position, (pid, _) in enumerate(plan.chosen, start=1):
                yield (session.pk, pid, position)

    def response_rows() -> Iterable[tuple[Any, ...]]:
        for session, (student, plan) in zip(sessions, plans, strict=True):
            for (pid, _), ok, hints in zip(plan.chosen, plan.correct, plan.hints, strict=True):
                yield (
                    session.pk, pid, 1, demo_answer(rng, answers[pid], ok), ok,
                    rng.randint(10, 300), hints, "medium", student.language,
                    session.completed_at,
                )  # fmt: skip

    copy_rows("session_problems", ["session_id", "problem_id", "position"], session_problem_rows())
    responses = copy_rows(
        "responses",
        [
            "session_id", "problem_id", "problem_version", "student_answer", "is_correct",
            "time_spent_seconds", "hints_used", "confidence", "language", "evaluated_at",
        ],
        response_rows(),
    )  # fmt: skip
    _replay_rules(students, plans, now)
    return SeedCounts(students=len(students), sessions=len(sessions), responses=responses)


def _replay_rules(
    students: list[Student], plans: list[tuple[Student, _Day]], now: dt.datetime
) -> None:
    """Each student's days, oldest first, through the real streak and mastery rules."""
    today = now.date()
    policy = mastery_rules.ReviewPolicy(
        retention=settings.PRACTICE_DESIRED_RETENTION, max_days=settings.PRACTICE_MAX_REVIEW_DAYS
    )
    by_student: dict[int, list[_Day]] = {}
    for student, plan in plans:
        by_student.setdefault(student.pk, []).append(plan)
    streaks, milestones, mastery_rows = [], [], []
    for student in students:
        streak = streak_rules.StreakState()
        topics: dict[int, mastery_rules.MasteryState] = {}
        for plan in sorted(by_student.get(student.pk, []), key=lambda p: -p.day):
            date = today - dt.timedelta(days=plan.day)
            for (_, topic_id), ok, hints in zip(plan.chosen, plan.correct, plan.hints, strict=True):
                topics[topic_id] = mastery_rules.record_answer(
                    topics.get(topic_id, mastery_rules.MasteryState()),
                    mastery_rules.outcome(ok, hints),
                    date,
                    policy,
                )
            change = streak_rules.record_practice(streak, date)
            streak = change.state
            if change.milestone is not None:
                milestones.append(
                    StreakMilestone(student=student, days=change.milestone, achieved_on=date)
                )
        row = Streak(student=student)
        row.apply_state(streak)
        streaks.append(row)
        for topic_id, state in topics.items():
            mastery = TopicMastery(student=student, topic_id=topic_id)
            mastery.apply_state(state)
            mastery_rows.append(mastery)
    Streak.objects.bulk_create(streaks, batch_size=5000)
    StreakMilestone.objects.bulk_create(milestones, batch_size=5000, ignore_conflicts=True)
    TopicMastery.objects.bulk_create(mastery_rows, batch_size=5000)
