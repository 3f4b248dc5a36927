"""The problem spreadsheet: its columns, how files and cells are read and written, how a row is
validated.

One format serves the admin import/export, the `import_problems` / `export_problems` commands,
the shipped library (`fixtures/problems.csv`) and the problem history (each version is kept as a
row). Everything here works on plain values (no database access): the content services hand in
the known topics and get back a `ProblemRow` or the problems of each column, in the reader's
language.

Cells coming from spreadsheets are untidy: XLSX gives ints, floats, booleans and None; CSV may
carry a BOM, CRLF line ends, stray spaces or decomposed Unicode. `cell_text` turns any of them
into one canonical string, so the same content always compares equal and re-importing an
exported file changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.content.checker import AnswerKey, Option, Verdict, answer_form, check_answer, key_problems
from apps.content.domain import (
    ANSWER_TYPES,
    DEFAULT_ESTIMATED_MINUTES,
    DIFFICULTIES,
    FEEDBACK_POSITIONS,
    HINT_LEVELS,
    MAX_ESTIMATED_MINUTES,
    MIN_ESTIMATED_MINUTES,
    OPTION_LABELS,
)
from apps.students.domain import GRADES

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
    "answer_bn",
    "accepted_answers",
    "tolerance",
    "simplest_form",
    *(f"option_{label.lower()}_{lang}" for label in OPTION_LABELS for lang in LANGS),
    *(f"hint_{level}_{lang}" for level in HINT_LEVELS for lang in LANGS),
    "explanation_en",
    "explanation_bn",
    "estimated_time_minutes",
    "is_active",
    *(f"feedback_{n}_{part}" for n in FEEDBACK_POSITIONS for part in ("answer", *LANGS)),
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
FEEDBACK_COLUMNS = tuple(c for c in COLUMNS if c.startswith("feedback_"))
NUMBER_COLUMNS = ("grade", "difficulty", "estimated_time_minutes")

# Text fields and the lengths the database allows.
MAX_LENGTHS = (
    {
        "code": 50,
        "subtopic": 100,
        "answer": 500,
        "answer_bn": 500,
        "tolerance": 20,
    }
    | dict.fromkeys(OPTION_COLUMNS, 200)
    | {f"feedback_{n}_answer": 200 for n in FEEDBACK_POSITIONS}
)
MAX_FORM_LENGTH = 500  # AnswerFeedback.form
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")
TRUE_WORDS = {"yes", "y", "true", "1", "হ্যাঁ", "হাঁ"}
FALSE_WORDS = {"no", "n", "false", "0", "না"}

# A spreadsheet program runs a cell that starts with one of these as a formula (the classic
# "CSV injection"), unless the cell is a plain number such as -5. On CSV export such a cell is
# escaped with a tab and an apostrophe (the spreadsheet convention for "this is text"), and
# import removes exactly that pair again. Canonical text never starts with a tab, so the escape
# cannot be confused with content: the round trip is lossless, and an authored leading
# apostrophe ("'-7' is seven below zero") is kept as it is. XLSX needs no escape: its cells are
# typed, and a text cell is never a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
ESCAPE = "\t'"


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
    text = str(value)
    if text.startswith(ESCAPE):
        text = text[len(ESCAPE) :]
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def escape_formula(text: str) -> str:
    """Make a CSV cell safe to open in a spreadsheet without running it as a formula."""
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER_RE.match(text):
        return ESCAPE + text
    return text


def split_alternatives(text: str) -> list[str]:
    """Accepted answers are written `a|b|c` in a cell (one per line in the admin)."""
    return [part.strip() for part in re.split(r"[|\n]", text) if part.strip()]


@dataclass
class ProblemRow:
    """A validated row: the problem as canonical column texts, and as model values."""

    code: str
    values: dict[str, str]  # every column, canonical text, as export would write it
    fields: dict[str, Any]  # Problem model fields (the topic as a code, under "topic_code")
    options: list[tuple[str, str, str]]  # (label, en, bn), multiple choice only
    hints: dict[int, tuple[str, str]] = field(default_factory=dict)  # level -> (en, bn)
    feedback: list[FeedbackRow] = field(default_factory=list)  # in order, positions 1, 2, …


@dataclass(frozen=True)
class FeedbackRow:
    """Feedback for one wrong answer: as the author typed it, as the checker reads it
    (`form`, what a student's answer is matched by), and the message in both languages."""

    answer: str
    form: str
    message_en: str
    message_bn: str


class RowErrors(dict[str, list[str]]):
    def add(self, column: str, message: str) -> None:
        self.setdefault(column, []).append(message)


def header_problems(headers: list[str]) -> list[str]:
    """Problems with the header row itself (missing, unknown or repeated columns)."""
    problems = []
    names = [cell_text(h) for h in headers]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        problems.append(
            _("The header row lacks the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    unknown = [n for n in names if n and n not in COLUMNS]
    if unknown:
        problems.append(
            _("Unknown column(s) in the header row: %(unknown)s. The columns are: %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append(
            _("These columns appear twice in the header row: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    if not any(names):
        problems.append(_("The first row must name the columns (code, grade, topic, …)."))
    return problems


def _int_in_range(
    values: Mapping[str, str], errors: RowErrors, column: str, allowed: tuple[int, int]
) -> int | None:
    low, high = allowed
    raw = values.get(column, "")
    if raw == "":
        errors.add(column, _("This column is required."))
        return None
    if not re.fullmatch(r"[+-]?\d+", raw):
        errors.add(
            column,
            _("“%(value)s” is not a whole number from %(low)s to %(high)s.")
            % {"value": raw, "low": low, "high": high},
        )
        return None
    number = int(raw)
    if not low <= number <= high:
        errors.add(
            column,
            _("%(value)s is not from %(low)s to %(high)s.")
            % {"value": number, "low": low, "high": high},
        )
        return None
    return number


def _bool(values: Mapping[str, str], errors: RowErrors, column: str) -> bool | None:
    raw = values.get(column, "").casefold()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    errors.add(column, _("Write yes or no, not “%(value)s”.") % {"value": values[column]})
    return None


def parse_row(
    raw: Mapping[str, Any], topic_grades: Mapping[str, int]
) -> tuple[ProblemRow | None, RowErrors]:
    """Validate one complete row (every column; the services merge a partial row with the
    stored problem first). `topic_grades` maps every known topic code to its grade."""
    values = {column: cell_text(raw.get(column)) for column in COLUMNS}
    errors = RowErrors()
    fields: dict[str, Any] = {}

    for column, text in values.items():
        if "\x00" in text:
            errors.add(column, _("This cell contains a NUL character; remove it."))
            values[column] = text.replace("\x00", "")

    code = values["code"]
    if not code:
        errors.add("code", _("This column is required."))
    elif not CODE_RE.match(code):
        errors.add(
            "code",
            _("The code “%(code)s” may only contain letters, digits, “-” and “_”.")
            % {"code": code},
        )

    for column, limit in MAX_LENGTHS.items():
        if len(values[column]) > limit:
            errors.add(column, _("Longer than %(limit)s characters.") % {"limit": limit})

    grade = _int_in_range(values, errors, "grade", (GRADES[0], GRADES[-1]))
    difficulty = _int_in_range(values, errors, "difficulty", (DIFFICULTIES[0], DIFFICULTIES[-1]))
    topic = values["topic"]
    if not topic:
        errors.add("topic", _("This column is required."))
    elif topic not in topic_grades:
        errors.add("topic", _("There is no topic with the code “%(topic)s”.") % {"topic": topic})
    elif grade is not None and topic_grades[topic] != grade:
        errors.add(
            "topic",
            _("The topic “%(topic)s” belongs to grade %(topic_grade)s, not %(grade)s.")
            % {"topic": topic, "topic_grade": topic_grades[topic], "grade": grade},
        )

    answer_type = values["answer_type"]
    if answer_type not in ANSWER_TYPES:
        errors.add(
            "answer_type",
            _("Unknown answer type “%(value)s”; use one of: %(types)s.")
            % {"value": answer_type, "types": ", ".join(ANSWER_TYPES)},
        )

    for lang in LANGS:
        if not values[f"question_{lang}"]:
            errors.add(f"question_{lang}", _("The question is required in both languages."))
    if not values["answer"]:
        errors.add("answer", _("This column is required."))

    values["estimated_time_minutes"] = values["estimated_time_minutes"] or str(
        DEFAULT_ESTIMATED_MINUTES
    )
    fields["estimated_time_minutes"] = _int_in_range(
        values,
        errors,
        "estimated_time_minutes",
        (MIN_ESTIMATED_MINUTES, MAX_ESTIMATED_MINUTES),
    )
    values["is_active"] = values["is_active"] or "yes"
    active = _bool(values, errors, "is_active")
    values["is_active"] = "yes" if active or active is None else "no"
    fields["is_active"] = bool(active) if active is not None else True
    simplest = _bool(values, errors, "simplest_form") if values["simplest_form"] else False
    values["simplest_form"] = "yes" if simplest else ""
    fields["simplest_form"] = bool(simplest)
    alternatives = split_alternatives(values["accepted_answers"])
    values["accepted_answers"] = "|".join(alternatives)
    fields["accepted_answers"] = "\n".join(alternatives)

    options = _parse_options(values, errors)
    hints = _parse_hints(values, errors)

    key: AnswerKey | None = None
    if not errors.get("answer") and answer_type in ANSWER_TYPES:
        key = AnswerKey(
            answer_type=answer_type,
            answer=values["answer"],
            answer_bn=values["answer_bn"],
            accepted=tuple(alternatives),
            tolerance=values["tolerance"],
            simplest_form=bool(simplest),
            options=tuple(Option(label, en, bn) for label, en, bn in options),
        )
        for problem in key_problems(key):
            column = problem.field if problem.field in COLUMNS else "option_a_en"
            errors.add(column, problem.message.render(_))
            key = None
    feedback = _parse_feedback(values, errors, key)

    if errors:
        return None, errors

    for column in (
        "subtopic",
        "question_en",
        "question_bn",
        "answer",
        "answer_bn",
        "tolerance",
        "explanation_en",
        "explanation_bn",
    ):
        fields[column] = values[column]
    fields.update(difficulty=difficulty, answer_type=answer_type, topic_code=topic)
    values["grade"], values["difficulty"] = str(grade), str(difficulty)
    values["estimated_time_minutes"] = str(fields["estimated_time_minutes"])
    row = ProblemRow(
        code=code, values=values, fields=fields, options=options, hints=hints, feedback=feedback
    )
    return row, errors


def _parse_options(values: dict[str, str], errors: RowErrors) -> list[tuple[str, str, str]]:
    options = []
    for label in OPTION_LABELS:
        en = values[f"option_{label.lower()}_en"]
        bn = values[f"option_{label.lower()}_bn"]
        if bool(en) != bool(bn):
            missing = "bn" if en else "en"
            errors.add(
                f"option_{label.lower()}_{missing}",
                _("Option %(label)s needs its text in both languages.") % {"label": label},
            )
        if en or bn:
            options.append((label, en, bn))
    labels = [label for label, _en, _bn in options]
    if labels and labels != list(OPTION_LABELS[: len(labels)]):
        errors.add("option_a_en", _("Fill the options in order A, B, C, D without gaps."))
    return options


def _parse_hints(values: dict[str, str], errors: RowErrors) -> dict[int, tuple[str, str]]:
    hints: dict[int, tuple[str, str]] = {}
    for level in HINT_LEVELS:
        en = values[f"hint_{level}_en"]
        bn = values[f"hint_{level}_bn"]
        if bool(en) != bool(bn):
            missing = "bn" if en else "en"
            errors.add(
                f"hint_{level}_{missing}",
                _("Hint %(level)s needs its text in both languages (or neither).")
                % {"level": level},
            )
        elif en:
            hints[level] = (en, bn)
    levels = sorted(hints)
    if levels and levels != list(HINT_LEVELS[: len(levels)]):
        errors.add("hint_1_en", _("Give the hints in order: hint 1, then 2, then 3."))
    return hints


def _parse_feedback(
    values: dict[str, str], errors: RowErrors, key: AnswerKey | None
) -> list[FeedbackRow]:
    """The feedback entries in order (an empty group of columns is skipped, and the values are
    rewritten without the gap, so the row is canonical). Each needs its answer and both
    messages; the answer must be one the checker reads as wrong — a final wrong answer, the
    only kind feedback is shown for — and no two entries may be for the same answer. Answers
    are checked only against a usable key (the key's own problems are reported already)."""
    entries: list[FeedbackRow] = []
    seen: dict[str, int] = {}
    for n in FEEDBACK_POSITIONS:
        answer, en, bn = (values[f"feedback_{n}_{part}"] for part in ("answer", *LANGS))
        if not (answer or en or bn):
            continue
        for column, text in ((f"feedback_{n}_en", en), (f"feedback_{n}_bn", bn)):
            if not text:
                errors.add(
                    column,
                    _("Feedback %(number)s needs its message in both languages.") % {"number": n},
                )
        column = f"feedback_{n}_answer"
        if not answer:
            errors.add(
                column, _("Feedback %(number)s needs the wrong answer it is for.") % {"number": n}
            )
            continue
        form = _feedback_form(key, answer, errors, column) if key is not None else answer
        if form is None:
            continue
        if form in seen:
            errors.add(
                column,
                _(
                    "Feedback %(number)s is for the same answer as feedback %(other)s (the "
                    "checker reads both as “%(form)s”)."
                )
                % {"number": n, "other": seen[form], "form": form},
            )
            continue
        seen[form] = n
        entries.append(FeedbackRow(answer, form, en, bn))
    values.update(_feedback_cells(entries))
    return entries


def _feedback_cells(entries: Sequence[Any]) -> dict[str, str]:
    """Feedback entries (anything with `answer`, `message_en`, `message_bn`), in order, as
    the feedback columns: the first in `feedback_1_*`, and so on; the rest empty."""
    cells = {}
    for n in FEEDBACK_POSITIONS:
        entry = entries[n - 1] if n <= len(entries) else None
        cells[f"feedback_{n}_answer"] = entry.answer if entry else ""
        cells[f"feedback_{n}_en"] = entry.message_en if entry else ""
        cells[f"feedback_{n}_bn"] = entry.message_bn if entry else ""
    return cells


def _feedback_form(key: AnswerKey, answer: str, errors: RowErrors, column: str) -> str | None:
    """What the checker reads `answer` as, if it is a final wrong answer to `key`."""
    form = answer_form(key, answer)
    if form is None:
        errors.add(
            column,
            _("The checker cannot read “%(answer)s” as an answer to this problem.")
            % {"answer": answer},
        )
        return None
    verdict = check_answer(key, answer).verdict
    if verdict is Verdict.CORRECT:
        errors.add(
            column,
            _("“%(answer)s” is a correct answer to this problem; feedback is for wrong answers.")
            % {"answer": answer},
        )
        return None
    if verdict is not Verdict.INCORRECT:
        errors.add(
            column,
            _(
                "“%(answer)s” is not judged wrong: the student is asked to try again, so this "
                "feedback would never be shown."
            )
            % {"answer": answer},
        )
        return None
    if len(form) > MAX_FORM_LENGTH:
        errors.add(column, _("Longer than %(limit)s characters.") % {"limit": MAX_FORM_LENGTH})
        return None
    return form


def problem_values(problem: Any) -> dict[str, str]:
    """A stored problem as a spreadsheet row (canonical text, before formula escaping).

    Expects `topic`, `options`, `hints` and `feedback` to be loaded already
    (`selectors.with_rows_loaded`).
    """
    saved = problem.pk is not None
    options = {o.label: o for o in problem.options.all()} if saved else {}
    hints = {h.level: h for h in problem.hints.all()} if saved else {}
    # Migration 0004 writes the first history rows with the models of its time (no feedback).
    feedback = list(problem.feedback.all()) if saved and hasattr(problem, "feedback") else []
    row = {
        "code": problem.code,
        "grade": str(problem.topic.grade) if problem.topic_id else "",
        "topic": problem.topic.code if problem.topic_id else "",
        "subtopic": problem.subtopic,
        "difficulty": str(problem.difficulty),
        "answer_type": problem.answer_type,
        "question_en": problem.question_en,
        "question_bn": problem.question_bn,
        "answer": problem.answer,
        "answer_bn": problem.answer_bn,
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
    row.update(_feedback_cells(sorted(feedback, key=lambda entry: entry.position)))
    return {column: cell_text(row[column]) for column in COLUMNS}


# --- reading files ---------------------------------------------------------------------------


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet at all; the message says why, plainly."""


FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Limits:
    """What an import may ask of the server, checked before the heavy work."""

    max_bytes: int = 5_000_000
    max_rows: int = 5_000
    max_cell_chars: int = 10_000
    max_xlsx_uncompressed_bytes: int = 50_000_000
    max_seconds: float = 20.0


@dataclass
class Sheet:
    """A file's header and data rows (cells as read), numbered as in the spreadsheet."""

    headers: list[str]
    rows: list[dict[str, Any]]
    deadline: float = 0.0

    def check_time(self) -> None:
        if self.deadline and time.monotonic() > self.deadline:
            raise SpreadsheetError(
                _("The file takes too long to check; split it into smaller files.")
            )


def _decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) and UTF-16 (with a BOM, or plainly recognisable) are read;
    anything else is refused with the encoding to use."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] and data[2]:
        encoding = "utf-16-le"
    elif len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] and data[3]:
        encoding = "utf-16-be"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "This file is not in UTF-8 (the text at byte %(byte)s cannot be read; it may be "
                "Windows-1252 or another old encoding). Save it as “CSV UTF-8 (comma "
                "delimited)” in Excel, or “Unicode (UTF-8)” in LibreOffice, and try again."
            )
            % {"byte": exc.start}
        ) from exc


def _csv_sheet(data: bytes, limits: Limits) -> Sheet:
    text = _decode_csv(data)
    # The header row names the columns and holds no commas of its own, so its separator is the
    # file's: a comma, or the semicolon (or tab) some Excel locales write.
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = iter(reader)
        headers = [cell_text(h) for h in next(lines, [])]
        rows: list[dict[str, Any]] = []
        for number, cells in enumerate(lines, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= limits.max_rows:
                raise SpreadsheetError(_too_many_rows(limits))
            if len(cells) > len(headers):
                raise SpreadsheetError(
                    _(
                        "Row %(row)s has %(cells)s cells but the header row names only "
                        "%(columns)s columns."
                    )
                    % {"row": number, "cells": len(cells), "columns": len(headers)}
                )
            rows.append({"__row__": number, **dict(zip(headers, cells, strict=False))})
    except csv.Error as exc:
        raise SpreadsheetError(
            _("The file cannot be read as CSV (line %(line)s: %(reason)s).")
            % {"line": reader.line_num, "reason": str(exc) or _("unreadable")}
        ) from exc
    return Sheet(headers=headers, rows=rows)


def _xlsx_sheet(data: bytes, limits: Limits) -> Sheet:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise SpreadsheetError(
            _("This is not an Excel (.xlsx) file; save it as .xlsx or as CSV UTF-8.")
        ) from exc
    if unpacked > limits.max_xlsx_uncompressed_bytes:
        raise SpreadsheetError(
            _(
                "This Excel file unpacks to %(size)s MB, more than the %(limit)s MB allowed; "
                "split it into smaller files."
            )
            % {
                "size": unpacked // 1_000_000,
                "limit": limits.max_xlsx_uncompressed_bytes // 1_000_000,
            }
        )
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise SpreadsheetError(
            _("This Excel file is damaged and cannot be opened; save it again and retry.")
        ) from exc
    try:
        sheet = book.worksheets[0]
        lines: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
        headers = [cell_text(h) for h in next(lines, ())]
        while headers and not headers[-1]:
            headers.pop()
        rows: list[dict[str, Any]] = []
        for number, cells in enumerate(lines, start=2):
            if not any(cell not in (None, "") for cell in cells):
                continue
            if len(rows) >= limits.max_rows:
                raise SpreadsheetError(_too_many_rows(limits))
            extra = [c for c in cells[len(headers) :] if c not in (None, "")]
            if extra:
                raise SpreadsheetError(
                    _("Row %(row)s has cells beyond the last named column.") % {"row": number}
                )
            rows.append({"__row__": number, **dict(zip(headers, cells, strict=False))})
    finally:
        book.close()
    return Sheet(headers=headers, rows=rows)


def _too_many_rows(limits: Limits) -> str:
    return _("The file has more than %(limit)s rows; split it into smaller files.") % {
        "limit": limits.max_rows
    }


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file over the size limit, from its size alone (before it is read)."""
    if size > limits.max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s MB; at most %(limit)s MB can be imported at once.")
            % {
                "size": round(size / 1_000_000, 1),
                "limit": round(limits.max_bytes / 1_000_000, 1),
            }
        )


def read_sheet(data: bytes, file_format: str, limits: Limits | None = None) -> Sheet:
    """A CSV or XLSX file as a `Sheet`, after the limits are checked (size first, before any
    parsing; the unpacked size of an XLSX before it is opened)."""
    limits = limits or Limits()
    started = time.monotonic()
    if file_format not in FORMATS:
        raise SpreadsheetError(
            _("Unsupported file type “%(format)s”: use .csv or .xlsx.") % {"format": file_format}
        )
    check_size(len(data), limits)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    sheet = _csv_sheet(data, limits) if file_format == "csv" else _xlsx_sheet(data, limits)
    for row in sheet.rows:
        for column, value in row.items():
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise SpreadsheetError(
                    _(
                        "Row %(row)s, column %(column)s: a cell longer than %(limit)s characters "
                        "cannot be imported."
                    )
                    % {"row": row["__row__"], "column": column, "limit": limits.max_cell_chars}
                )
    sheet.deadline = started + limits.max_seconds
    return sheet


# --- writing files ---------------------------------------------------------------------------


def write_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Bengali), every cell escaped against formulae."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([escape_formula(row[column]) for column in columns])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def write_xlsx(
    rows: list[dict[str, str]],
    columns: tuple[str, ...] = COLUMNS,
    *,
    title: str = "problems",
    number_columns: tuple[str, ...] = NUMBER_COLUMNS,
) -> bytes:
    """A sheet called `title`, header frozen, numbers as numbers, text as text cells (never a
    formula, so nothing needs escaping)."""
    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING

    book = openpyxl.Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title
    sheet.append(list(columns))
    for row in rows:
        values: list[Any] = []
        for column in columns:
            text = row[column]
            values.append(int(text) if column in number_columns and text.isdigit() else text)
        sheet.append(values)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = 12 if column in number_columns else 30
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
