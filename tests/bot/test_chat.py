"""A whole chat through the real webhook, with replies sent by apps.notify through the real
python-telegram-bot to the local fake Bot API: what the student reads is what Telegram got."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from apps.bot.models import ProcessedUpdate
from apps.content.models import Problem
from apps.practice.models import HintView, PracticeSession, Response, Streak
from apps.practice.selectors import session_state
from apps.students.models import Student
from tests.bot.conftest import Chat
from tests.fakes.telegram_api import FakeTelegram
from tests.practice.helpers import BENGALI, make_library

pytestmark = pytest.mark.django_db(transaction=True)


def bn(message: str, **values: Any) -> str:
    with translation.override("bn"):
        return gettext(message) % values if values else gettext(message)


def buttons(sent: dict[str, Any]) -> list[dict[str, Any]]:
    markup = sent.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def callback_data(sent: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for b in buttons(sent) if "callback_data" in b]


def waiting(student: Student) -> tuple[int, Problem]:
    state = session_state(student=student)
    assert state is not None
    item = next(i for i in state.items if i.result is None)
    return state.pk, Problem.objects.get(pk=item.problem_id)


def test_a_whole_chat_in_bengali(chat: Chat, fake_telegram: FakeTelegram) -> None:
    make_library(grade=7, topics=3, per_topic=1)  # 3 numeric and 3 multiple-choice problems
    me = chat.user_id

    # /start: a new student, asked for the language in both languages.
    chat.say("/start")
    student = Student.objects.get(telegram_id=me)
    assert student.name == "Rafi"
    assert student.grade is None
    [welcome] = fake_telegram.sent(me)
    assert callback_data(welcome) == ["l:bn", "l:en"]
    assert bn("Welcome to Dars! Choose your language.") in welcome["text"]

    # Language, then grade.
    chat.press("l:bn")
    grade_question = fake_telegram.sent(me)[-1]
    assert grade_question["text"] == bn("Which class are you in?")
    assert callback_data(grade_question) == ["g:6", "g:7", "g:8"]
    chat.press("g:7")
    student.refresh_from_db()
    assert (student.language, student.grade) == ("bn", 7)
    menu = fake_telegram.sent(me)[-1]
    assert bn("Hello, %(name)s!", name="Rafi") in menu["text"]
    web_apps = [b["web_app"]["url"] for b in buttons(menu) if "web_app" in b]
    assert web_apps == ["https://dars.example.org/app/"]
    assert callback_data(menu) == ["p"]

    # Practice in the chat: the first problem, its place in Bengali digits.
    chat.press("p")
    session_id, problem = waiting(student)
    first = fake_telegram.sent(me)[-1]
    assert bn("Problem %(position)s/%(total)s", position="১", total="৫") in first["text"]
    assert problem.question_bn in first["text"]

    typed_bengali = wrong_given = mcq_pressed = hinted = retried = False
    for position in range(1, 6):
        session_id, problem = waiting(student)
        shown = fake_telegram.sent(me)[-1]
        place = bn(
            "Problem %(position)s/%(total)s", position=f"{position}".translate(BENGALI), total="৫"
        )
        assert place in shown["text"]
        if problem.answer_type == "multiple_choice":
            labels = [f"a:{session_id}:{problem.pk}:{x}" for x in ("A", "B", "C")]
            assert [d for d in callback_data(shown) if d.startswith("a:")] == labels
            assert "ক) ৩" in shown["text"] and "গ) ১২" in shown["text"]
            chat.press(f"a:{session_id}:{problem.pk}:C")
            mcq_pressed = True
            verdict = fake_telegram.sent(me)[-1]["text"]
            assert verdict.startswith(bn("Correct! Well done."))
        elif not hinted:
            # One hint, asked for by command, then the answer in Bengali digits.
            chat.say("/hint")
            hint = fake_telegram.sent(me)[-1]
            assert hint["text"] == f"{bn('Hint %(level)s', level='১')}: ইঙ্গিত 1"
            assert f"h:{session_id}:{problem.pk}" in callback_data(hint)
            hinted = True
            # Something the checker cannot read: "try again", not an answer.
            chat.say("অনেক")
            retry = fake_telegram.sent(me)[-1]["text"]
            assert bn("Try again") in retry
            assert not Response.objects.filter(problem=problem).exists()
            retried = True
            chat.say(problem.answer.translate(BENGALI))
            typed_bengali = True
            verdict = fake_telegram.sent(me)[-1]["text"]
            assert verdict.startswith(bn("Correct! Well done."))
            assert problem.explanation_bn in verdict
        elif not wrong_given:
            chat.say(str(int(problem.answer) + 1))
            wrong_given = True
            verdict = fake_telegram.sent(me)[-1]["text"]
            assert verdict.startswith(bn("Not quite."))
            right = problem.answer.translate(BENGALI)
            assert bn("Correct answer: %(answer)s", answer=right) in verdict
            assert problem.explanation_bn in verdict
        else:
            chat.say(problem.answer)
            verdict = fake_telegram.sent(me)[-1]["text"]
            assert verdict.startswith(bn("Correct! Well done."))
        if position < 5:  # the verdict and the next problem come as one message
            nxt = str(position + 1).translate(BENGALI)
            assert bn("Problem %(position)s/%(total)s", position=nxt, total="৫") in verdict

    assert typed_bengali and wrong_given and mcq_pressed and hinted and retried
    session = PracticeSession.objects.get(pk=session_id)
    assert session.status == "completed"
    assert session.problems_correct == 4
    assert Response.objects.filter(session=session).count() == 5
    assert HintView.objects.filter(session=session).count() == 1
    summary = fake_telegram.sent(me)[-1]["text"]
    assert bn("Today's practice is done!") in summary
    assert bn("%(correct)s of %(total)s right", correct="৪", total="৫") in summary
    with translation.override("bn"):
        streak_line = ngettext(
            "Streak: %(days)s day in a row", "Streak: %(days)s days in a row", 1
        ) % {"days": "১"}
    assert streak_line in summary
    assert Streak.objects.get(student=student).current_streak == 1

    chat.say("/streak")
    streak = fake_telegram.sent(me)[-1]["text"]
    assert streak_line in streak
    assert bn("You have practised today. Well done!") in streak

    # Every update was handled once, and every reply reached Telegram once.
    assert ProcessedUpdate.objects.count() == len(chat.sent)
    texts = fake_telegram.texts(me)
    assert len(texts) == len(chat.sent)
    chats = {str(call.params.get("chat_id")) for call in fake_telegram.calls("sendMessage")}
    assert chats == {str(me)}


def test_a_redelivered_answer_is_judged_and_answered_once(
    chat: Chat, fake_telegram: FakeTelegram
) -> None:
    make_library(grade=7, topics=1, per_topic=5)
    Problem.objects.filter(answer_type="multiple_choice").delete()  # a number is wrong
    chat.say("/start")
    chat.press("l:en")
    chat.press("g:7")
    chat.say("/practice")
    student = Student.objects.get(telegram_id=chat.user_id)
    _, problem = waiting(student)
    update = chat.message_update(str(int(problem.answer) + 1))
    before = len(fake_telegram.sent(chat.user_id))
    chat.deliver(update)
    chat.deliver(update)
    assert Response.objects.filter(problem=problem).count() == 1
    replies = fake_telegram.texts(chat.user_id)[before:]
    assert len(replies) == 1
    assert replies[0].startswith("Not quite.")
