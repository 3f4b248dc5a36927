"""The bot's commands besides practice: registration edges, /progress, /language,
/reminder, /guardian and a guardian's /start <code>. Replies are asserted as queued."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from apps.content.models import Problem
from apps.notify.models import OutgoingMessage
from apps.outreach.models import LinkCode, ReminderSetting
from apps.practice.models import PracticeSession, Response, TopicMastery
from apps.students.models import Guardian, GuardianStudent, Student
from tests.bot.conftest import Chat
from tests.practice.helpers import BENGALI, make_library

pytestmark = pytest.mark.django_db


def last(chat: Chat) -> OutgoingMessage:
    message = OutgoingMessage.objects.filter(to=str(chat.user_id)).order_by("-id").first()
    assert message is not None
    return message


def registered(chat: Chat, language: str = "en", grade: int = 7) -> Student:
    chat.say("/start")
    chat.press(f"l:{language}")
    chat.press(f"g:{grade}")
    return Student.objects.get(telegram_id=chat.user_id)


def in_language(language: str, message: str, **values: Any) -> str:
    with translation.override(language):
        return gettext(message) % values if values else gettext(message)


def test_an_unregistered_student_is_asked_for_the_class_until_they_choose(chat: Chat) -> None:
    chat.say("/start")
    chat.press("l:en")
    for text in ("/practice", "12", "/streak"):
        chat.say(text)
        assert last(chat).text == "Which class are you in?"
    chat.press("p")
    assert last(chat).text == "Which class are you in?"
    assert Student.objects.get(telegram_id=chat.user_id).grade is None


def test_anybody_writing_first_is_welcomed_not_ignored(chat: Chat) -> None:
    chat.say("hello")
    assert Student.objects.filter(telegram_id=chat.user_id).exists()
    markup = last(chat).reply_markup
    assert markup is not None
    assert markup["inline_keyboard"][0][0]["callback_data"] == "l:bn"


def test_text_outside_practice_gets_a_short_help(chat: Chat) -> None:
    registered(chat)
    chat.say("what now?")
    assert last(chat).text.startswith("Send /practice to start today's problems")
    chat.say("/nonsense")
    assert last(chat).text.startswith("Dars: daily maths practice")


def test_a_forged_button_does_nothing(chat: Chat) -> None:
    registered(chat)
    before = OutgoingMessage.objects.count()
    response = chat.press("a:1:2:Z")
    assert response.json()["method"] == "answerCallbackQuery"
    assert OutgoingMessage.objects.count() == before


def test_an_answer_button_of_another_students_session_is_refused(chat: Chat) -> None:
    make_library(grade=7, topics=1, per_topic=5)
    registered(chat)
    chat.say("/practice")
    other = Chat(chat.client, user_id=5550099)
    registered(other)
    session_id = chat_session_id(chat)
    other.press(f"a:{session_id}:1:A")
    assert last(other).text.startswith("No such session.")


def chat_session_id(chat: Chat) -> int:
    from apps.practice.models import PracticeSession

    return PracticeSession.objects.get(student__telegram_id=chat.user_id).pk


def test_no_problems_for_the_grade_is_said_plainly(chat: Chat) -> None:
    registered(chat)
    chat.say("/practice")
    assert (
        last(chat).text
        == "There are not enough problems for your grade yet. Please try again later."
    )


def test_hint_without_a_problem_waiting(chat: Chat) -> None:
    registered(chat)
    chat.say("/hint")
    assert last(chat).text == "There is no problem waiting. Send /practice to start."


def test_a_fourth_hint_is_refused_politely(chat: Chat) -> None:
    make_library(grade=7, topics=1, per_topic=5)
    Problem.objects.filter(answer_type="multiple_choice").delete()  # the others have 3 hints
    registered(chat)
    chat.say("/practice")
    for _ in range(3):
        chat.say("/hint")
    assert "Hint 3" in last(chat).text
    chat.say("/hint")
    assert last(chat).text == "There are no more hints for this problem."


def test_progress_lists_every_topic_with_its_level(chat: Chat) -> None:
    problems = make_library(grade=7, topics=2, per_topic=1)
    student = registered(chat, language="bn")
    TopicMastery.objects.create(
        student=student, topic=problems[0].topic, level="developing", attempts=4, correct=3
    )
    chat.say("/progress")
    text = last(chat).text
    assert "অধ্যায় 0: " + in_language("bn", "Developing") in text
    assert "৭৫%" in text
    assert "অধ্যায় 1: " + in_language("bn", "Not started") in text


def test_language_can_be_changed_later(chat: Chat) -> None:
    student = registered(chat, language="bn")
    chat.say("/language")
    chat.press("l:en")
    student.refresh_from_db()
    assert student.language == "en"
    assert last(chat).text.startswith("Saved.")


def test_reminder_at_a_time_and_off(chat: Chat) -> None:
    student = registered(chat, language="bn")
    chat.say("/reminder ১৯:৩০")
    setting = ReminderSetting.objects.get(student=student)
    assert (setting.enabled, setting.remind_at) == (True, dt.time(19, 30))
    assert "১৯:৩০" in last(chat).text
    chat.say("/reminder off")
    setting.refresh_from_db()
    assert setting.enabled is False
    chat.say("/reminder soon")
    assert last(chat).text.startswith(in_language("bn", "That is not a time I can read."))
    chat.say("/reminder")
    assert last(chat).text == in_language(
        "bn", "Send /reminder 19:30 for a daily reminder at that time, or /reminder off."
    )


def test_a_guardian_links_with_the_students_code(chat: Chat) -> None:
    student = registered(chat)
    chat.say("/guardian")
    code = LinkCode.objects.get(student=student, used_at__isnull=True)
    assert code.code in last(chat).text
    assert f"/start {code.code}" in last(chat).text

    parent = Chat(chat.client, user_id=7770001, first_name="Amina", language_code="bn")
    parent.say(f"/start {code.code}")
    guardian = Guardian.objects.get(telegram_id=parent.user_id)
    assert GuardianStudent.objects.filter(guardian=guardian, student=student).exists()
    assert not Student.objects.filter(telegram_id=parent.user_id).exists()
    assert student.name in last(parent).text

    # The code worked once.
    again = Chat(chat.client, user_id=7770002, first_name="Karim", language_code="en")
    again.say(f"/start {code.code}")
    assert not Guardian.objects.filter(telegram_id=again.user_id).exists()
    assert last(again).text  # the reason, from apps.outreach


def test_a_linked_guardian_stops_and_resumes_the_reports_from_the_chat(chat: Chat) -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    student = registered(chat)
    chat.say("/guardian")
    code = LinkCode.objects.get(student=student, used_at__isnull=True)
    parent = Chat(chat.client, user_id=7770003, first_name="Amina", language_code="bn")
    parent.say(f"/start {code.code}")
    guardian = Guardian.objects.get(telegram_id=parent.user_id)

    parent.say("hello")  # a guardian is not signed up as a student
    assert not Student.objects.filter(telegram_id=parent.user_id).exists()
    assert student.name in last(parent).text and "/stop" in last(parent).text

    parent.say("/stop")
    guardian.refresh_from_db()
    assert guardian.reports_stopped_at is not None
    with translation.override("bn"):
        stopped = gettext("The weekly reports are stopped. Send /reports to get them again.")
    assert last(parent).text == stopped
    parent.say("/reports")
    guardian.refresh_from_db()
    assert guardian.reports_stopped_at is None


def test_a_wrong_code_is_explained_and_links_nothing(chat: Chat) -> None:
    chat.say("/start NOSUCHCODE")
    assert not Guardian.objects.exists()
    assert not Student.objects.exists()
    assert last(chat).text


def test_feedback_for_a_wrong_answer_and_a_milestone_at_the_end(chat: Chat) -> None:
    from apps.content.services import problem_feedback_add
    from apps.practice.models import Streak
    from apps.practice.services import local_date
    from tests.practice.helpers import wrong_answer

    library = make_library(grade=7, topics=1, per_topic=5)
    Problem.objects.filter(answer_type="multiple_choice").delete()
    for problem in library[:5]:
        problem_feedback_add(
            problem_id=problem.pk,
            answer=wrong_answer(problem.pk),
            message_en="One too many: count again.",
            message_bn="একটি বেশি: আবার গোনো।",
        )
    student = registered(chat, language="bn")
    yesterday = local_date(student, timezone.now()) - dt.timedelta(days=1)
    Streak.objects.create(
        student=student, current_streak=6, longest_streak=6, last_practice_date=yesterday
    )
    chat.say("/practice")
    for position in range(5):
        session = PracticeSession.objects.get(student=student)
        answered = Response.objects.filter(session=session).values_list("problem_id", flat=True)
        waiting = session.session_problems.exclude(problem_id__in=list(answered))
        problem_id = waiting.order_by("position").values_list("problem_id", flat=True)[0]
        if position == 0:
            chat.say(wrong_answer(problem_id).translate(BENGALI))
            assert "একটি বেশি: আবার গোনো।" in last(chat).text
        else:
            chat.say(Problem.objects.get(pk=problem_id).answer)
            assert "একটি বেশি" not in last(chat).text
    summary = last(chat).text
    assert in_language("bn", "New milestone: %(days)s days in a row!", days="৭") in summary
    assert in_language("bn", "%(correct)s of %(total)s right", correct="৪", total="৫") in summary


def test_without_a_mini_app_url_the_menu_offers_practice_here_only(
    chat: Chat, settings: Any
) -> None:
    settings.MINIAPP_URL = ""
    registered(chat)
    markup = last(chat).reply_markup
    assert markup == {"inline_keyboard": [[{"text": "Practise here", "callback_data": "p"}]]}
