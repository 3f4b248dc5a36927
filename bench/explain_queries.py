"""python -m bench explain_queries [--large-rows 10000]

Runs a whole practice flow through the API for one student (the one with the longest history
by default) inside a transaction that is rolled back, captures every SQL statement the
endpoints run, and EXPLAINs each on PostgreSQL. Fails when a plan reads a large table
(more than --large-rows rows) with a sequential scan: every per-student query must use an
index however big the history grows.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.practice.models import PracticeSession
from apps.students.models import Student
from apps.students.services import token_issue


class Rollback(Exception):
    pass


def _seq_scans(plan: dict[str, Any]) -> list[str]:
    found = [plan["Relation Name"]] if plan.get("Node Type") == "Seq Scan" else []
    for child in plan.get("Plans", []):
        found += _seq_scans(child)
    return found


class Command(BaseCommand):
    help = "EXPLAIN every query of the student API flow; fail on a seq scan of a large table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--large-rows", type=int, default=10_000)
        parser.add_argument("--student", type=int, help="student id (default: longest history)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("query plans are checked on PostgreSQL (set DATABASE_URL)")
        student = self._student(options["student"])
        statements = self._flow_statements(student)
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r'")
            sizes = dict(cursor.fetchall())
        failures, checked = [], 0
        with connection.cursor() as cursor:
            for endpoint, sql in statements:
                head = sql.lstrip().split(None, 1)[0].upper()
                if head not in ("SELECT", "UPDATE", "DELETE"):
                    continue
                cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                checked += 1
                for table in _seq_scans(plan[0]["Plan"]):
                    if sizes.get(table, 0) > options["large_rows"]:
                        failures.append(
                            f"{endpoint}: Seq Scan on {table} ({sizes[table]} rows): {sql[:300]}"
                        )
        responses = sizes.get("responses", 0)
        self.stdout.write(
            f"Student {student.pk} ({student.sessions.count()} sessions); {checked} statements "
            f"explained over {len({e for e, _ in statements})} endpoints; responses table "
            f"~{responses} rows; large = more than {options['large_rows']} rows"
        )
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} sequential scan(s) of large tables")
        self.stdout.write(self.style.SUCCESS("No sequential scan of a large table."))

    def _student(self, student_id: int | None) -> Student:
        if student_id is not None:
            return Student.objects.get(pk=student_id)
        busiest = (
            PracticeSession.objects.values("student").annotate(n=Count("id")).order_by("-n").first()
        )
        if busiest is None:
            raise CommandError("no practice history: run seed_demo first")
        return Student.objects.get(pk=busiest["student"])

    def _flow_statements(self, student: Student) -> list[tuple[str, str]]:
        """(endpoint, sql) for a full flow; everything it writes is rolled back."""
        statements: list[tuple[str, str]] = []
        try:
            with transaction.atomic():
                PracticeSession.objects.filter(student=student, status="in_progress").update(
                    status="abandoned"
                )
                token, _ = token_issue(student=student, via="bot")
                client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

                def call(label: str, method: str, path: str, body: Any = None) -> Any:
                    with CaptureQueriesContext(connection) as captured:
                        response = client.generic(
                            method.upper(),
                            path,
                            json.dumps(body) if body is not None else "",
                            content_type="application/json",
                        )
                    statements.extend((label, q["sql"]) for q in captured.captured_queries)
                    return response.json() if response.content else None

                session = call("start session", "post", "/api/v1/sessions/")
                sid = session["id"]
                call("session detail", "get", f"/api/v1/sessions/{sid}/")
                call("history", "get", "/api/v1/sessions/")
                for item in session["problems"]:
                    pid = item["problem_id"]
                    call("hint", "post", f"/api/v1/sessions/{sid}/hints/", {"problem_id": pid})
                    call(
                        "answer",
                        "post",
                        f"/api/v1/sessions/{sid}/answers/",
                        {"problem_id": pid, "answer": "1"},
                    )
                call("streak", "get", "/api/v1/streak/")
                call("progress", "get", "/api/v1/progress/")
                call("me", "get", "/api/v1/me/")
                raise Rollback
        except Rollback:
            pass
        return statements
