"""python manage.py seed_demo --students N --days D

Realistic students with D days of practice history each, written in bulk: students and
sessions with `bulk_create` (their ids are needed), the large tables (session problems,
responses, hint views) with PostgreSQL's COPY, or batched inserts elsewhere. 100,000 students
× 30 days gives about 10 million responses.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.content.models import Problem
from apps.practice.models import PracticeSession, Streak, TopicMastery
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


class Command(BaseCommand):
    help = "Create N demo students with D days of practice history each (bulk, fast)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--students", type=int, default=1000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument(
            "--active-rate", type=float, default=0.7, help="share of days practised"
        )
        parser.add_argument("--batch", type=int, default=2000, help="students per transaction")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if not Problem.objects.filter(is_active=True).exists():
            call_command("loaddata", "fixtures/topics.json", verbosity=0)
            call_command("import_problems", "fixtures/problems.csv", verbosity=0)
        by_grade: dict[int, list[tuple[int, int]]] = {}
        for pid, grade, topic_id in Problem.objects.filter(is_active=True).values_list(
            "id", "grade", "topic_id"
        ):
            by_grade.setdefault(grade, []).append((pid, topic_id))
        rng = random.Random(options["seed"])  # noqa: S311 - demo data
        first_id = (Student.objects.aggregate(m=Max("telegram_id"))["m"] or 10**9) + 1
        totals = {"students": 0, "sessions": 0, "responses": 0}
        total, batch = options["students"], max(1, options["batch"])
        for offset in range(0, total, batch):
            size = min(batch, total - offset)
            with transaction.atomic():
                counts = self._batch(
                    rng, first_id + offset, size, options["days"], options["active_rate"], by_grade
                )
            for key, value in counts.items():
                totals[key] += value
            elapsed = time.perf_counter() - started
            self.stderr.write(
                f"  {offset + size}/{total} students, {totals['responses']} responses "
                f"({elapsed:.0f}s)"
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {totals['students']} students, {totals['sessions']} sessions, "
            f"{totals['responses']} responses in {elapsed:.1f}s"
        )

    def _batch(
        self,
        rng: random.Random,
        first_telegram_id: int,
        size: int,
        days: int,
        active_rate: float,
        by_grade: dict[int, list[tuple[int, int]]],
    ) -> dict[str, int]:
        now = timezone.now()
        grades = sorted(g for g, items in by_grade.items() if len(items) >= 5)
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
        plans: list[tuple[Student, int, list[tuple[int, int]], list[bool]]] = []
        sessions: list[PracticeSession] = []
        for student in students:
            for day in range(days, 0, -1):
                if rng.random() >= active_rate:
                    continue
                start = now - dt.timedelta(days=day, minutes=rng.randint(0, 600))
                chosen = rng.sample(by_grade[student.grade or grades[0]], 5)
                correct = [rng.random() < 0.7 for _ in chosen]
                sessions.append(
                    PracticeSession(
                        student=student,
                        status=PracticeSession.Status.COMPLETED,
                        started_at=start,
                        expires_at=start + dt.timedelta(minutes=30),
                        completed_at=start + dt.timedelta(minutes=rng.randint(3, 25)),
                        total_time_seconds=rng.randint(120, 1500),
                        problems_correct=sum(correct),
                    )
                )
                plans.append((student, day, chosen, correct))
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
            for session, (_, _, chosen, _) in zip(sessions, plans, strict=True):
                for position, (pid, _) in enumerate(chosen, start=1):
                    yield (session.pk, pid, position)

        def response_rows() -> Iterable[tuple[Any, ...]]:
            for session, (_, _, chosen, correct) in zip(sessions, plans, strict=True):
                for (pid, _), ok in zip(chosen, correct, strict=True):
                    yield (
                        session.pk, pid, "42", ok, rng.randint(10, 300),
                        rng.choice((0, 0, 0, 1, 2)), "medium", session.completed_at,
                    )  # fmt: skip

        copy_rows(
            "session_problems", ["session_id", "problem_id", "position"], session_problem_rows()
        )
        responses = copy_rows(
            "responses",
            [
                "session_id", "problem_id", "student_answer", "is_correct",
                "time_spent_seconds", "hints_used", "confidence", "evaluated_at",
            ],
            response_rows(),
        )  # fmt: skip
        self._streaks_and_mastery(students, plans, now)
        return {"students": len(students), "sessions": len(sessions), "responses": responses}

    def _streaks_and_mastery(
        self,
        students: list[Student],
        plans: list[tuple[Student, int, list[tuple[int, int]], list[bool]]],
        now: dt.datetime,
    ) -> None:
        days_by_student: dict[int, list[int]] = {}
        mastery: dict[tuple[int, int], list[int]] = {}
        for student, day, chosen, correct in plans:
            days_by_student.setdefault(student.pk, []).append(day)
            for (_, topic_id), ok in zip(chosen, correct, strict=True):
                counts = mastery.setdefault((student.pk, topic_id), [0, 0])
                counts[0] += 1
                counts[1] += int(ok)
        streaks = []
        for student in students:
            days = sorted(days_by_student.get(student.pk, []))  # days ago, most recent first
            current = 0
            for expected, day in enumerate(days, start=days[0] if days else 1):
                if day != expected:
                    break
                current += 1
            longest, run, previous = 0, 0, None
            for day in sorted(days, reverse=True):
                run = run + 1 if previous is not None and previous - day == 1 else 1
                longest, previous = max(longest, run), day
            streaks.append(
                Streak(
                    student=student,
                    current_streak=current,
                    longest_streak=max(longest, current),
                    last_practice_date=(now - dt.timedelta(days=days[0])).date() if days else None,
                )
            )
        Streak.objects.bulk_create(streaks, batch_size=5000)
        TopicMastery.objects.bulk_create(
            (
                TopicMastery(
                    student_id=student_id,
                    topic_id=topic_id,
                    level="consolidating" if correct / attempts >= 0.7 else "developing",
                    attempts=attempts,
                    correct=correct,
                    next_review_date=now.date() + dt.timedelta(days=attempts % 7),
                )
                for (student_id, topic_id), (attempts, correct) in mastery.items()
            ),
            batch_size=5000,
        )
