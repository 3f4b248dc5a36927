"""AI hints and answer judging through the real anthropic SDK against a local fake server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.ai.models import AIJudgement
from apps.billing.models import CostRecord
from apps.billing.pricing import Price, TokenUsage, cost_usd
from apps.content.models import Hint, Problem, Topic
from tests.ai.fake_claude import Reply
from tests.practice.helpers import client_for, new_student

pytestmark = pytest.mark.django_db

HINTS = {
    "hints": [
        {
            "level": 1,
            "text_en": "Which operation joins two groups?",
            "text_bn": "দুটি দল মেলাতে কোন প্রক্রিয়া?",
        },
        {"level": 2, "text_en": "Add the two numbers.", "text_bn": "সংখ্যা দুটি যোগ করো।"},
        {"level": 3, "text_en": "Work out 12 + 30.", "text_bn": "১২ + ৩০ হিসাব করো।"},
    ]
}


def _library(*, hints: bool, text_problem: bool = False) -> list[Problem]:
    """Five grade-7 problems; with hints=False the first has none at all."""
    topic = Topic.objects.create(grade=7, code="g7-ai", name_en="AI", name_bn="এআই")
    problems = []
    for n in range(5):
        problem = Problem.objects.create(
            code=f"ai-{n}",
            topic=topic,
            question_en=f"What is 12 + {30 + n}?",
            question_bn=f"১২ + {30 + n} কত?",
            answer=str(42 + n),
            answer_type="numeric",
        )
        if hints or n > 0:
            Hint.objects.bulk_create(
                Hint(problem=problem, level=lv, text_en=f"Hint {lv}", text_bn=f"ইঙ্গিত {lv}")
                for lv in (1, 2, 3)
            )
        problems.append(problem)
    if text_problem:
        problems[0].answer_type = "text"
        problems[0].question_en = "What do we call an angle of more than 90° and less than 180°?"
        problems[0].answer = "obtuse"
        problems[0].answer_bn = "স্থূলকোণ"
        problems[0].accepted_answers = "obtuse angle"
        problems[0].save()
    return problems


def _session_with(client, problem: Problem) -> int:
    body = client.post("/api/v1/sessions/").json()
    assert problem.pk in {p["problem_id"] for p in body["problems"]}
    return body["id"]


def _hint(client, session_id: int, problem_id: int):
    return client.post(
        f"/api/v1/sessions/{session_id}/hints/", {"problem_id": problem_id}, format="json"
    )


# --- money arithmetic ----------------------------------------------------------------------


def test_token_to_cost_arithmetic_is_exact_to_the_microdollar():
    haiku = Price(Decimal("1.00"), Decimal("5.00"), Decimal("1.25"), Decimal("0.10"))
    usage = TokenUsage(
        input_tokens=1234,
        output_tokens=567,
        cache_creation_input_tokens=1000,
        cache_read_input_tokens=10_000,
    )
    # 1234×1 + 567×5 + 1000×1.25 + 10000×0.10 = 1234 + 2835 + 1250 + 1000 = 6319 µ$
    assert cost_usd(usage, haiku) == Decimal("0.006319")
    assert cost_usd(TokenUsage(input_tokens=1, output_tokens=0), haiku) == Decimal("0.000001")
    assert cost_usd(TokenUsage(), haiku) == Decimal("0")


# --- hints ---------------------------------------------------------------------------------


def test_missing_hints_are_generated_once_and_reused_by_the_next_student(fake_claude):
    problems = _library(hints=False)
    fake_claude.replies.append(Reply(tool_input=HINTS, input_tokens=900, output_tokens=350))
    first, second = new_student(), new_student()
    client = client_for(first)
    session_id = _session_with(client, problems[0])

    response = _hint(client, session_id, problems[0].pk)

    assert response.status_code == 200
    assert response.json()["text"] == "দুটি দল মেলাতে কোন প্রক্রিয়া?"
    assert fake_claude.calls == 1
    sent = fake_claude.requests[0]
    assert sent["path"] == "/v1/messages" and sent["body"]["model"] == "claude-haiku-4-5"
    assert sent["body"]["tool_choice"] == {"type": "tool", "name": "hints"}
    stored = list(Hint.objects.filter(problem=problems[0]).order_by("level"))
    assert [h.level for h in stored] == [1, 2, 3]
    assert all(h.is_ai_generated and h.reviewed_at is None for h in stored)
    record = CostRecord.objects.get()
    assert (record.operation, record.student, record.session_id, record.problem_id) == (
        "hint_generation",
        first,
        session_id,
        problems[0].pk,
    )
    assert (record.input_tokens, record.output_tokens, record.succeeded) == (900, 350, True)
    assert record.cost_usd == Decimal("0.002650")  # 900 × $1 + 350 × $5 per million

    other = client_for(second)
    other_session = _session_with(other, problems[0])
    assert _hint(other, other_session, problems[0].pk).json()["level"] == 1
    assert fake_claude.calls == 1  # paid once per problem, not per student
    assert CostRecord.objects.count() == 1


def test_spend_over_the_students_budget_falls_back_without_a_call(fake_claude, settings):
    problems = _library(hints=False)
    student = new_student()
    CostRecord.objects.create(
        student=student,
        operation="answer_evaluation",
        provider="claude",
        cost_usd=Decimal("0.0995"),
    )
    client = client_for(student)
    session_id = _session_with(client, problems[0])

    response = _hint(client, session_id, problems[0].pk)

    assert response.status_code == 409 and response.json()["error"]["code"] == "no_more_hints"
    assert fake_claude.calls == 0 and CostRecord.objects.count() == 1


def test_the_global_monthly_cap_stops_calls_too(fake_claude, settings):
    settings.AI_GLOBAL_MONTHLY_BUDGET_USD = Decimal("1.00")
    problems = _library(hints=False)
    CostRecord.objects.create(
        operation="hint_generation", provider="claude", cost_usd=Decimal("0.999")
    )
    client = client_for(new_student())
    session_id = _session_with(client, problems[0])
    assert _hint(client, session_id, problems[0].pk).status_code == 409
    assert fake_claude.calls == 0


def test_last_months_spend_does_not_count(fake_claude):
    problems = _library(hints=False)
    student = new_student()
    CostRecord.objects.create(
        student=student,
        operation="hint_generation",
        provider="claude",
        cost_usd=Decimal("5.00"),
        recorded_at=timezone.now() - dt.timedelta(days=45),
    )
    fake_claude.replies.append(Reply(tool_input=HINTS))
    client = client_for(student)
    session_id = _session_with(client, problems[0])
    assert _hint(client, session_id, problems[0].pk).status_code == 200
    assert fake_claude.calls == 1


@pytest.mark.parametrize(
    ("reply", "error_words", "billed"),
    [
        (Reply(kind="error", status=500), "HTTP 500", 0),
        (Reply(kind="slow", tool_input=HINTS, delay=1.5), "timeout", 0),
        (Reply(kind="text", input_tokens=700, output_tokens=20), "malformed", 700),
        (
            Reply(tool_input={"hints": [{"level": 1, "text_en": "x"}]}, input_tokens=650),
            "malformed",
            650,
        ),
    ],
    ids=["http-500", "timeout", "no-tool-answer", "incomplete-hints"],
)
def test_a_failed_call_is_recorded_and_the_student_gets_authored_hints(
    fake_claude, reply, error_words, billed
):
    problems = _library(hints=True)
    # The first problem has authored English hints only: AI is asked for the Bengali.
    Hint.objects.filter(problem=problems[0]).update(text_bn="")
    fake_claude.replies.append(reply)
    client = client_for(new_student(language="bn"))
    session_id = _session_with(client, problems[0])

    response = _hint(client, session_id, problems[0].pk)

    assert response.status_code == 200
    assert response.json()["text"] == "Hint 1"  # the authored hint, in the language it has
    record = CostRecord.objects.get()
    assert record.succeeded is False and error_words in record.error
    assert record.input_tokens == billed
    assert (record.cost_usd > 0) == (billed > 0)
    assert not Hint.objects.filter(problem=problems[0], is_ai_generated=True).exists()


def test_a_problem_lacking_only_bengali_gets_it_filled_keeping_authored_english(fake_claude):
    problems = _library(hints=True)
    Hint.objects.filter(problem=problems[0]).update(text_bn="")
    fake_claude.replies.append(Reply(tool_input=HINTS))
    client = client_for(new_student(language="bn"))
    session_id = _session_with(client, problems[0])
    assert _hint(client, session_id, problems[0].pk).json()["text"] == HINTS["hints"][0]["text_bn"]
    first = Hint.objects.get(problem=problems[0], level=1)
    assert first.text_en == "Hint 1"  # authored text is never overwritten
    assert first.is_ai_generated and first.reviewed_at is None


def test_without_an_api_key_nothing_is_called_and_practice_works(settings):
    settings.ANTHROPIC_API_KEY = ""
    problems = _library(hints=False)
    client = client_for(new_student())
    session_id = _session_with(client, problems[0])
    assert _hint(client, session_id, problems[0].pk).status_code == 409
    assert CostRecord.objects.count() == 0


# --- answer judging ------------------------------------------------------------------------


def _answer(client, session_id: int, problem_id: int, answer: str):
    return client.post(
        f"/api/v1/sessions/{session_id}/answers/",
        {"problem_id": problem_id, "answer": answer},
        format="json",
    )


def test_a_text_answer_the_checker_rejects_is_judged_once_and_cached(fake_claude):
    problems = _library(hints=True, text_problem=True)
    fake_claude.replies.append(
        Reply(
            tool_input={"correct": True, "reason": "Spelling slip of 'obtuse'."},
            input_tokens=300,
            output_tokens=40,
        )
    )
    first = client_for(new_student())
    session_id = _session_with(first, problems[0])

    body = _answer(first, session_id, problems[0].pk, "obtuce").json()

    assert body["result"] == "correct"
    judgement = AIJudgement.objects.get()
    assert (judgement.normalised_answer, judgement.is_correct) == ("obtuce", True)
    record = CostRecord.objects.get()
    assert (record.operation, record.cost_usd) == ("answer_evaluation", Decimal("0.000500"))

    second = client_for(new_student())
    other_session = _session_with(second, problems[0])
    assert _answer(second, other_session, problems[0].pk, "  OBTUCE ").json()["result"] == "correct"
    assert fake_claude.calls == 1 and CostRecord.objects.count() == 1


def test_a_rejected_judgement_keeps_the_answer_wrong(fake_claude):
    problems = _library(hints=True, text_problem=True)
    fake_claude.replies.append(Reply(tool_input={"correct": False, "reason": "That is acute."}))
    client = client_for(new_student())
    session_id = _session_with(client, problems[0])
    assert _answer(client, session_id, problems[0].pk, "acute").json()["result"] == "incorrect"
    assert AIJudgement.objects.get().is_correct is False


@pytest.mark.parametrize(
    "reply",
    [
        Reply(kind="error", status=500),
        Reply(kind="slow", delay=1.5),
        Reply(tool_input={"verdict": "yes"}),
    ],
    ids=["http-500", "timeout", "malformed"],
)
def test_a_failed_judgement_leaves_the_deterministic_verdict_and_a_record(fake_claude, reply):
    problems = _library(hints=True, text_problem=True)
    fake_claude.replies.append(reply)
    client = client_for(new_student())
    session_id = _session_with(client, problems[0])
    response = _answer(client, session_id, problems[0].pk, "obtuce")
    assert response.status_code == 200 and response.json()["result"] == "incorrect"
    assert CostRecord.objects.get().succeeded is False
    assert AIJudgement.objects.get().status == "failed"  # the claim records the failure


def test_right_answers_and_numeric_answers_never_call_the_model(fake_claude):
    problems = _library(hints=True, text_problem=True)
    client = client_for(new_student())
    session_id = _session_with(client, problems[0])
    assert _answer(client, session_id, problems[0].pk, "স্থূলকোণ").json()["result"] == "correct"
    assert _answer(client, session_id, problems[1].pk, "9").json()["result"] == "incorrect"
    assert fake_claude.calls == 0


def test_ai_hints_cannot_be_stored_on_a_problem_broken_past_the_rules(fake_claude):
    """The AI route saves through the same validation as every other route."""
    from django.db import connection

    from apps.ai.models import HintGeneration
    from apps.ai.services import problem_generate_hints

    problems = _library(hints=False)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE problems SET answer = 'seven-ish' WHERE id = %s", [problems[0].pk])
    fake_claude.replies.append(Reply(tool_input=HINTS))

    outcome = problem_generate_hints(problem_id=problems[0].pk)

    assert outcome.called and not outcome.ok and "invalid" in outcome.reason
    assert not Hint.objects.filter(problem=problems[0]).exists()
    assert Problem.objects.get(pk=problems[0].pk).version == 1  # nothing saved on it
    assert CostRecord.objects.get().succeeded  # the call itself worked and was paid for
    generation = HintGeneration.objects.get(problem=problems[0])
    assert generation.status == "failed" and "not a number" in generation.error
