"""The hand-written representations of the hot output serializers equal DRF's generic one
(`Serializer.to_representation`, which walks the declared fields: the OpenAPI contract) for
the same objects, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from apps.content.cache import problem_contents
from apps.content.models import Problem
from apps.practice import selectors, services
from apps.practice.serializers import (
    MAX_ID,
    AnswerIn,
    AnswerOut,
    HintIn,
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


# --- the quick input path ------------------------------------------------------------------

_ANSWERS: list[dict[str, Any]] = [
    {"problem_id": 1, "answer": "12"},
    {"problem_id": 7, "answer": "১২", "time_spent_seconds": 40, "confidence": "high"},
    {"problem_id": MAX_ID, "answer": "x" * 500, "time_spent_seconds": 86400},
    {"problem_id": 3, "answer": " ", "time_spent_seconds": 0, "confidence": "low"},
    {"problem_id": 3, "answer": "3/4", "extra": "ignored"},
    # everything below is DRF's to read or refuse
    {"problem_id": 0, "answer": "1"},
    {"problem_id": MAX_ID + 1, "answer": "1"},
    {"problem_id": True, "answer": "1"},
    {"problem_id": "5", "answer": "1"},
    {"problem_id": 5.0, "answer": "1"},
    {"problem_id": None, "answer": "1"},
    {"answer": "1"},
    {"problem_id": 1},
    {"problem_id": 1, "answer": ""},
    {"problem_id": 1, "answer": "x" * 501},
    {"problem_id": 1, "answer": "a\u0000b"},
    {"problem_id": 1, "answer": "\ud800"},
    {"problem_id": 1, "answer": 12},
    {"problem_id": 1, "answer": None},
    {"problem_id": 1, "answer": ["1"]},
    {"problem_id": 1, "answer": "1", "time_spent_seconds": -1},
    {"problem_id": 1, "answer": "1", "time_spent_seconds": 86401},
    {"problem_id": 1, "answer": "1", "time_spent_seconds": "40"},
    {"problem_id": 1, "answer": "1", "time_spent_seconds": False},
    {"problem_id": 1, "answer": "1", "time_spent_seconds": None},
    {"problem_id": 1, "answer": "1", "confidence": "sure"},
    {"problem_id": 1, "answer": "1", "confidence": ""},
    {"problem_id": 1, "answer": "1", "confidence": None},
]


def _generic(serializer_class: type[serializers.Serializer], data: object) -> object:
    """DRF's own validation of `data`: the validated data, or the errors."""
    serializer = serializer_class(data=data)
    try:
        return dict(serializers.Serializer.run_validation(serializer, data))
    except serializers.ValidationError as error:
        return error.detail


@pytest.mark.parametrize("data", _ANSWERS)
def test_quick_answer_input_is_drfs_result_or_left_to_drf(data):
    quick = AnswerIn().quick(data)
    generic = _generic(AnswerIn, data)
    if quick is not None:
        assert quick == generic
    # whatever the quick path leaves, DRF reads the same through the serializer's own path
    serializer = AnswerIn(data=data)
    if serializer.is_valid():
        assert dict(serializer.validated_data) == generic
    else:
        assert serializer.errors == generic


def test_the_usual_answer_and_hint_take_the_quick_path():
    assert AnswerIn().quick(_ANSWERS[0]) == {
        "problem_id": 1,
        "answer": "12",
        "time_spent_seconds": 0,
        "confidence": "medium",
    }
    assert HintIn().quick({"problem_id": 4}) == {"problem_id": 4}
    # left to DRF, which refuses the first ones and reads "4" and 4.0 as 4
    for data in [{"problem_id": v} for v in (0, -1, MAX_ID + 1, True, None, "4", 4.0)] + [{}]:
        assert HintIn().quick(data) is None
        serializer = HintIn(data=data)
        serializer.is_valid()
        assert (serializer.errors or dict(serializer.validated_data)) == _generic(HintIn, data)


@given(
    st.dictionaries(
        st.sampled_from(["problem_id", "answer", "time_spent_seconds", "confidence"]),
        st.one_of(
            st.integers(min_value=-2, max_value=2**64),
            st.text(max_size=520),
            st.sampled_from(["low", "medium", "high", "", None, True, 1.0]),
        ),
    )
)
def test_quick_answer_input_never_differs_from_drf(data):
    quick = AnswerIn().quick(data)
    if quick is not None:
        assert quick == _generic(AnswerIn, data)
