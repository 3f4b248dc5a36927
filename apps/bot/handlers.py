"""What the bot does with one message or button press: the students' services, called as the
API's views call them, and the replies, in the student's language.

`route()` reads who is writing and what they ask for, and says whether the work runs inside
the update's transaction (`services.update_process`). Answers run outside it: judging an
answer commits on its own and may ask the AI judge between two transactions (README,
"Architecture": no network call inside a transaction), and an identical answer sent again
gets the stored result, so a redelivered update changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from telegram import Update

from apps.bot import domain, texts
from apps.bot.texts import Reply
from apps.core.api import localized_digits
from apps.core.errors import DarsError
from apps.outreach import services as outreach
from apps.practice import selectors, services
from apps.practice import streaks as streak_rules
from apps.practice.selectors import SessionItem, SessionState
from apps.students import services as student_services
from apps.students.models import Guardian, Student

MAX_ANSWER_CHARS = 500  # as the practice API (AnswerIn)


@dataclass(frozen=True)
class Incoming:
    """The parts of a Telegram update the bot acts on."""

    update_id: int
    chat_id: int
    user_id: int
    first_name: str
    language_code: str
    text: str | None = None  # a message
    callback_id: str | None = None  # a button press
    callback_data: str | None = None


def incoming_from(update: Update) -> Incoming | None:
    """A private chat's text message or button press; None for anything else (groups,
    edited messages, stickers…), which the bot records and leaves alone."""
    if update.message is not None:
        message = update.message
        user = message.from_user
        if message.chat.type != "private" or user is None or user.is_bot or message.text is None:
            return None
        return Incoming(
            update_id=update.update_id,
            chat_id=message.chat.id,
            user_id=user.id,
            first_name=user.first_name or "",
            language_code=user.language_code or "",
            text=message.text,
        )
    if update.callback_query is not None:
        query = update.callback_query
        chat = query.message.chat if query.message is not None else None
        if chat is not None and chat.type != "private":
            return None
        return Incoming(
            update_id=update.update_id,
            chat_id=chat.id if chat is not None else query.from_user.id,
            user_id=query.from_user.id,
            first_name=query.from_user.first_name or "",
            language_code=query.from_user.language_code or "",
            callback_id=query.id,
            callback_data=query.data,
        )
    return None


@dataclass
class Outcome:
    replies: list[Reply] = field(default_factory=list)
    student: Student | None = None
    toast: str | None = None  # shown by the callback's answer


@dataclass(frozen=True)
class Route:
    run: Callable[[], Outcome]
    in_transaction: bool


def route(incoming: Incoming, now: dt.datetime | None = None) -> Route:
    now = now or timezone.now()
    student = Student.objects.filter(telegram_id=incoming.user_id).first()
    if incoming.callback_id is not None:
        action = domain.decode_callback(incoming.callback_data)
        if isinstance(action, domain.AnswerOption) and student is not None:
            answer = action
            return Route(
                lambda: _in_language(
                    student,
                    lambda: _answer(
                        student, answer.session_id, answer.problem_id, answer.label, now
                    ),
                ),
                in_transaction=False,
            )
        return Route(lambda: _callback(incoming, student, action, now), in_transaction=True)
    text = incoming.text or ""
    command = domain.parse_command(text)
    if command is None and student is not None and student.registered:
        return Route(
            lambda: _in_language(student, lambda: _typed(student, text, now)),
            in_transaction=False,
        )
    return Route(lambda: _message(incoming, student, command, now), in_transaction=True)


def _in_language(student: Student, work: Callable[[], list[Reply]]) -> Outcome:
    with translation.override(student.language):
        return Outcome(work(), student)


def _sign_up(incoming: Incoming) -> Student:
    return student_services.student_sign_in(
        telegram_id=incoming.user_id, name=incoming.first_name, via="bot"
    ).student


# --- messages --------------------------------------------------------------------------------


def _message(
    incoming: Incoming, student: Student | None, command: domain.Command | None, now: dt.datetime
) -> Outcome:
    if command is not None and command.name == "start" and command.argument:
        return _guardian_link(incoming, command.argument)
    if student is None:
        guardian = Guardian.objects.filter(telegram_id=incoming.user_id).first()
        if guardian is not None:  # a parent who linked with a code: not a new student
            return _guardian_message(guardian, command)
        student = _sign_up(incoming)
        return Outcome([texts.choose_language()], student)
    with translation.override(student.language):
        return Outcome(_command(student, command, now), student)


def _command(student: Student, command: domain.Command | None, now: dt.datetime) -> list[Reply]:
    name = command.name if command is not None else ""
    if name in ("start", "language"):
        if name == "start" and student.registered:
            return [texts.menu(student)]
        return [texts.choose_language()]
    if name == "help":
        return [texts.help_text()]
    if not student.registered:
        return [texts.choose_grade()]
    argument = command.argument if command is not None else ""
    handlers: dict[str, Callable[[], list[Reply]]] = {
        "practice": lambda: _practice(student, now),
        "hint": lambda: _hint(student, None, None, now),
        "streak": lambda: [_streak(student, now)],
        "progress": lambda: [texts.progress(selectors.progress_for(student=student))],
        "reminder": lambda: [_reminder(student, argument)],
        "guardian": lambda: [_guardian_code(student, now)],
    }
    handler = handlers.get(name)
    return handler() if handler is not None else [texts.help_text()]


def _typed(student: Student, text: str, now: dt.datetime) -> list[Reply]:
    """Text that is not a command, from a registered student: an answer to the problem
    waiting, if there is one."""
    state = _open_session(student, now)
    item = _waiting(state)
    if state is None or item is None:
        return [
            Reply(
                _("Send /practice to start today's problems, or /help to see what I can do."),
                texts.menu_markup(),
            )
        ]
    if len(text) > MAX_ANSWER_CHARS or "\x00" in text:
        return [
            Reply(
                _("That answer is too long: at most %(count)s characters.")
                % {"count": localized_digits(MAX_ANSWER_CHARS)}
            )
        ]
    return _answer(student, state.pk, item.problem_id, text, now)


# --- buttons ---------------------------------------------------------------------------------


def _callback(
    incoming: Incoming, student: Student | None, action: domain.Callback | None, now: dt.datetime
) -> Outcome:
    if student is None:
        student = _sign_up(incoming)
        return Outcome([texts.choose_language()], student)
    if action is None:  # data the bot never wrote (an old or forged button)
        return Outcome([], student)
    if isinstance(action, domain.ChooseLanguage):
        student_services.student_update(student=student, data={"language": action.language})
        with translation.override(student.language):
            if not student.registered:
                return Outcome([texts.choose_grade()], student)
            return Outcome([texts.menu(student, _("Saved."))], student)
    with translation.override(student.language):
        if isinstance(action, domain.ChooseGrade):
            first = not student.registered
            student_services.student_update(student=student, data={"grade": action.grade})
            prefix = _("Welcome to Dars!") if first else _("Saved.")
            return Outcome([texts.menu(student, prefix)], student)
        if not student.registered:
            return Outcome([texts.choose_grade()], student)
        if isinstance(action, domain.Practise):
            return Outcome(_practice(student, now), student)
        if isinstance(action, domain.AskHint):
            return Outcome(_hint(student, action.session_id, action.problem_id, now), student)
    return Outcome([], student)  # pragma: no cover - answers are routed outside


# --- practice --------------------------------------------------------------------------------


def _open_session(student: Student, now: dt.datetime) -> SessionState | None:
    state = selectors.session_state(student=student)
    if state is None or state.expires_at <= now:
        return None
    return state


def _waiting(state: SessionState | None, answered: int | None = None) -> SessionItem | None:
    """The session's first problem without a final answer (`answered`: one just answered)."""
    if state is None:
        return None
    return next((i for i in state.items if i.result is None and i.problem_id != answered), None)


