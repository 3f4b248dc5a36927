"""Writes to the problem library: one path for every route.

The admin form, the admin import, the `import_problems` command, the shipped library and AI hint
generation all write through `problems_save` (one problem: `problem_save`). It

* merges what the route brings with the stored problem (columns a file lacks, or blank hint
  cells, keep what is there), so a partial update never wipes anything;
* validates the whole problem, answer key included, with every error named by column in the
  reader's language — nothing is written if any row is wrong;
* writes only what changed, bumps `version` and keeps the new version, whole, in
  `ProblemVersion` (who, when, which route, which columns changed) — in one transaction;
* refuses a stale edit (`expected_version`) instead of overwriting someone else's work.

A problem's grade is its topic's grade; a new problem's learned difficulty starts from its
authored difficulty, and so does a problem nobody has answered yet when that changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.content import cache
from apps.content.domain import FEEDBACK_POSITIONS, HINT_LEVELS, seed_rating
from apps.content.models import (
    AnswerFeedback,
    Hint,
    Problem,
    ProblemOption,
    ProblemVersion,
    Route,
    Topic,
)
from apps.content.selectors import problems_for_rows, with_rows_loaded
from apps.content.spreadsheet import (
    COLUMNS,
    FEEDBACK_COLUMNS,
    HINT_COLUMNS,
    Limits,
    ProblemRow,
    SpreadsheetError,
    header_problems,
    parse_row,
    problem_values,
    read_sheet,
)

User = AbstractBaseUser | AnonymousUser | None


def _staff(user: User) -> Any:
    """The user to record as the author of a change (None for anonymous or system work)."""
    return user if isinstance(user, AbstractBaseUser) else None


# The Problem fields a row sets (bulk_update writes exactly these, plus bookkeeping).
PROBLEM_FIELDS = (
    "subtopic", "difficulty", "answer_type", "question_en", "question_bn", "answer",
    "answer_bn", "accepted_answers", "tolerance", "simplest_form", "explanation_en",
    "explanation_bn", "estimated_time_minutes", "is_active",
)  # fmt: skip
HEADER_ROW = 1  # people count spreadsheet rows with the header as row 1


@dataclass
class Change:
    """What saving one row does to one problem."""

    number: int  # spreadsheet row (0 when not from a file)
    row: ProblemRow
    problem: Problem | None  # the stored problem, or None for a new one
    before: dict[str, str] | None
    changed: list[str]

    @property
    def created(self) -> bool:
        return self.problem is None


@dataclass
class Plan:
    """A validated set of rows, ready to write, or the errors that stop it."""

    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "row N, column C: message" (or file-level)
    field_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> list[Change]:
        return [c for c in self.changes if c.created]

    @property
    def updated(self) -> list[Change]:
        return [c for c in self.changes if not c.created and c.changed]

    @property
    def unchanged(self) -> int:
        return sum(1 for c in self.changes if not c.created and not c.changed)


class ProblemInvalid(ValueError):
    """`problem_save` refused the problem; `errors` maps each column to its problems."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{c}: {' '.join(m)}" for c, m in errors.items()))
        self.errors = dict(errors)


class StaleEdit(ValueError):
    """Someone else saved the problem since this edit began; nothing was written."""

    def __init__(self, current: int, expected: int) -> None:
        super().__init__(f"version {current}, expected {expected}")
        self.current, self.expected = current, expected


def _merge(incoming: Mapping[str, Any], current: Mapping[str, str] | None) -> dict[str, Any]:
    """The row as it will be: columns the route does not bring keep the stored value, and so do
    blank hint cells (they never remove a hint, perhaps an AI-written one)."""
    merged: dict[str, Any] = dict(current or {})
    for column in COLUMNS:
        if column not in incoming:
            continue
        value = incoming[column]
        blank = value is None or (isinstance(value, str) and not value.strip())
        if column in HINT_COLUMNS and blank and current is not None:
            continue
        merged[column] = value
    return merged


