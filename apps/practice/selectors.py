"""Reads for practice. Every one runs a fixed number of queries, whatever the history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import OperationalError, connection
from django.utils.translation import gettext_lazy as _

from apps.content.cache import (
    FeedbackContent,
    HintContent,
    KeyColumns,
    ProblemContent,
    answer_key,
    problem_contents,
)
from apps.content.checker import AnswerKey, display_answer
from apps.content.models import Topic
from apps.content.selectors import answer_key_for
from apps.core import sql
from apps.core.errors import NotFound
from apps.practice import streaks as streak_rules
from apps.practice.clock import local_date
from apps.practice.models import (
    PracticeSession,
    Response,
    Streak,
    TopicMastery,
    session_status,
)
from apps.practice.rating import expected_success
from apps.students.models import Student


@dataclass
class SessionItem:
    """A problem of a session as the student stands with it."""

    problem_id: int
    position: int
    problem: ProblemContent
    hints_used: int
    result: bool | None  # the final answer's correctness; None while unanswered
    student_answer: str | None
    feedback_id: int | None = None  # the authored feedback the final answer was shown
    # What answering reads (session_state fills them; a new session's items do not need them):
    rating: float = 0.0
    rated_answers: int = 0
    # answer_type, answer, answer_bn, accepted_answers, tolerance, simplest_form, as just read
    key_columns: KeyColumns | None = None
    mastery: TopicMastery | None = None  # with_mastery: the student's row for this topic

    @property
    def hints_available(self) -> int:
        return len(self.problem.hints)

    @property
    def seen_hints(self) -> tuple[HintContent, ...]:
        """The hints shown so far (levels 1 to hints_used), from the cached content."""
        return self.problem.hints[: self.hints_used]

    @property
    def key(self) -> AnswerKey:
        if self.key_columns is None:
            raise ValueError("this item was not read with its key (selectors.session_state)")
        answer_type, answer, answer_bn, accepted, tolerance, simplest = self.key_columns
        return answer_key(
            self.problem,
            answer_type=answer_type,
            answer=answer,
            answer_bn=answer_bn,
            accepted_answers=accepted,
            tolerance=tolerance,
            simplest_form=simplest,
        )


@dataclass
class SessionState:
    """A `PracticeSession` read with its items in one statement (`session_state`); reads
    the session's own fields through to it."""

    session: PracticeSession
    items: list[SessionItem]
    # for_answer: the student's streak row (None: they have none yet), and the session's
    # final answers so far (counted by the database: the items may be only the one answered)
    streak: Streak | None = None
    answered_count: int | None = None
    # PostgreSQL: the session row's version as read (its `xmin`), which every change to the
    # session, its answers or its hints moves on (`services.common`, optimistic writes)
    version: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    @property
    def pk(self) -> int:
        return int(self.session.pk)

    @property
    def answered(self) -> int:
        if self.answered_count is not None:
            return self.answered_count
        return sum(1 for item in self.items if item.result is not None)

    def item(self, problem_id: int) -> SessionItem | None:
        return next((i for i in self.items if i.problem_id == problem_id), None)


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a NOWAIT lock refused
# What answering reads and writes of a mastery row (not its timestamps: fewer values to load).
_MASTERY_READ = ("id", "student", "topic", *TopicMastery.STATE_FIELDS)
# And of the student's streak row, which the answer that completes the session moves on.
_STREAK_READ = ("id", "student", *Streak.STATE_FIELDS)