def _practice(student: Student, now: dt.datetime) -> list[Reply]:
    try:
        started = services.session_start(student=student, now=now)
    except DarsError as error:
        return [Reply(str(error.message), texts.menu_markup())]
    item = _waiting(started.session)
    if item is None:  # pragma: no cover - a session in progress has an unanswered problem
        return [texts.menu(student)]
    prefix = (
        _("Today's practice: %(count)s problems.")
        % {"count": localized_digits(len(started.session.items))}
        if started.created
        else _("Let's go on where you stopped.")
    )
    return [texts.problem(started.session.pk, item, prefix)]


def _answer(
    student: Student, session_id: int, problem_id: int, answer: str, now: dt.datetime
) -> list[Reply]:
    state = selectors.session_state(student=student, session_id=session_id)
    # Time on this problem: since the session's last answer (or its start), at most a day.
    seconds = 0
    if state is not None:
        seconds = max(0, min(24 * 3600, int((now - state.session.updated_at).total_seconds())))
    try:
        outcome = services.session_answer(
            student=student,
            session_id=session_id,
            problem_id=problem_id,
            answer=answer,
            time_spent_seconds=seconds,
            confidence="medium",
            now=now,
        )
    except DarsError as error:
        return [Reply(_error_text(error), texts.menu_markup())]
    verdict = texts.verdict(outcome)
    if not outcome.final:  # "try again": the same problem, its buttons again
        item = outcome.session.item(problem_id)
        assert item is not None  # noqa: S101 - the service found it
        return [
            Reply(verdict, texts.problem(outcome.session.pk, item).reply_markup),
        ]
    record = outcome.session.session
    if record.status == record.Status.COMPLETED:
        done = texts.summary(
            record.problems_correct,
            record.streak_after or 0,
            record.milestone_reached,
            record.freeze_used,
        )
        return [Reply(texts.join(verdict, done), texts.menu_markup())]
    # The outcome's session holds only the problem answered; the rest as read before it.
    item = _waiting(state, answered=problem_id)
    if item is None:  # pragma: no cover - an open session with five answers is completed
        return [Reply(verdict, texts.menu_markup())]
    return [texts.problem(outcome.session.pk, item, verdict)]


