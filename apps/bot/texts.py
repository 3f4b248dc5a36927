"""What the bot says: every message and its buttons, in the active language.

The caller activates the student's language (`translation.override`); numbers are written in
that language's digits (`localized_digits`). Buttons are python-telegram-bot's own types, sent
as the Bot API's JSON (`reply_markup`). Messages are plain text (no parse mode), so nothing the
content team writes can break them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from apps.bot import domain
from apps.content.checker import display_answer
from apps.content.checker.cleaning import TO_BENGALI_DIGITS
from apps.content.checker.keys import BENGALI_LETTERS, LATIN_LETTERS
from apps.core.api import LocalizedText, localized_digits
from apps.practice import mastery as mastery_rules
from apps.practice import streaks as streak_rules
from apps.practice.models import TopicMastery
from apps.practice.selection import PROBLEMS_PER_SESSION
from apps.practice.selectors import SessionItem
from apps.practice.services import AnswerOutcome, HintShown
from apps.students.models import Student

Markup = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """One message to the chat."""

    text: str
    reply_markup: Markup | None = None


def _markup(rows: list[list[InlineKeyboardButton]]) -> Markup:
    return dict(InlineKeyboardMarkup(rows).to_dict())


def _button(text: str, action: domain.Callback) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        domain.short(text, domain.BUTTON_TEXT_MAX_CHARS),
        callback_data=domain.encode_callback(action),
    )


def join(*parts: str) -> str:
    """Paragraphs of one message (empty ones left out), within Telegram's length limit."""
    text = "\n\n".join(part.strip() for part in parts if part and part.strip())
    return domain.short_message(text)


def _language() -> str:
    return translation.get_language() or "en"


def clock(at: dt.time) -> str:
    """19:05, or ১৯:০৫ in Bengali."""
    text = f"{at:%H:%M}"
    return text.translate(TO_BENGALI_DIGITS) if _language() == "bn" else text


# --- registration and menu ------------------------------------------------------------------


def choose_language() -> Reply:
    """The first question, asked in both languages (the student has not chosen yet)."""
    prompts = []
    for language in ("bn", "en"):
        with translation.override(language):
            prompts.append(_("Welcome to Dars! Choose your language."))
    rows = [
        [
            _button("বাংলা", domain.ChooseLanguage("bn")),
            _button("English", domain.ChooseLanguage("en")),
        ]
    ]
    return Reply("\n".join(prompts), _markup(rows))


def choose_grade(prefix: str = "") -> Reply:
    rows = [
        [
            _button(str(label), domain.ChooseGrade(int(value)))
            for value, label in Student.Grade.choices
        ]
    ]
    return Reply(join(prefix, _("Which class are you in?")), _markup(rows))


def menu_markup() -> Markup:
    rows = []
    if settings.MINIAPP_URL:
        rows.append(
            [InlineKeyboardButton(_("Open Dars"), web_app=WebAppInfo(url=settings.MINIAPP_URL))]
        )
    rows.append([_button(_("Practise here"), domain.Practise())])
    return _markup(rows)


def menu(student: Student, prefix: str = "") -> Reply:
    return Reply(
        join(
            prefix,
            _("Hello, %(name)s!") % {"name": student.name},
            _("Practise every day to keep your streak: 5 problems a day."),
        ),
        menu_markup(),
    )


def help_text() -> Reply:
    lines = [
        _("Dars: daily maths practice"),
        "\n".join(
            [
                _("/practice: today's 5 problems, here in the chat"),
                _("/hint: a hint for the current problem"),
                _("/streak: your streak"),
                _("/progress: how you are doing in each topic"),
                _("/language: English or Bengali"),
                _("/reminder 19:30: a daily reminder at that time (/reminder off to stop)"),
                _("/guardian: a code for your parent or guardian to follow your progress"),
                _("/help: this list"),
            ]
        ),
        _("Type your answer when a problem is waiting."),
    ]
    return Reply(join(*lines), menu_markup())


def command_descriptions() -> list[tuple[str, str]]:
    """The bot's menu of commands (setMyCommands), in the active language."""
    descriptions = {
        "start": _("Start, or see the menu"),
        "practice": _("Today's practice"),
        "hint": _("A hint for the current problem"),
        "streak": _("Your streak"),
        "progress": _("Your progress by topic"),
        "language": _("Change the language"),
        "reminder": _("Daily reminder: /reminder 19:30 or off"),
        "guardian": _("A code for your guardian"),
        "help": _("What the bot can do"),
    }
    return [(name, descriptions[name]) for name in domain.COMMANDS]


# --- practice --------------------------------------------------------------------------------


def _letter(label: str) -> str:
    return BENGALI_LETTERS[LATIN_LETTERS.index(label)] if _language() == "bn" else label


def _answer_prompt(answer_type: str) -> str:
    if answer_type == "multiple_choice":
        return _("Choose an answer below (or type its letter).")
    if answer_type == "fraction":
        return _("Type your answer as a fraction, e.g. 3/4.")
    if answer_type == "numeric":
        return _("Type your answer as a number.")
    return _("Type your answer.")