@cache
def _state_sql(where: str, for_answer: bool, versioned: bool) -> str:
    session_columns, _ = sql.columns(PracticeSession, "s")
    mastery_columns, _ = sql.columns(TopicMastery, "m", _MASTERY_READ)
    streak_columns, _ = sql.columns(Streak, "st", _STREAK_READ)
    parts = [
        f"SELECT {session_columns}, sp.problem_id, sp.position, p.version, p.rating, "  # noqa: S608 - model column names
        "p.rated_answers, p.answer_type, p.answer, p.answer_bn, p.accepted_answers, p.tolerance, "
        "p.simplest_form, r.is_correct, r.student_answer, r.feedback_id, "
        "(SELECT COUNT(*) FROM hint_views hv "
        "WHERE hv.session_id = s.id AND hv.problem_id = sp.problem_id) AS hints_seen",
        f", {mastery_columns}, {streak_columns}, "  # noqa: S608 - model column names
        "(SELECT COUNT(*) FROM responses ra WHERE ra.session_id = s.id)"
        if for_answer
        else "",
        ", s.xmin::text AS row_version" if versioned else "",
        " FROM sessions s JOIN session_problems sp ON sp.session_id = s.id "
        "JOIN problems p ON p.id = sp.problem_id "
        "LEFT JOIN responses r ON r.session_id = s.id AND r.problem_id = sp.problem_id",
        " LEFT JOIN topic_mastery m ON m.student_id = s.student_id AND m.topic_id = p.topic_id"
        " LEFT JOIN streaks st ON st.student_id = s.student_id"
        if for_answer
        else "",
        f" WHERE {where} ORDER BY sp.position",
    ]
    return "".join(parts)


class SessionBusy(Exception):
    """Another request holds the session's row lock (`session_state(wait=False)`)."""


def session_state(
    *,
    student: Student,
    session_id: int | None = None,
    lock: bool = False,
    wait: bool = True,
    for_answer: bool = False,
    problem_id: int | None = None,
) -> SessionState | None:
    """The student's session `session_id` (or, without one, their session in progress) with
    its problems in order, each with its content, hints seen, final answer and key: one
    statement, plus the content of problems this process has not seen at their version.

    `lock` takes the session's row lock (answers and hints). Without `wait`, in the same
    statement, refusing to wait (`SessionBusy` if another request holds it): the common case,
    one round trip. With `wait`, in a statement of its own first: in PostgreSQL a statement
    that waited for a lock still reads the other tables as they were when it began, so the
    answers and hints seen are read by the next one, after the lock.
    `for_answer` adds what an answer moves on: the student's mastery row of each problem's
    topic, their streak row and the session's count of final answers. `problem_id` (with
    `session_id`) reads only that problem of the session, as answers and hints need: if the
    session has no such problem, the session comes without items (and unlocked), so the
    caller can tell that from a session that does not exist."""
    locking = lock and session_id is not None and connection.features.has_select_for_update
    suffix = ""
    if locking and wait:
        sql.fetch_one(
            "SELECT id FROM sessions WHERE id = %s AND student_id = %s FOR UPDATE",
            [session_id, student.pk],
        )
    elif locking:
        suffix = " FOR UPDATE OF s NOWAIT"
    statement, params = session_state_statement(
        student=student, session_id=session_id, for_answer=for_answer, problem_id=problem_id
    )
    try:
        rows = sql.fetch_all(statement + suffix, params)
    except OperationalError as error:
        if suffix and getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise SessionBusy from error
        raise
    return session_state_from(
        rows, student=student, session_id=session_id, for_answer=for_answer, problem_id=problem_id
    )


def session_state_statement(
    *,
    student: Student,
    session_id: int | None = None,
    for_answer: bool = False,
    problem_id: int | None = None,
) -> sql.Statement:
    """`session_state`'s read (without a lock), for a caller that runs it inside a statement
    of its own (on PostgreSQL its columns are named: `hints_seen`, `row_version`, the session's
    and the problem's own), then hands the rows to `session_state_from`."""
    if session_id is None:
        where, params = "s.student_id = %s AND s.status = 'in_progress'", [student.pk]
    else:
        where, params = "s.id = %s AND s.student_id = %s", [session_id, student.pk]
        if problem_id is not None:
            where, params = f"{where} AND sp.problem_id = %s", [*params, problem_id]
    return _state_sql(where, for_answer, connection.vendor == "postgresql"), params