def problems_plan(
    rows: Sequence[Mapping[str, Any]],
    *,
    expected_versions: Mapping[str, int] | None = None,
    check_time: Callable[[], None] | None = None,
) -> Plan:
    """Validate rows (dicts of spreadsheet columns; `__row__` is the spreadsheet row number) and
    work out what saving them would change. Reads; writes nothing."""
    plan = Plan(total=len(rows))
    topics = dict(Topic.objects.values_list("code", "grade"))
    codes = [str(row.get("code") or "").strip() for row in rows]
    stored = {p.code: p for p in problems_for_rows(codes=[c for c in codes if c])}
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        if check_time is not None and index % 200 == 0:
            check_time()
        number = int(raw.get("__row__") or 0)
        code = codes[index]
        problem = stored.get(code)
        before = problem_values(problem) if problem is not None else None
        parsed, errors = parse_row(_merge(raw, before), topics)
        if code and code in seen:
            errors.add(
                "code",
                _("The code “%(code)s” is also used in row %(row)s.")
                % {"code": code, "row": seen[code]},
            )
        elif code:
            seen[code] = number
        if errors or parsed is None:
            plan.field_errors[number] = dict(errors)
            for column, messages in errors.items():
                label = (
                    _("row %(row)s, column %(column)s") % {"row": number, "column": column}
                    if number
                    else column
                )
                plan.errors.extend(f"{label}: {message}" for message in messages)
            continue
        expected = (expected_versions or {}).get(code)
        if problem is not None and expected is not None and problem.version != expected:
            raise StaleEdit(problem.version, expected)
        changed = [c for c in COLUMNS if before is None or before.get(c) != parsed.values[c]]
        plan.changes.append(Change(number, parsed, problem, before, changed))
    return plan


@dataclass(frozen=True)
class SaveResult:
    created: int
    updated: int
    unchanged: int
    problems: list[Problem]


@transaction.atomic
def problems_apply(
    plan: Plan,
    *,
    route: str,
    user: User = None,
    now: dt.datetime | None = None,
    restored_from: int | None = None,
) -> SaveResult:
    """Write a valid plan: problems, their options and hints, and one version each, in bulk."""
    if not plan.ok:
        raise ProblemInvalid({"file": plan.errors})
    now = now or timezone.now()
    topics = {t.code: t for t in Topic.objects.all()}
    writes = [c for c in plan.changes if c.changed]
    new: list[Problem] = []
    updated: list[Problem] = []
    for change in writes:
        problem = change.problem or Problem(code=change.row.code)
        old_difficulty = problem.difficulty if change.problem else None
        for name, value in change.row.fields.items():
            if name == "topic_code":
                problem.topic = topics[value]
            else:
                setattr(problem, name, value)
        if change.problem is None:
            problem.version, problem.rating = 1, seed_rating(problem.difficulty)
            problem.created_at = problem.updated_at = now
            new.append(problem)
        else:
            problem.version += 1
            problem.updated_at = now
            problem.unusable_since = None
            if problem.rated_answers == 0 and problem.difficulty != old_difficulty:
                problem.rating = seed_rating(problem.difficulty)
            updated.append(problem)
    Problem.objects.bulk_create(new, batch_size=500)
    if updated:
        Problem.objects.bulk_update(
            updated,
            [*PROBLEM_FIELDS, "topic", "version", "updated_at", "unusable_since", "rating"],
            batch_size=500,
        )
    _write_children(writes, now)
    new_by_code = {p.code: p for p in new}
    ProblemVersion.objects.bulk_create(
        (
            ProblemVersion(
                problem=change.problem or new_by_code[change.row.code],
                version=(change.problem.version if change.problem else 1),
                route=route,
                user=_staff(user),
                saved_at=now,
                data=change.row.values,
                changed=change.changed if change.problem else [],
                restored_from=restored_from,
            )
            for change in writes
        ),
        batch_size=500,
    )
    cache.forget_pools()
    return SaveResult(
        created=len(new),
        updated=len(updated),
        unchanged=plan.unchanged,
        problems=[*new, *updated],
    )


