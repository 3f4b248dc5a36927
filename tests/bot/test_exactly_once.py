"""Exactly once under Telegram's redeliveries, also when two deliveries of one update arrive
at the same moment (PostgreSQL: two connections, the unique update id decides)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection  # noqa: F401 - read by the skipif conditions
from django.test import Client
from django.utils import timezone

from apps.bot import tasks
from apps.bot.models import ProcessedUpdate
from apps.content.models import Problem
from apps.notify.models import OutgoingMessage
from apps.practice import services as practice
from apps.practice.models import HintView, Response
from apps.students.models import Student
from tests.bot.conftest import Chat, post_update
from tests.practice.helpers import make_library
from tests.practice.test_services import _in_threads

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="two connections at once need PostgreSQL"
)


def _practising(chat: Chat) -> tuple[Student, int, Problem]:
    make_library(grade=7, topics=1, per_topic=5)
    Problem.objects.filter(answer_type="multiple_choice").delete()
    chat.say("/start")
    chat.press("l:en")
    chat.press("g:7")
    student = Student.objects.get(telegram_id=chat.user_id)
    started = practice.session_start(student=student)
    item = started.session.items[0]
    return student, started.session.pk, Problem.objects.get(pk=item.problem_id)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_hint_delivered_twice_at_once_is_shown_once(chat: Chat) -> None:
    _student, session_id, _problem = _practising(chat)
    update = chat.message_update("/hint")
    before = OutgoingMessage.objects.count()
    results = _in_threads(2, lambda: post_update(Client(), update).status_code)
    assert results == [200, 200]
    assert HintView.objects.filter(session_id=session_id).count() == 1
    assert ProcessedUpdate.objects.filter(update_id=update["update_id"]).count() == 1
    assert OutgoingMessage.objects.count() == before + 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_answer_delivered_twice_at_once_is_judged_and_answered_once(chat: Chat) -> None:
    _student, session_id, problem = _practising(chat)
    update = chat.message_update(problem.answer)
    before = OutgoingMessage.objects.count()
    results = _in_threads(2, lambda: post_update(Client(), update).status_code)
    assert results == [200, 200]
    assert Response.objects.filter(session_id=session_id).count() == 1
    assert OutgoingMessage.objects.count() == before + 1


@pytest.mark.django_db
def test_old_processed_updates_are_pruned(settings: Any) -> None:
    settings.BOT_PROCESSED_UPDATES_KEEP_DAYS = 7
    now = timezone.now()
    ProcessedUpdate.objects.create(update_id=1, processed_at=now - dt.timedelta(days=8))
    ProcessedUpdate.objects.create(update_id=2, processed_at=now - dt.timedelta(days=6))
    assert tasks.prune_updates.delay().get() == 1
    assert list(ProcessedUpdate.objects.values_list("update_id", flat=True)) == [2]
