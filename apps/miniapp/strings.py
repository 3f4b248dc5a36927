"""Every text of the Mini App's interface, through Django's catalogue.

The page carries them in both languages (`catalogue()`, rendered with `json_script`), so a
student switches language without a reload. `%(name)s` placeholders are filled in by app.js,
with numbers in the language's digits. What the student reads of the content (questions,
hints, verdict messages, explanations) comes from the API in the student's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.practice.models import PracticeSession, TopicMastery
from apps.students.models import Student

STRINGS: dict[str, Promise] = {
    "title": _("Dars: daily maths practice"),
    "loading": _("Loading…"),
    "offline": _("No connection. Check your internet and try again."),
    "failed": _("Something went wrong. Please try again."),
    "retry": _("Try again"),
    "open_in_telegram": _("Open Dars from its Telegram bot to practise."),
    "demo": _("Demo student: you see Dars exactly as a student does."),
    "switch_language": _("Language"),
    "welcome": _("Welcome to Dars!"),
    "register_intro": _("Tell us about yourself, then start practising."),
    "name": _("Your name"),
    "class": _("Your class"),
    "language": _("Language"),
    "start": _("Start"),
    "name_missing": _("Write your name."),
    "class_missing": _("Choose your class."),
    "hello": _("Hello, %(name)s!"),
    "done_today": _("You have practised today. Well done!"),
    "todo_today": _("Today's practice is waiting: %(count)s problems."),
    "start_practice": _("Start today's practice"),
    "practise_again": _("Practise again"),
    "streak": _("days in a row"),
    "longest": _("Longest streak: %(days)s"),
    "freezes": _("Streak freezes: %(count)s"),
    "freezes_help": _("A streak freeze keeps your streak when you miss one day."),
    "next_milestone": _("Next goal: %(days)s days"),
    "nav": _("Sections"),
    "home": _("Home"),
    "progress": _("Progress"),
    "history": _("History"),
    "settings": _("Settings"),
    "position": _("Problem %(position)s/%(total)s"),
    "answered_so_far": _("Problems done"),
    "your_answer": _("Your answer"),
    "numerator": _("Numerator (top)"),
    "denominator": _("Denominator (bottom)"),
    "keypad": _("Number keys"),
    "delete": _("Delete the last character"),
    "minus": _("Minus"),
    "point": _("Decimal point"),
    "options": _("Choose one answer"),
    "check": _("Check"),
    "checking": _("Checking…"),
    "enter_answer": _("Enter your answer first."),
    "choose_answer": _("Choose an answer first."),
    "hint": _("Hint (%(left)s left)"),
    "hint_title": _("Hint %(level)s"),
    "try_again": _("Try again"),
    "correct_answer": _("Correct answer"),
    "you_answered": _("You answered"),
    "explanation": _("How to solve it"),
    "feedback": _("About your answer"),
    "next": _("Next problem"),
    "see_summary": _("See today's result"),
    "summary": _("Today's practice is done!"),
    "score": _("%(correct)s of %(total)s right"),
    "milestone": _("New milestone: %(days)s days in a row!"),
    "freeze_used": _("A streak freeze covered the day you missed."),
    "back_home": _("Back to home"),
    "leave": _("Leave for now"),
    "new_practice": _("Start a new practice"),
    "progress_empty": _("Your topics appear here once you have chosen your class."),
    "accuracy": _("Right: %(share)s"),
    "attempts": _("Answers: %(count)s"),
    "review_on": _("Next review: %(date)s"),
    "review_today": _("Review today"),
    "calendar": _("The last 5 weeks"),
    "practised": _("Practised"),
    "frozen": _("Covered by a streak freeze"),
    "missed": _("Not practised"),
    "sessions": _("Your practice"),
    "no_sessions": _("No practice yet."),
    "mistakes": _("Mistakes to review"),
    "no_mistakes": _("No mistakes to review."),
    "more": _("Show more"),
    "save": _("Save"),
    "saved": _("Saved."),
    "guardian_title": _("A weekly report for your parent"),
    "guardian_intro": _(
        "Your parent or guardian can get a short report of your practice every week. "
        "Get a code and give it to them."
    ),
    "guardian_get": _("Get a code for my guardian"),
    "guardian_new": _("Get a new code"),
    "guardian_code": _("Your code:"),
    "guardian_send": _("Your guardian opens the Dars bot in Telegram and sends:"),
    "guardian_expires": _("The code works once, until %(time)s. A new code replaces this one."),
}


def _labels(prefix: str, choices: Sequence[tuple[Any, Any]]) -> dict[str, Promise | str]:
    return {f"{prefix}{value}": label for value, label in choices}


def catalogue() -> dict[str, dict[str, str]]:
    """Every interface string in each language, by key (mastery levels as `level_<code>`,
    session statuses as `status_<code>`, grades as `grade_<n>`)."""
    strings: dict[str, Promise | str] = {
        **STRINGS,
        **_labels("level_", TopicMastery.Level.choices),
        **_labels("status_", PracticeSession.Status.choices),
        **_labels("grade_", Student.Grade.choices),
    }
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = {key: str(text) for key, text in strings.items()}
    return out