def _write_children(writes: Iterable[Change], now: dt.datetime) -> None:
    """Make each written problem's options, hints and feedback exactly what its row says (a
    hint the row keeps from the stored problem, AI-written or not, is left as it is)."""
    writes = list(writes)
    by_code = {c.row.code: c for c in writes}
    problems = {p.code: p for p in Problem.objects.filter(code__in=by_code)}
    ids = [p.pk for p in problems.values()]
    existing_hints = {(h.problem_id, h.level): h for h in Hint.objects.filter(problem_id__in=ids)}
    ProblemOption.objects.filter(problem_id__in=ids).delete()
    ProblemOption.objects.bulk_create(
        (
            ProblemOption(problem=problems[code], label=label, text_en=en, text_bn=bn)
            for code, change in by_code.items()
            for label, en, bn in change.row.options
        ),
        batch_size=2000,
    )
    new_hints, changed_hints, gone = [], [], []
    for code, change in by_code.items():
        problem = problems[code]
        for level in HINT_LEVELS:
            wanted = change.row.hints.get(level)
            hint = existing_hints.get((problem.pk, level))
            if wanted is None:
                if hint is not None:
                    gone.append(hint.pk)
                continue
            if hint is None:
                new_hints.append(
                    Hint(problem=problem, level=level, text_en=wanted[0], text_bn=wanted[1])
                )
            elif (hint.text_en, hint.text_bn) != wanted:
                hint.text_en, hint.text_bn = wanted
                hint.is_ai_generated, hint.reviewed_at, hint.reviewed_by = False, None, None
                hint.updated_at = now
                changed_hints.append(hint)
    Hint.objects.filter(pk__in=gone).delete()
    Hint.objects.bulk_create(new_hints, batch_size=2000)
    Hint.objects.bulk_update(
        changed_hints,
        ["text_en", "text_bn", "is_ai_generated", "reviewed_at", "reviewed_by", "updated_at"],
        batch_size=2000,
    )
    _write_feedback(by_code, problems, now)


