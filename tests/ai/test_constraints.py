"""The AI app's rules, held by the database (raw SQL past Django is refused)."""

from __future__ import annotations

import pytest

from apps.ai.models import AIJudgement, HintGeneration
from tests.content.factories import ProblemFactory

pytestmark = pytest.mark.django_db


def test_ai_judgements_are_one_per_problem_and_answer(db_rejects):
    problem = ProblemFactory.create()
    judgement = AIJudgement.objects.create(
        problem=problem, normalised_answer="obtuse", is_correct=True, model="m"
    )
    db_rejects(
        "INSERT INTO ai_judgements (problem_id, normalised_answer, status, is_correct, reason, "
        "model, created_at, claimed_at) VALUES (%s, 'obtuse', 'done', FALSE, '', 'm', "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [problem.pk],
        expected=["uq_ai_judgements_problem_answer", "ai_judgements.problem_id"],
    )
    db_rejects(
        "UPDATE ai_judgements SET normalised_answer = '' WHERE id = %s",
        [judgement.pk],
        expected=["ck_ai_judgements_answer_not_empty"],
    )


def test_a_judgement_is_pending_done_or_failed_and_a_done_one_has_a_verdict(db_rejects):
    judgement = AIJudgement.objects.create(
        problem=ProblemFactory.create(), normalised_answer="acute", status="pending", model="m"
    )
    db_rejects(
        "UPDATE ai_judgements SET status = 'maybe' WHERE id = %s",
        [judgement.pk],
        expected=["ck_ai_judgements_status_valid"],
    )
    db_rejects(
        "UPDATE ai_judgements SET status = 'done' WHERE id = %s",
        [judgement.pk],
        expected=["ck_ai_judgements_done_has_verdict"],
    )


def test_hint_generation_is_one_claim_per_problem_with_a_known_status(db_rejects):
    generation = HintGeneration.objects.create(problem=ProblemFactory.create(), status="pending")
    db_rejects(
        "INSERT INTO ai_hint_generations (problem_id, status, attempts, claimed_at, error) "
        "VALUES (%s, 'pending', 1, CURRENT_TIMESTAMP, '')",
        [generation.problem_id],
        expected=["uq_ai_hint_generations_problem", "ai_hint_generations.problem_id"],
    )
    db_rejects(
        "UPDATE ai_hint_generations SET status = 'running' WHERE id = %s",
        [generation.pk],
        expected=["ck_ai_hint_generations_status_valid"],
    )
    db_rejects(
        "UPDATE ai_hint_generations SET attempts = 0 WHERE id = %s",
        [generation.pk],
        expected=["ck_ai_hint_generations_attempts_positive"],
    )
