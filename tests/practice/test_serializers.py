"""The hand-written representations of the hot output serializers equal DRF's generic one
(`Serializer.to_representation`, which walks the declared fields: the OpenAPI contract) for
the same objects, in both languages."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework import serializers

from apps.content.cache import problem_contents
from apps.content.models import Problem
from apps.practice import selectors, services
from apps.practice.serializers import (
    AnswerOut,
    HintOut,
    OptionOut,
    SessionOut,
    SessionProblemOut,
    SessionSummaryOut,
    StreakOut,
    TopicProgressOut,
    context_for,
)
from tests.practice.helpers import make_library, new_student, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def _same(serializer: serializers.Serializer, instance: object) -> None:
    fast = serializer.to_representation(instance)
    generic = serializers.Serializer.to_representation(serializer, instance)
    assert fast == generic
    assert list(fast) == list(generic)  # the same keys, in the same order


@pytest.mark.parametrize("language", ["en", "bn"])
def test_hand_written_representations_equal_drfs_generic_one(language):
    make_library()
    student = new_student(language=language)
    started = services.session_start(student=student).session
    context = context_for(student)
    items = started.items
    numeric = next(item for item in items if item.problem.hints)
    hint = services.session_hint(
        student=student, session_id=started.pk, problem_id=numeric.problem_id
    )
    _same(HintOut(context=context), hint)
    unparseable = services.session_answer(
        student=student,
        session_id=started.pk,
        problem_id=numeric.problem_id,
        answer="seventeen-ish",
        time_spent_seconds=1,
        confidence="low",
    )
    assert not unparseable.final
    outcomes = [
        services.session_answer(
            student=student,
            session_id=started.pk,
            problem_id=item.problem_id,
            answer=(right_answer if n % 2 else wrong_answer)(item.problem_id),
            time_spent_seconds=30,
            confidence="medium",
        )
        for n, item in enumerate(items)
    ]
    for outcome in [*outcomes, unparseable]:
        _same(AnswerOut(context=context), outcome)
    assert outcomes[-1].session.status == "completed"  # the summary is compared too

    session = selectors.session_detail(student=student, session_id=started.pk)
    _same(SessionOut(context=context), session)
    _same(SessionSummaryOut(context=context), session)
    for item in session.items:
        _same(SessionProblemOut(context=context), item)
    # Every multiple-choice problem's options, whichever problems the session drew.
    library = problem_contents((p.pk, p.version) for p in Problem.objects.all())
    options = [option for content in library.values() for option in content.options]
    assert options
    for option in options:
        _same(OptionOut(context=context), option)

    history, total = selectors.SessionHistory(student).window(0, 20)
    assert total == len(history) == 1
    for line in history:
        _same(SessionSummaryOut(context=context), line)
    streak, milestones = selectors.streak_for(student=student)
    streak_context = context_for(
        student, today=services.local_date(student, timezone.now()), milestones=milestones
    )
    _same(StreakOut(context=streak_context), streak)
    for row in selectors.progress_for(student=student):
        _same(TopicProgressOut(context=context), row)
