"""OpenAPI links for the practice operations (a drf-spectacular postprocessing hook).

The links say, in the schema itself, how a client walks a session: start one, read it, answer
or ask a hint for each of its problems, then read it again. API clients (and the stateful fuzz
run in tests/test_fuzz_api.py) follow them with the ids the server actually returned.
"""

from __future__ import annotations

from typing import Any

SESSION_PROBLEMS = 5  # a session holds at most five problems (apps.practice.selection)


def _problem_links(operation_id: str, verb: str, session_id: str) -> dict[str, Any]:
    return {
        f"{verb}Problem{index + 1}": {
            "operationId": operation_id,
            "parameters": {"session_id": session_id},
            "requestBody": {"problem_id": f"$response.body#/problems/{index}/problem_id"},
            "description": f"{verb} problem {index + 1} of this session.",
        }
        for index in range(SESSION_PROBLEMS)
    }


def _session_links(session_id: str) -> dict[str, Any]:
    return {
        "ReadSession": {
            "operationId": "sessions_read",
            "parameters": {"session_id": session_id},
            "description": "Read this session again.",
        },
        **_problem_links("sessions_answer", "Answer", session_id),
        **_problem_links("sessions_hint", "Hint", session_id),
    }


def _same_problem(operation_id: str, verb: str) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "parameters": {"session_id": "$request.path.session_id"},
        "requestBody": {"problem_id": "$request.body#/problem_id"},
        "description": f"{verb} the same problem.",
    }


def add_session_links(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    operations = {
        operation.get("operationId"): operation
        for path in result.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
    }
    links: dict[tuple[str, str], dict[str, Any]] = {
        ("sessions_start", "200"): _session_links("$response.body#/id"),
        ("sessions_start", "201"): _session_links("$response.body#/id"),
        ("sessions_read", "200"): _session_links("$response.body#/id"),
        ("sessions_hint", "200"): {
            "AnswerTheProblem": _same_problem("sessions_answer", "Answer"),
            "NextHint": _same_problem("sessions_hint", "Ask the next hint for"),
        },
        ("sessions_answer", "200"): {
            "ReadSession": {
                "operationId": "sessions_read",
                "parameters": {"session_id": "$request.path.session_id"},
                "description": "Read the session after this answer.",
            },
            "AnswerAgain": _same_problem("sessions_answer", "Answer again"),
        },
    }
    for (operation_id, status), operation_links in links.items():
        response = operations.get(operation_id, {}).get("responses", {}).get(status)
        if response is not None:
            response["links"] = operation_links
    return result