def _option_rows(session_id: int, item: SessionItem) -> list[list[InlineKeyboardButton]]:
    """A button per option of a multiple-choice problem ("ক) ১২"), one per row."""
    language = _language()
    return [
        [
            _button(
                f"{_letter(option.label)}) {LocalizedText.pick(option, 'text', language)}",
                domain.AnswerOption(session_id, item.problem_id, option.label),
            )
        ]
        for option in item.problem.options
    ]


def problem(session_id: int, item: SessionItem, prefix: str = "") -> Reply:
    """A problem with its place in the session, its options as buttons and a hint button."""
    language = _language()
    content = item.problem
    position = _("Problem %(position)s/%(total)s") % {
        "position": localized_digits(item.position),
        "total": localized_digits(PROBLEMS_PER_SESSION),
    }
    options = "\n".join(
        f"{_letter(option.label)}) {LocalizedText.pick(option, 'text', language)}"
        for option in content.options
    )
    rows = _option_rows(session_id, item)
    left = item.hints_available - item.hints_used
    if left > 0:
        rows.append(
            [
                _button(
                    _("Hint (%(left)s left)") % {"left": localized_digits(left)},
                    domain.AskHint(session_id, item.problem_id),
                )
            ]
        )
    text = join(
        prefix,
        f"{position}\n{LocalizedText.pick(content, 'question', language)}",
        options,
        _answer_prompt(content.answer_type),
    )
    return Reply(text, _markup(rows) if rows else None)


def hint(shown: HintShown, session_id: int, item: SessionItem | None) -> Reply:
    title = _("Hint %(level)s") % {"level": localized_digits(shown.level)}
    text = f"{title}: {LocalizedText.pick(shown.hint, 'text', _language())}"
    rows = []
    if shown.remaining > 0 and item is not None:
        rows.append(
            [
                _button(
                    _("Hint (%(left)s left)") % {"left": localized_digits(shown.remaining)},
                    domain.AskHint(session_id, shown.problem.pk),
                )
            ]
        )
    if item is not None:  # the options again, under the hint
        rows = _option_rows(session_id, item) + rows
    return Reply(join(text), _markup(rows) if rows else None)


def verdict(outcome: AnswerOutcome) -> str:
    """What the checker said, and once final the right answer, any feedback written for this
    wrong answer and the explanation (as the practice API's answer carries them)."""
    language = _language()
    if outcome.check.note is not None:
        message = outcome.check.note.render(_)
    elif outcome.check.verdict == "correct":
        message = _("Correct! Well done.")
    else:
        message = _("Not quite.")
    if not outcome.final:
        return join(message, _("Try again"))
    parts = [message]
    if outcome.feedback is not None:
        parts.append(LocalizedText.pick(outcome.feedback, "message", language))
    if outcome.check.verdict != "correct":
        parts.append(
            _("Correct answer: %(answer)s") % {"answer": display_answer(outcome.key, language)}
        )
    explanation = LocalizedText.pick(outcome.problem, "explanation", language)
    if explanation:
        parts.append(_("How to solve it: %(explanation)s") % {"explanation": explanation})
    return join(*parts)


def summary(correct: int, streak: int, milestone: int | None, freeze_used: bool) -> str:
    parts = [
        _("Today's practice is done!"),
        _("%(correct)s of %(total)s right")
        % {
            "correct": localized_digits(correct),
            "total": localized_digits(PROBLEMS_PER_SESSION),
        },
        ngettext(
            "Streak: %(days)s day in a row",
            "Streak: %(days)s days in a row",
            streak,
        )
        % {"days": localized_digits(streak)},
    ]
    if milestone:
        parts.append(
            _("New milestone: %(days)s days in a row!") % {"days": localized_digits(milestone)}
        )
    if freeze_used:
        parts.append(_("A streak freeze covered the day you missed."))
    return join(*parts)


def streak(current: int, longest: int, freezes: int, practised_today: bool) -> Reply:
    parts = [
        ngettext(
            "Streak: %(days)s day in a row",
            "Streak: %(days)s days in a row",
            current,
        )
        % {"days": localized_digits(current)},
        _("Longest streak: %(days)s") % {"days": localized_digits(longest)},
        _("Streak freezes: %(count)s") % {"count": localized_digits(freezes)},
    ]
    next_goal = streak_rules.next_milestone(current)
    if next_goal is not None:
        parts.append(_("Next goal: %(days)s days") % {"days": localized_digits(next_goal)})
    parts.append(
        _("You have practised today. Well done!")
        if practised_today
        else _("Today's practice is waiting: %(count)s problems.")
        % {"count": localized_digits(PROBLEMS_PER_SESSION)}
    )
    return Reply("\n".join(parts), menu_markup())


_LEVEL_LABELS = dict(TopicMastery.Level.choices)


def progress(rows: list[tuple[Any, TopicMastery | None]]) -> Reply:
    language = _language()
    if not rows:
        return Reply(_("Your topics appear here once you have chosen your class."))
    lines = [_("Progress")]
    for topic, mastery in rows:
        name = LocalizedText.pick(topic, "name", language)
        level = mastery.level if mastery else mastery_rules.NOT_STARTED
        line = f"• {name}: {_LEVEL_LABELS.get(level, level)}"
        if mastery is not None and mastery.attempts:
            share = round(100 * mastery.correct / mastery.attempts)
            line += " · " + _("Right: %(share)s") % {"share": f"{localized_digits(share)}%"}
        lines.append(line)
    return Reply(domain.short_message("\n".join(lines)))
