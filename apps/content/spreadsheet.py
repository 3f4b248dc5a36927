"""The problem spreadsheet: its columns, how cells are read and written, how a row is validated.

One format serves the admin import/export, the `import_problems` / `export_problems` commands
and the shipped library (`fixtures/problems.csv`). Everything here is plain Python on plain
values (no database access): the import resource hands in the known topics and gets back
either a `ProblemRow` or the list of problems with each column.

Cells coming from spreadsheets are untidy: XLSX gives ints, floats, booleans and None; CSV may
carry a BOM, CRLF line ends, stray spaces or decomposed Unicode. `cell_text` turns any of them
into one canonical string, so the same content always compares equal and re-importing an
exported file changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from apps.content.checker import AnswerKey, Option, key_errors

OPTION_LABELS = ("A", "B", "C", "D")
HINT_LEVELS = (1, 2, 3)
LANGS = ("en", "bn")

COLUMNS: tuple[str, ...] = (
    "code",
    "grade",
    "topic",
    "subtopic",
    "difficulty",
    "answer_type",
    "question_en",
    "question_bn",
    "answer",
    "accepted_answers",
    "tolerance",
    "simplest_form",
    *(f"option_{label.lower()}_{lang}" for label in OPTION_LABELS for lang in LANGS),
    *(f"hint_{level}_{lang}" for level in HINT_LEVELS for lang in LANGS),
    "explanation_en",
    "explanation_bn",
    "estimated_time_minutes",
    "is_active",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "code",
    "grade",
    "topic",
    "difficulty",
    "answer_type",
    "question_en",
    "question_bn",
    "answer",
)
OPTION_COLUMNS = tuple(c for c in COLUMNS if c.startswith("option_"))
HINT_COLUMNS = tuple(c for c in COLUMNS if c.startswith("hint_"))
ANSWER_TYPES = ("numeric", "fraction", "multiple_choice", "text")
LANGUAGE_NAMES = {"en": "English", "bn": "Bengali"}

# Text fields and the lengths the database allows.
MAX_LENGTHS = {"code": 50, "subtopic": 100, "answer": 500, "tolerance": 20} | dict.fromkeys(
    OPTION_COLUMNS, 200
)
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")
TRUE_WORDS = {"yes", "y", "true", "1", "হ্যাঁ", "হাঁ"}
FALSE_WORDS = {"no", "n", "false", "0", "না"}

# Spreadsheet programs run a cell that starts with one of these as a formula. On export such a
# cell gets a leading apostrophe (the spreadsheet convention for "this is text"), and import
# removes it again, so the round trip is lossless. Plain numbers such as -5 are left alone:
# they are not formulae and must stay numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")


def cell_text(value: Any) -> str:
    """Any spreadsheet cell as canonical text: NFC, trimmed, LF line ends, formula escape undone."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def escape_formula(text: str) -> str:
    """Make a cell safe to open in a spreadsheet without running it as a formula."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER_RE.match(text):
        return "'" + text
    return text


def split_alternatives(text: str) -> list[str]:
    """Accepted answers are written `a|b|c` in a cell (one per line in the admin)."""
    return [part.strip() for part in re.split(r"[|\n]", text) if part.strip()]


@dataclass
class ProblemRow:
    """A validated spreadsheet row. Only columns present in the file are carried."""

    code: str
    values: dict[str, str]  # canonical text per present column, as export would write it
    fields: dict[str, Any]  # Problem model fields to set (topic as a code, under "topic_code")
    options: list[tuple[str, str, str]] | None  # (label, en, bn); None = columns absent
    hints: dict[int, tuple[str, str]] = field(default_factory=dict)  # given levels only

    def differs_from(self, current: Mapping[str, str]) -> bool:
        """True if importing this row would change the problem exported as `current`.

        Blank hint cells mean "no authored hint in the file": they never remove a hint that
        exists (perhaps AI-generated), so they are not compared.
        """
        for column, value in self.values.items():
            if column in HINT_COLUMNS and value == "":
                continue
            if current.get(column, "") != value:
                return True
        return False


class RowErrors(dict[str, list[str]]):
    def add(self, column: str, message: str) -> None:
        self.setdefault(column, []).append(message)


def header_problems(headers: list[str]) -> list[str]:
    """Problems with the header row itself (missing, unknown or repeated columns)."""
    problems = []
    names = [cell_text(h) for h in headers]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        problems.append(
            "unknown column(s): "
            + ", ".join(unknown)
            + " (the columns are: "
            + ", ".join(COLUMNS)
            + ")"
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    return problems


def _int_in_range(
    values: dict[str, str], errors: RowErrors, column: str, low: int, high: int, what: str
) -> int | None:
    raw = values.get(column, "")
    if raw == "":
        errors.add(column, f"{what} is required")
        return None
    if not re.fullmatch(r"[+-]?\d+", raw):
        errors.add(column, f"{what} must be a whole number from {low} to {high} (got {raw!r})")
        return None
    number = int(raw)
    if not low <= number <= high:
        errors.add(column, f"{what} must be from {low} to {high} (got {number})")
        return None
    return number


def _bool(values: dict[str, str], errors: RowErrors, column: str) -> bool | None:
    raw = values.get(column, "").casefold()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    errors.add(column, f"{column} must be yes or no (got {values[column]!r})")
    return None


def parse_row(
    raw: Mapping[str, Any], topic_grades: Mapping[str, int]
) -> tuple[ProblemRow | None, RowErrors]:
    """Validate one row. `topic_grades` maps every known topic code to its grade."""
    values = {column: cell_text(raw[column]) for column in COLUMNS if column in raw}
    errors = RowErrors()
    fields: dict[str, Any] = {}

    code = values.get("code", "")
    if not code:
        errors.add("code", "code is required")
    elif not CODE_RE.match(code):
        errors.add("code", f"code {code!r} may only contain letters, digits, '-' and '_'")

    for column, limit in MAX_LENGTHS.items():
        if len(values.get(column, "")) > limit:
            errors.add(column, f"{column} is longer than {limit} characters")

    grade = _int_in_range(values, errors, "grade", 6, 8, "grade")
    difficulty = _int_in_range(values, errors, "difficulty", 1, 3, "difficulty")
    topic = values.get("topic", "")
    if not topic:
        errors.add("topic", "topic is required")
    elif topic not in topic_grades:
        errors.add("topic", f"unknown topic {topic!r}")
    elif grade is not None and topic_grades[topic] != grade:
        errors.add("topic", f"topic {topic!r} belongs to grade {topic_grades[topic]}, not {grade}")

    answer_type = values.get("answer_type", "")
    if answer_type not in ANSWER_TYPES:
        errors.add(
            "answer_type",
            f"unknown answer type {answer_type!r} (use {', '.join(ANSWER_TYPES)})",
        )

    for lang in LANGS:
        if not values.get(f"question_{lang}"):
            errors.add(f"question_{lang}", f"missing {LANGUAGE_NAMES[lang]} question")
    if not values.get("answer"):
        errors.add("answer", "answer is required")

    if "estimated_time_minutes" in values:
        if values["estimated_time_minutes"] == "":
            values["estimated_time_minutes"] = "5"
        fields["estimated_time_minutes"] = _int_in_range(
            values, errors, "estimated_time_minutes", 1, 120, "estimated_time_minutes"
        )
    if "is_active" in values:
        values["is_active"] = values["is_active"] or "yes"
        active = _bool(values, errors, "is_active")
        values["is_active"] = "yes" if active else "no"
        fields["is_active"] = active
    if "simplest_form" in values:
        simplest = _bool(values, errors, "simplest_form") if values["simplest_form"] else False
        values["simplest_form"] = "yes" if simplest else ""
        fields["simplest_form"] = bool(simplest)
    if "accepted_answers" in values:
        alternatives = split_alternatives(values["accepted_answers"])
        values["accepted_answers"] = "|".join(alternatives)
        fields["accepted_answers"] = "\n".join(alternatives)

    options = _parse_options(values, errors, answer_type)
    hints = _parse_hints(values, errors)

    if not errors.get("answer") and answer_type in ANSWER_TYPES:
        key = AnswerKey(
            answer_type=answer_type,
            answer=values["answer"],
            accepted=tuple(split_alternatives(values.get("accepted_answers", ""))),
            tolerance=values.get("tolerance", ""),
            simplest_form=bool(fields.get("simplest_form")),
            options=tuple(Option(label, en, bn) for label, en, bn in options or []),
        )
        for message in key_errors(key):
            errors.add(_column_for_key_error(message), message)

    if errors:
        return None, errors

    for column in ("subtopic", "question_en", "question_bn", "answer", "tolerance"):
        if column in values:
            fields[column] = values[column]
    for column in ("explanation_en", "explanation_bn"):
        if column in values:
            fields[column] = values[column]
    fields.update(grade=grade, difficulty=difficulty, answer_type=answer_type, topic_code=topic)
    values["grade"], values["difficulty"] = str(grade), str(difficulty)
    if "estimated_time_minutes" in values:
        values["estimated_time_minutes"] = str(fields["estimated_time_minutes"])
    return ProblemRow(code=code, values=values, fields=fields, options=options, hints=hints), errors


def _column_for_key_error(message: str) -> str:
    lowered = message.lower()
    if "tolerance" in lowered:
        return "tolerance"
    if "option" in lowered and "answer" not in lowered:
        return "options"
    return "answer"


def _parse_options(
    values: dict[str, str], errors: RowErrors, answer_type: str
) -> list[tuple[str, str, str]] | None:
    if not any(column in values for column in OPTION_COLUMNS):
        return None
    options = []
    for label in OPTION_LABELS:
        en = values.get(f"option_{label.lower()}_en", "")
        bn = values.get(f"option_{label.lower()}_bn", "")
        if bool(en) != bool(bn):
            missing = "bn" if en else "en"
            errors.add(
                f"option_{label.lower()}_{missing}",
                f"option {label} is given in {LANGUAGE_NAMES['en' if en else 'bn']} only",
            )
        if en or bn:
            options.append((label, en, bn))
    if answer_type != "multiple_choice" and options:
        errors.add("option_a_en", "options are only for multiple_choice problems")
    if answer_type == "multiple_choice":
        labels = [label for label, _, _ in options]
        if len(options) < 2:
            errors.add("option_a_en", "a multiple_choice problem needs at least 2 options")
        elif labels != list(OPTION_LABELS[: len(labels)]):
            errors.add("option_a_en", "options must be filled in order A, B, C, D without gaps")
    return options


def _parse_hints(values: dict[str, str], errors: RowErrors) -> dict[int, tuple[str, str]]:
    hints: dict[int, tuple[str, str]] = {}
    for level in HINT_LEVELS:
        en = values.get(f"hint_{level}_en", "")
        bn = values.get(f"hint_{level}_bn", "")
        if bool(en) != bool(bn):
            given, missing = ("en", "bn") if en else ("bn", "en")
            errors.add(
                f"hint_{level}_{missing}",
                f"hint {level} is given in {LANGUAGE_NAMES[given]} only; "
                f"add {LANGUAGE_NAMES[missing]} or leave both empty",
            )
        elif en:
            hints[level] = (en, bn)
    levels = sorted(hints)
    if levels and levels != list(HINT_LEVELS[: len(levels)]):
        errors.add("hint_1_en", "hints must be given in order: hint 1, then 2, then 3")
    return hints


def problem_values(problem: Any) -> dict[str, str]:
    """A stored problem as a spreadsheet row (canonical text, before formula escaping).

    Expects `topic`, `options` and `hints` to be loaded already (select/prefetch_related).
    """
    saved = problem.pk is not None
    options = {o.label: o for o in problem.options.all()} if saved else {}
    hints = {h.level: h for h in problem.hints.all()} if saved else {}
    row = {
        "code": problem.code,
        "grade": str(problem.grade),
        "topic": problem.topic.code if problem.topic_id else "",
        "subtopic": problem.subtopic,
        "difficulty": str(problem.difficulty),
        "answer_type": problem.answer_type,
        "question_en": problem.question_en,
        "question_bn": problem.question_bn,
        "answer": problem.answer,
        "accepted_answers": "|".join(split_alternatives(problem.accepted_answers)),
        "tolerance": problem.tolerance,
        "simplest_form": "yes" if problem.simplest_form else "",
        "explanation_en": problem.explanation_en,
        "explanation_bn": problem.explanation_bn,
        "estimated_time_minutes": str(problem.estimated_time_minutes),
        "is_active": "yes" if problem.is_active else "no",
    }
    for label in OPTION_LABELS:
        option = options.get(label)
        row[f"option_{label.lower()}_en"] = option.text_en if option else ""
        row[f"option_{label.lower()}_bn"] = option.text_bn if option else ""
    for level in HINT_LEVELS:
        hint = hints.get(level)
        row[f"hint_{level}_en"] = hint.text_en if hint else ""
        row[f"hint_{level}_bn"] = hint.text_bn if hint else ""
    return {column: cell_text(row[column]) for column in COLUMNS}


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet at all."""


FORMATS = ("csv", "xlsx")


def load_dataset(data: bytes, file_format: str) -> Any:
    """Read CSV (UTF-8, with or without BOM, CRLF or LF) or XLSX bytes into a tablib Dataset."""
    import tablib

    if file_format not in FORMATS:
        raise SpreadsheetError(f"unsupported file type {file_format!r}: use .csv or .xlsx")
    if not data.strip():
        raise SpreadsheetError("the file is empty")
    try:
        if file_format == "csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise SpreadsheetError(
                    f"the file is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8'"
                ) from exc
            return tablib.Dataset().load(text, format="csv")
        return tablib.Dataset().load(data, format="xlsx")
    except SpreadsheetError:
        raise
    except Exception as exc:  # tablib raises many types for unreadable files
        raise SpreadsheetError(f"cannot read the file as {file_format.upper()}: {exc}") from exc