def session_state_from(
    rows: list[tuple[Any, ...]],
    *,
    student: Student,
    session_id: int | None = None,
    for_answer: bool = False,
    problem_id: int | None = None,
) -> SessionState | None:
    """The `SessionState` of the rows `session_state_statement` read (with its arguments)."""
    versioned = connection.vendor == "postgresql"
    session_columns, session_fields = sql.columns(PracticeSession, "s")
    if not rows:
        if problem_id is None:
            return None
        found = sql.fetch_one(
            f"SELECT {session_columns} FROM sessions s "  # noqa: S608 - model column names
            "WHERE s.id = %s AND s.student_id = %s",
            [session_id, student.pk],
        )
        if found is None:
            return None
        return SessionState(PracticeSession.from_db("default", session_fields, found), items=[])
    _, mastery_fields = sql.columns(TopicMastery, "m", _MASTERY_READ)
    _, streak_fields = sql.columns(Streak, "st", _STREAK_READ)
    width = len(session_fields)
    session = SessionState(
        PracticeSession.from_db("default", session_fields, rows[0][:width]),
        items=[],
        version=rows[0][-1] if versioned else None,
    )
    mastery_end = width + 15 + len(mastery_fields)
    streak_end = mastery_end + len(streak_fields)
    if for_answer:
        session.answered_count = rows[0][streak_end]
        if rows[0][mastery_end] is not None:
            session.streak = Streak.from_db(
                "default", streak_fields, rows[0][mastery_end:streak_end]
            )
    contents = problem_contents((row[width], row[width + 2]) for row in rows)
    for row in rows:
        (
            problem_id,
            position,
            _version,
            rating,
            rated_answers,
            answer_type,
            answer,
            answer_bn,
            accepted,
            tolerance,
            simplest,
            is_correct,
            student_answer,
            feedback_id,
            hints_used,
        ) = row[width : width + 15]
        mastery = None
        if for_answer and row[width + 15] is not None:
            mastery = TopicMastery.from_db("default", mastery_fields, row[width + 15 : mastery_end])
        session.items.append(
            SessionItem(
                problem_id=problem_id,
                position=position,
                problem=contents[problem_id],
                hints_used=hints_used,
                result=None if is_correct is None else bool(is_correct),
                student_answer=student_answer,
                feedback_id=feedback_id,
                rating=rating,
                rated_answers=rated_answers,
                key_columns=(answer_type, answer, answer_bn, accepted, tolerance, bool(simplest)),
                mastery=mastery,
            )
        )
    return session


def session_detail(*, student: Student, session_id: int) -> SessionState:
    """A session of the student with its problems (`session_state`), or 404."""
    session = session_state(student=student, session_id=session_id)
    if session is None:
        raise NotFound(_("No such session."), code="not_found")
    return session


# The page comes from the (student, created_at) index, newest first, and only its sessions'
# answers are counted; the total is one index-only count, whatever the page.
_HISTORY_SQL = (
    "SELECT s.id, s.status, s.started_at, s.expires_at, s.completed_at, s.problems_correct, "
    "s.total_time_seconds, (SELECT COUNT(*) FROM responses r WHERE r.session_id = s.id), "
    "(SELECT COUNT(*) FROM sessions c WHERE c.student_id = %s) "
    "FROM sessions s WHERE s.student_id = %s "
    "ORDER BY s.created_at DESC, s.id DESC LIMIT %s OFFSET %s"
)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A line of a student's history: what the history and the student page show."""

    id: int
    status: str
    started_at: dt.datetime
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    problems_correct: int
    total_time_seconds: int
    answered: int

    @property
    def pk(self) -> int:
        return self.id

    def status_at(self, now: dt.datetime) -> str:
        return session_status(self.status, self.expires_at, now)

    def get_status_display(self) -> str:
        return str(PracticeSession.Status(self.status).label)


@dataclass(frozen=True)
class SessionHistory:
    """A student's sessions, newest first (for `core.api.Pagination`)."""

    student: Student

    def window(self, offset: int, limit: int) -> tuple[list[SessionSummary], int]:
        """The sessions at `offset` (at most `limit`) and how many the student has, in one
        statement. The total is 0 when the window is empty: past the end it is not needed."""
        rows = sql.fetch_all(_HISTORY_SQL, [self.student.pk, self.student.pk, limit, offset])
        return [SessionSummary(*row[:8]) for row in rows], rows[0][8] if rows else 0


@cache
def _streak_sql() -> str:
    streak_columns, _ = sql.columns(Streak, "st")
    return (
        f"SELECT m.days, {streak_columns} FROM students s "  # noqa: S608 - model column names
        "LEFT JOIN streaks st ON st.student_id = s.id "
        "LEFT JOIN streak_milestones m ON m.student_id = s.id "
        "WHERE s.id = %s ORDER BY m.days"
    )