def _hint(
    student: Student, session_id: int | None, problem_id: int | None, now: dt.datetime
) -> list[Reply]:
    if session_id is None or problem_id is None:
        state = _open_session(student, now)
        item = _waiting(state)
        if state is None or item is None:
            return [Reply(_("There is no problem waiting. Send /practice to start."))]
        session_id, problem_id = state.pk, item.problem_id
    try:
        shown = services.session_hint(
            student=student, session_id=session_id, problem_id=problem_id, now=now
        )
    except DarsError as error:
        return [Reply(_error_text(error))]
    state = selectors.session_state(student=student, session_id=session_id)
    item = state.item(problem_id) if state is not None else None
    return [texts.hint(shown, session_id, item)]


def _error_text(error: DarsError) -> str:
    if error.code in ("session_expired", "session_closed", "not_found"):
        return texts.join(str(error.message), _("Send /practice to start today's problems."))
    return str(error.message)


def _streak(student: Student, now: dt.datetime) -> Reply:
    streak, _milestones = selectors.streak_for(student=student)
    today = services.local_date(student, now)
    current = streak_rules.current_streak(streak.as_state(), today)
    return texts.streak(
        current, streak.longest_streak, streak.freezes, streak.last_practice_date == today
    )


# --- reminders and guardians (apps.outreach) --------------------------------------------------


def _reminder(student: Student, argument: str) -> Reply:
    usage = _("Send /reminder 19:30 for a daily reminder at that time, or /reminder off.")
    if not argument:
        return Reply(usage)
    try:
        at = domain.parse_reminder(argument)
    except domain.ReminderInvalid:
        return Reply(texts.join(_("That is not a time I can read."), usage))
    outreach.reminder_set(student=student, at=at)
    if at is None:
        return Reply(_("Reminders are off. Send /reminder 19:30 to turn them on again."))
    return Reply(
        _("I will remind you at %(time)s on days you have not practised.")
        % {"time": texts.clock(at)}
    )


def _guardian_code(student: Student, now: dt.datetime) -> Reply:
    code = outreach.guardian_code_issue(student=student, now=now)
    hours = max(1, round((code.expires_at - now).total_seconds() / 3600))
    return Reply(
        texts.join(
            _("A code for your parent or guardian: %(code)s") % {"code": code.code},
            _(
                "They send it to this bot as /start %(code)s to get a weekly report of your "
                "practice. It works once, for %(hours)s hours."
            )
            % {"code": code.code, "hours": localized_digits(hours)},
        )
    )


def _guardian_link(incoming: Incoming, code: str) -> Outcome:
    """`/start <code>`: a guardian links to a student with the code the student got."""
    language = "en" if incoming.language_code.lower().startswith("en") else "bn"
    with translation.override(language):
        try:
            link = outreach.guardian_link_redeem(
                code=code[:64],
                telegram_id=incoming.user_id,
                name=incoming.first_name,
                language=language,
            )
        except outreach.LinkCodeError as error:
            return Outcome([Reply(str(error))])
        return Outcome(
            [
                Reply(
                    _("You will get a weekly report of %(name)s's practice here.")
                    % {"name": link.student.name}
                )
            ]
        )


def _guardian_message(guardian: Guardian, command: domain.Command | None) -> Outcome:
    """A guardian's chat: /stop ends the weekly reports, /reports brings them back; anything
    else says what this chat is for."""
    name = command.name if command is not None else ""
    with translation.override(guardian.language):
        if name == "stop":
            outreach.guardian_reports_stop(guardian=guardian)
            text = _("The weekly reports are stopped. Send /reports to get them again.")
        elif name == "reports":
            outreach.guardian_reports_resume(guardian=guardian)
            text = _("You will get the weekly report here again, every Friday evening.")
        else:
            names = ", ".join(guardian.students.order_by("name").values_list("name", flat=True))
            text = _(
                "This chat sends you a weekly report of %(names)s's practice every Friday "
                "evening. Send /stop to stop the reports."
            ) % {"names": names}
        return Outcome([Reply(text)])