def _write_feedback(
    by_code: Mapping[str, Change], problems: Mapping[str, Problem], now: dt.datetime
) -> None:
    """Feedback entries are matched by the answer's form: an entry for the same answer keeps
    its row (and so the responses that record it), changed in place; entries for answers the
    row no longer has are deleted (those responses keep their answer, the record becomes
    empty)."""
    stored: dict[tuple[int, str], AnswerFeedback] = {
        (entry.problem_id, entry.form): entry
        for entry in AnswerFeedback.objects.filter(problem_id__in=[p.pk for p in problems.values()])
    }
    wanted: set[tuple[int, str]] = set()
    new, changed = [], []
    for code, change in by_code.items():
        problem = problems[code]
        for position, item in enumerate(change.row.feedback, start=FEEDBACK_POSITIONS[0]):
            wanted.add((problem.pk, item.form))
            values = (position, item.answer, item.message_en, item.message_bn)
            entry = stored.get((problem.pk, item.form))
            if entry is None:
                new.append(
                    AnswerFeedback(
                        problem=problem,
                        position=position,
                        answer=item.answer,
                        form=item.form,
                        message_en=item.message_en,
                        message_bn=item.message_bn,
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif (entry.position, entry.answer, entry.message_en, entry.message_bn) != values:
                entry.position, entry.answer, entry.message_en, entry.message_bn = values
                entry.updated_at = now
                changed.append(entry)
    gone = [entry.pk for where, entry in stored.items() if where not in wanted]
    if gone:
        AnswerFeedback.objects.filter(pk__in=gone).delete()
    AnswerFeedback.objects.bulk_create(new, batch_size=2000)
    AnswerFeedback.objects.bulk_update(
        changed, ["position", "answer", "message_en", "message_bn", "updated_at"], batch_size=2000
    )


def problems_save(
    rows: Sequence[Mapping[str, Any]],
    *,
    route: str,
    user: User = None,
    expected_versions: Mapping[str, int] | None = None,
    restored_from: int | None = None,
) -> SaveResult:
    """Validate and write rows, all or nothing (`ProblemInvalid` names every problem)."""
    with transaction.atomic():
        plan = problems_plan(rows, expected_versions=expected_versions)
        if not plan.ok:
            raise ProblemInvalid(
                {
                    column: msgs
                    for errs in plan.field_errors.values()
                    for column, msgs in errs.items()
                }
            )
        return problems_apply(plan, route=route, user=user, restored_from=restored_from)


def problem_save(
    *,
    values: Mapping[str, Any],
    route: str,
    user: User = None,
    expected_version: int | None = None,
) -> Problem:
    """Create or change one problem (by `values["code"]`); see the module docstring."""
    code = str(values.get("code") or "")
    expected = {code: expected_version} if expected_version is not None else None
    result = problems_save([values], route=route, user=user, expected_versions=expected)
    if result.problems:
        return result.problems[0]
    return Problem.objects.get(code=code)


def problem_restore(*, problem: Problem, version: int, user: User = None) -> Problem:
    """Make an earlier version current again; the restore is itself a new version. A version
    kept before feedback existed had none, and restoring it removes the current feedback."""
    old = ProblemVersion.objects.get(problem=problem, version=version)
    rows = [{**dict.fromkeys(FEEDBACK_COLUMNS, ""), **old.data, "code": problem.code}]
    result = problems_save(rows, route=Route.RESTORE, user=user, restored_from=version)
    return result.problems[0] if result.problems else problem


def problem_fill_hints(
    *, problem_id: int, hints: Mapping[int, tuple[str, str]], route: str = Route.AI
) -> bool:
    """Add AI-written hints where the problem has none (or only one language); authored text
    is never replaced. A new version records them. False if there was nothing to fill."""
    with transaction.atomic():
        problem = (
            Problem.objects.select_for_update()
            .select_related("topic")
            .prefetch_related("options", "hints", "feedback")
            .get(pk=problem_id)
        )
        existing = {h.level: h for h in problem.hints.all()}
        fill = {}
        for level, (en, bn) in hints.items():
            hint = existing.get(level)
            if hint is None:
                fill[level] = (en, bn)
            elif not (hint.text_en and hint.text_bn):
                fill[level] = (hint.text_en or en, hint.text_bn or bn)
        if not fill:
            return False
        row = problem_values(problem)
        for level, (en, bn) in fill.items():
            row[f"hint_{level}_en"], row[f"hint_{level}_bn"] = en, bn
        problems_save([row], route=route)
        Hint.objects.filter(problem=problem, level__in=fill).update(
            is_ai_generated=True, reviewed_at=None, reviewed_by=None
        )
    return True


# The add-feedback form's fields, by the columns of the entry it adds.
FEEDBACK_FIELDS = ("answer", "message_en", "message_bn")


def problem_feedback_add(
    *, problem_id: int, answer: str, message_en: str, message_bn: str, user: User = None
) -> Problem:
    """Add feedback for one wrong answer after the problem's others: a new version (route
    admin), validated with the whole problem. `ProblemInvalid` names the entry's own problems
    by `FEEDBACK_FIELDS` (an answer that is right, unreadable or already has feedback; a
    missing message; no room left), any other problem of the stored problem by its column."""
    if not answer.strip():
        raise ProblemInvalid({"answer": [_("Give the wrong answer this feedback is for.")]})
    with transaction.atomic():
        problem = with_rows_loaded(Problem.objects.select_for_update(of=("self",))).get(
            pk=problem_id
        )
        row = problem_values(problem)
        used = sum(1 for n in FEEDBACK_POSITIONS if row[f"feedback_{n}_answer"])
        if used == len(FEEDBACK_POSITIONS):
            raise ProblemInvalid(
                {
                    "answer": [
                        _(
                            "This problem already has feedback for %(count)s wrong answers, "
                            "the most it can have; remove one on the problem's page first."
                        )
                        % {"count": used}
                    ]
                }
            )
        columns = [f"feedback_{used + 1}_{part}" for part in ("answer", "en", "bn")]
        row.update(zip(columns, (answer, message_en, message_bn), strict=True))
        fields = dict(zip(columns, FEEDBACK_FIELDS, strict=True))
        try:
            result = problems_save([row], route=Route.ADMIN, user=user)
        except ProblemInvalid as exc:
            raise ProblemInvalid(
                {fields.get(column, column): messages for column, messages in exc.errors.items()}
            ) from exc
    return result.problems[0]


@transaction.atomic
def problems_set_active(*, problems: QuerySet[Problem], active: bool, user: User = None) -> int:
    """Activate or retire problems, a new version each. Retiring never deletes anything
    students answered, and works on a problem whose key is broken too (that is when it is
    needed most), so it changes only `is_active`."""
    now = timezone.now()
    targets = list(
        Problem.objects.filter(pk__in=problems.values("pk"))
        .exclude(is_active=active)
        .select_related("topic")
        .prefetch_related("options", "hints", "feedback")
        .select_for_update(of=("self",))
    )
    for problem in targets:
        problem.is_active, problem.version, problem.updated_at = active, problem.version + 1, now
    Problem.objects.bulk_update(targets, ["is_active", "version", "updated_at"])
    cache.forget_pools()
    ProblemVersion.objects.bulk_create(
        ProblemVersion(
            problem=problem,
            version=problem.version,
            route=Route.STATUS,
            user=_staff(user),
            saved_at=now,
            data=problem_values(problem),
            changed=["is_active"],
        )
        for problem in targets
    )
    return len(targets)


def problem_flag_unusable(*, problem_id: int) -> None:
    """A student found the problem's answer key unusable: it is no longer chosen, and the
    content team sees it in the "Needs attention" filter until a valid save clears it."""
    Problem.objects.filter(pk=problem_id, unusable_since__isnull=True).update(
        unusable_since=timezone.now()
    )
    cache.forget_pools()


def hints_approve(*, hints: QuerySet[Hint], user: User = None) -> int:
    """The content team has read these AI-written hints and accepts them."""
    return hints.filter(is_ai_generated=True, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(),
        reviewed_by=_staff(user),
    )


# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False
    plan: Plan | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def import_limits() -> Limits:
    from django.conf import settings

    return Limits(
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        max_xlsx_uncompressed_bytes=settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES,
        max_seconds=settings.IMPORT_MAX_SECONDS,
    )


def problems_import(
    *,
    data: bytes,
    file_format: str,
    route: str = Route.COMMAND,
    user: User = None,
    dry_run: bool = False,
    limits: Limits | None = None,
) -> ImportReport:
    """Import a problem spreadsheet, all or nothing; see `apps.content.spreadsheet`."""
    report = ImportReport(dry_run=dry_run)
    try:
        sheet = read_sheet(data, file_format, limits or import_limits())
        problems = header_problems(sheet.headers)
        if problems:
            report.errors.extend(problems)
            return report
        report.total = len(sheet.rows)
        plan = problems_plan(sheet.rows, check_time=sheet.check_time)
    except SpreadsheetError as exc:
        report.errors.append(str(exc))
        return report
    report.plan = plan
    report.errors.extend(plan.errors)
    if not plan.ok:
        return report
    report.created, report.updated = len(plan.created), len(plan.updated)
    report.unchanged = plan.unchanged
    if not dry_run:
        problems_apply(plan, route=route, user=user)
    return report


# --- topics ----------------------------------------------------------------------------------

TOPIC_COLUMNS = ("code", "grade", "name_en", "name_bn", "order", "outcome_code")
TOPIC_REQUIRED = ("code", "grade", "name_en", "name_bn")


@dataclass
class TopicReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # differ from the file, left as edited
    errors: list[str] = field(default_factory=list)


def _topic_errors(number: int, row: Mapping[str, Any]) -> list[str]:
    from apps.content.curriculum import parse_outcome_code
    from apps.students.domain import GRADES

    errors = []

    def bad(column: str, message: str) -> None:
        errors.append(
            _("row %(row)s, column %(column)s") % {"row": number, "column": column} + f": {message}"
        )

    for column in ("code", "grade", "name_en", "name_bn"):
        if not str(row.get(column) or "").strip():
            bad(column, _("This column is required."))
    if str(row.get("grade") or "").strip() not in {str(g) for g in GRADES}:
        bad("grade", _("The grade must be 6, 7 or 8."))
    order = str(row.get("order") or "0").strip()
    if not order.isdigit():
        bad("order", _("“%(value)s” is not a whole number.") % {"value": order})
    outcome = str(row.get("outcome_code") or "").strip()
    if outcome:
        try:
            grade, _chapter, _section = parse_outcome_code(outcome)
        except ValueError:
            bad(
                "outcome_code",
                _("“%(value)s” is not a textbook reference like NCTB-7-10 or NCTB-7-10.2.")
                % {"value": outcome},
            )
        else:
            if str(grade) != str(row.get("grade") or "").strip():
                bad("outcome_code", _("The reference is for another grade."))
    return errors


@transaction.atomic
def topics_save(
    rows: Sequence[Mapping[str, Any]], *, update: bool = True, dry_run: bool = False
) -> TopicReport:
    """Create topics, and update existing ones (by code) when `update`; all or nothing."""
    report = TopicReport()
    stored = {t.code: t for t in Topic.objects.all()}
    plan: list[tuple[Topic, bool]] = []
    for index, raw in enumerate(rows, start=HEADER_ROW + 1):
        number = int(raw.get("__row__") or index)
        report.errors.extend(_topic_errors(number, raw))
        if report.errors:
            continue
        values = {
            "grade": int(str(raw["grade"]).strip()),
            "name_en": str(raw["name_en"]).strip(),
            "name_bn": str(raw["name_bn"]).strip(),
            "order": int(str(raw.get("order") or "0").strip()),
            "outcome_code": str(raw.get("outcome_code") or "").strip(),
        }
        code = str(raw["code"]).strip()
        topic = stored.get(code)
        if topic is None:
            plan.append((Topic(code=code, **values), True))
            report.created.append(code)
            continue
        if all(getattr(topic, name) == value for name, value in values.items()):
            continue
        if not update:
            report.kept.append(code)
            continue
        if values["grade"] != topic.grade and topic.problems.exists():
            report.errors.append(
                _("Topic %(code)s has problems; its grade cannot change.") % {"code": code}
            )
            continue
        for name, value in values.items():
            setattr(topic, name, value)
        plan.append((topic, False))
        report.updated.append(code)
    if report.errors or dry_run:
        return report
    for topic, _created in plan:
        topic.save()
    return report


# --- the shipped library ----------------------------------------------------------------------


@dataclass
class LibraryReport:
    topics: TopicReport
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited here, left as they are
    errors: list[str] = field(default_factory=list)


def library_load(
    *, topics: Sequence[Mapping[str, Any]], problems: bytes, update: bool
) -> LibraryReport:
    """Load the shipped library (topics, then problems) all or nothing.

    Without `update` only what is absent is added: a topic or problem that exists is kept as it
    is, edits included, and reported in `kept` when it differs from the shipped one. With
    `update` the shipped version replaces it (a new version in its history, route "library")."""
    with transaction.atomic():
        topic_report = topics_save(topics, update=update)
        report = LibraryReport(topics=topic_report, errors=list(topic_report.errors))
        if report.errors:
            transaction.set_rollback(True)
            return report
        sheet = read_sheet(problems, "csv", Limits(max_bytes=50_000_000, max_rows=100_000))
        plan = problems_plan(sheet.rows)
        report.errors.extend(plan.errors)
        if not plan.ok:
            transaction.set_rollback(True)
            return report
        report.created = [c.row.code for c in plan.created]
        differing = [c for c in plan.changes if not c.created and c.changed]
        if update:
            report.updated = [c.row.code for c in differing]
        else:
            report.kept = [c.row.code for c in differing]
            plan.changes = [c for c in plan.changes if c.created]
        problems_apply(plan, route=Route.LIBRARY)
        return report