def streak_for(*, student: Student) -> tuple[Streak, list[int]]:
    """The student's streak (unsaved and empty if they never completed a session) and the
    milestones they reached, in one statement."""
    _, fields = sql.columns(Streak, "st")
    rows = sql.fetch_all(_streak_sql(), [student.pk])
    milestones = [row[0] for row in rows if row[0] is not None]
    if not rows or rows[0][1] is None:
        return Streak(student=student), milestones
    return Streak.from_db("default", fields, rows[0][1:]), milestones


@cache
def _progress_sql() -> str:
    topic_columns, _ = sql.columns(Topic, "t")
    mastery_columns, _ = sql.columns(TopicMastery, "m")
    order = connection.ops.quote_name("order")
    return (
        f"SELECT {topic_columns}, {mastery_columns} FROM topics t "  # noqa: S608 - model column names
        "LEFT JOIN topic_mastery m ON m.topic_id = t.id AND m.student_id = %s "
        f"WHERE t.grade = %s ORDER BY t.{order}, t.code"
    )


def progress_for(*, student: Student) -> list[tuple[Topic, TopicMastery | None]]:
    """Every topic of the student's grade with the student's mastery row, if any: one
    statement."""
    if student.grade is None:
        return []
    _, topic_fields = sql.columns(Topic, "t")
    _, mastery_fields = sql.columns(TopicMastery, "m")
    width = len(topic_fields)
    pairs: list[tuple[Topic, TopicMastery | None]] = []
    for row in sql.fetch_all(_progress_sql(), [student.pk, student.grade]):
        topic = Topic.from_db("default", topic_fields, row[:width])
        mastery = None
        if row[width] is not None:
            mastery = TopicMastery.from_db("default", mastery_fields, row[width:])
        pairs.append((topic, mastery))
    return pairs


@dataclass(frozen=True)
class MistakeView:
    """A wrong answer as a teacher reviews it: the problem as the student saw it, what they
    typed, the right answer and the explanation (in the language they practised in)."""

    response: Response
    question: str
    right_answer: str
    explanation: str


WEAK_MIN_ANSWERS = 3  # a topic is judged weak only after this many answers
WEAK_BELOW = 0.6  # ... when fewer than this share were right


@dataclass(frozen=True)
class StudentOverview:
    streak: Streak
    current_streak: int
    mastery: list[TopicMastery]  # with topics
    sessions: list[SessionSummary]  # the latest
    responses: list[Response]  # the latest answers, with their problems
    calendar: list[tuple[dt.date, str]]  # the last 35 local days: practised / freeze / none
    mistakes: list[MistakeView]  # the latest wrong answers

    @property
    def weak_topics(self) -> list[TopicMastery]:
        """Topics answered often enough and mostly wrong, weakest first."""
        weak = [
            row
            for row in self.mastery
            if row.attempts >= WEAK_MIN_ANSWERS and row.correct / row.attempts < WEAK_BELOW
        ]
        return sorted(weak, key=lambda row: (row.correct / row.attempts, -row.attempts))


def student_overview(
    *, student: Student, today: dt.date, sessions: int = 10, mistakes: int = 10
) -> StudentOverview:
    """What a teacher needs on a student's page, in seven queries whatever the history."""
    streak, _milestones = streak_for(student=student)
    mastery = list(
        TopicMastery.objects.filter(student=student)
        .select_related("topic")
        .order_by("topic__grade", "topic__order")
    )
    latest, _total = SessionHistory(student).window(0, sessions)
    responses = list(
        Response.objects.filter(session__student=student)
        .select_related("problem", "problem__topic")
        .order_by("-evaluated_at", "-id")[:20]
    )
    wrong = (
        Response.objects.filter(session__student=student, is_correct=False)
        .select_related("problem", "problem__topic")
        .prefetch_related("problem__options")
        .order_by("-evaluated_at", "-id")[:mistakes]
    )
    return StudentOverview(
        streak=streak,
        current_streak=streak_rules.current_streak(streak.as_state(), today),
        mastery=mastery,
        sessions=latest,
        responses=responses,
        calendar=practice_calendar(student=student, today=today),
        mistakes=[_mistake(response) for response in wrong],
    )


CALENDAR_DAYS = 35  # five weeks


def practice_calendar(
    *, student: Student, today: dt.date, days: int = CALENDAR_DAYS
) -> list[tuple[dt.date, str]]:
    """The student's last `days` local days up to `today`, oldest first, each "practised" (a
    session completed), "freeze" (a missed day a streak freeze covered) or "none": one query."""
    start = today - dt.timedelta(days=days - 1)
    practised: set[dt.date] = set()
    frozen: set[dt.date] = set()
    since = dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    for completed_at, freeze_used in PracticeSession.objects.filter(
        student=student, status=PracticeSession.Status.COMPLETED, completed_at__gte=since
    ).values_list("completed_at", "freeze_used"):
        if completed_at is None:
            continue
        day = local_date(student, completed_at)
        practised.add(day)
        if freeze_used:  # the freeze covered the day missed just before
            frozen.add(day - dt.timedelta(days=1))
    return [
        (day, "practised" if day in practised else "freeze" if day in frozen else "none")
        for day in _days(start, today)
    ]


# A page of the student's wrong answers, newest first, with each problem's key columns as they
# are now; the total is counted in the same statement (0 past the end, as for the history).
_MISTAKES_SQL = (
    "SELECT r.id, r.session_id, r.problem_id, r.student_answer, r.evaluated_at, r.feedback_id, "
    "p.version, p.answer_type, p.answer, p.answer_bn, p.accepted_answers, p.tolerance, "
    "p.simplest_form, "
    "(SELECT COUNT(*) FROM responses c JOIN sessions cs ON cs.id = c.session_id "
    "WHERE cs.student_id = %s AND c.is_correct = %s) "
    "FROM responses r JOIN sessions s ON s.id = r.session_id "
    "JOIN problems p ON p.id = r.problem_id "
    "WHERE s.student_id = %s AND r.is_correct = %s "
    "ORDER BY r.evaluated_at DESC, r.id DESC LIMIT %s OFFSET %s"
)


@dataclass(frozen=True)
class Mistake:
    """A wrong answer as the student reviews it: the problem (its current content and key),
    what they answered, and the feedback they were shown."""

    id: int
    session_id: int
    problem_id: int
    student_answer: str
    answered_at: dt.datetime
    problem: ProblemContent
    key: AnswerKey
    feedback: FeedbackContent | None


@dataclass(frozen=True)
class MistakeHistory:
    """A student's wrong answers, newest first (for `core.api.Pagination`)."""

    student: Student

    def window(self, offset: int, limit: int) -> tuple[list[Mistake], int]:
        """The wrong answers at `offset` (at most `limit`) and how many there are: one
        statement, plus the content of problems this process has not seen at their version."""
        rows = sql.fetch_all(
            _MISTAKES_SQL, [self.student.pk, False, self.student.pk, False, limit, offset]
        )
        contents = problem_contents((row[2], row[6]) for row in rows)
        mistakes = []
        for row in rows:
            content = contents[row[2]]
            answer_type, answer, answer_bn, accepted, tolerance, simplest = row[7:13]
            key = answer_key(
                content,
                answer_type=answer_type,
                answer=answer,
                answer_bn=answer_bn,
                accepted_answers=accepted,
                tolerance=tolerance,
                simplest_form=bool(simplest),
            )
            mistakes.append(
                Mistake(
                    id=row[0],
                    session_id=row[1],
                    problem_id=row[2],
                    student_answer=row[3],
                    answered_at=row[4],
                    problem=content,
                    key=key,
                    feedback=content.feedback_by_id(row[5]),
                )
            )
        return mistakes, rows[0][13] if rows else 0


def _mistake(response: Response) -> MistakeView:
    problem, language = response.problem, response.language
    return MistakeView(
        response=response,
        question=problem.question_bn if language == "bn" else problem.question_en,
        right_answer=display_answer(answer_key_for(problem), language),
        explanation=problem.explanation_bn if language == "bn" else problem.explanation_en,
    )


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def skill_label(ability: float, answers: int) -> str:
    """The Elo ability as a teacher reads it: a level and the chance of a medium problem."""
    from django.utils.translation import gettext

    if answers == 0:
        return gettext("not measured yet")
    chance = round(100 * expected_success(ability, 0.0))
    return gettext("%(chance)s%% chance on a medium problem (after %(answers)s answers)") % {
        "chance": chance,
        "answers": answers,
    }
