"""Practice endpoints: sessions, answers, hints, streak, progress, mistakes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from apps.core.api import ErrorSerializer, Pagination
from apps.practice import selectors, services
from apps.practice.serializers import (
    AnswerIn,
    AnswerOut,
    HintIn,
    HintOut,
    MistakeOut,
    MistakePageOut,
    SessionOut,
    SessionPageOut,
    SessionSummaryOut,
    StreakCalendarOut,
    StreakOut,
    TopicProgressOut,
    context_for,
)
from apps.students.api import StudentAPIView
from apps.students.auth import request_student


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


AUTH_ERRORS = {401: _error("Not signed in, or the token expired or was revoked")}
NOT_FOUND = {404: _error("No such session for this student")}
PAGE_ERRORS = {
    400: _error("invalid: page or page_size is not a whole number in its range"),
    404: _error("No such page"),
}


def _page_parameters(rows: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "page",
            {"type": "integer", "minimum": 1, "maximum": Pagination.max_page},
            description="Page number, from 1 (a page past the last one is a 404)",
        ),
        OpenApiParameter(
            "page_size",
            {"type": "integer", "minimum": 1, "maximum": Pagination.max_page_size},
            description=f"{rows} per page (default 20, at most 100)",
        ),
    ]


def _page(
    view: StudentAPIView, request: Request, rows: Any, serializer: type[Serializer]
) -> Response:
    """The page `request` asks for of a selector's rows (`window`), in the student's
    language."""
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request, view)
    out = serializer(page or [], many=True, context=context_for(request_student(request)))
    return paginator.get_paginated_response(out.data)


class SessionListView(StudentAPIView):
    @extend_schema(
        operation_id="sessions_start",
        request=None,
        responses={
            200: OpenApiResponse(SessionOut, description="The session already in progress"),
            201: OpenApiResponse(SessionOut, description="A new session"),
            409: _error("registration_required (no grade yet) or no_problems_available"),
            **AUTH_ERRORS,
        },
        tags=["sessions"],
        description="Start today's practice: returns the open session if there is one "
        "(idempotent), else creates one with 5 problems chosen for the student.",
    )
    def post(self, request: Request) -> Response:
        student = request_student(request)
        started = services.session_start(student=student)
        return Response(
            SessionOut(started.session, context=context_for(student)).data,
            status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="sessions_list",
        parameters=_page_parameters("Sessions"),
        responses={200: SessionPageOut, **PAGE_ERRORS, **AUTH_ERRORS},
        tags=["sessions"],
        description="The student's sessions, newest first (paginated: `page`, `page_size`).",
    )
    def get(self, request: Request) -> Response:
        student = request_student(request)
        return _page(self, request, selectors.SessionHistory(student), SessionSummaryOut)


class SessionDetailView(StudentAPIView):
    @extend_schema(
        operation_id="sessions_read",
        responses={200: SessionOut, **AUTH_ERRORS, **NOT_FOUND},
        tags=["sessions"],
    )
    def get(self, request: Request, session_id: int) -> Response:
        student = request_student(request)
        session = selectors.session_detail(student=student, session_id=session_id)
        return Response(SessionOut(session, context=context_for(student)).data)


class SessionAnswerView(StudentAPIView):
    @extend_schema(
        operation_id="sessions_answer",
        request=AnswerIn,
        responses={
            200: AnswerOut,
            400: _error("Invalid input (`details.fields`)"),
            404: _error("not_found (no such session) or problem_not_in_session"),
            409: _error(
                "session_expired, session_closed, already_answered (a different answer) or "
                "problem_unavailable"
            ),
            **AUTH_ERRORS,
        },
        tags=["sessions"],
        description="Answer one problem. correct/incorrect are final; an identical retry "
        "returns the same result (and the same feedback). unparseable/not_simplified are not "
        "attempts. A final wrong answer the content team wrote feedback for (compared as the "
        "checker reads it: ১২, 12 and 12.0 are one answer) carries that feedback in "
        "`feedback`, in the student's language.",
    )
    def post(self, request: Request, session_id: int) -> Response:
        student = request_student(request)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.session_answer(
            student=student, session_id=session_id, **data.validated_data
        )
        return Response(AnswerOut(outcome, context=context_for(student)).data)


class SessionHintView(StudentAPIView):
    throttle_scope = "hints"

    @extend_schema(
        operation_id="sessions_hint",
        request=HintIn,
        responses={
            200: HintOut,
            400: _error("Invalid input (`details.fields`)"),
            404: _error("not_found (no such session) or problem_not_in_session"),
            409: _error(
                "no_more_hints, session_expired, session_closed, already_answered or "
                "problem_unavailable"
            ),
            429: _error("Too many hint requests"),
            **AUTH_ERRORS,
        },
        tags=["sessions"],
        description="The next hint for a problem (level 1, then 2, then 3), recorded as seen.",
    )
    def post(self, request: Request, session_id: int) -> Response:
        student = request_student(request)
        data = HintIn(data=request.data)
        data.is_valid(raise_exception=True)
        shown = services.session_hint(
            student=student,
            session_id=session_id,
            problem_id=data.validated_data["problem_id"],
        )
        return Response(HintOut(shown, context=context_for(student)).data)


class StreakView(StudentAPIView):
    @extend_schema(
        operation_id="streak_read", responses={200: StreakOut, **AUTH_ERRORS}, tags=["progress"]
    )
    def get(self, request: Request) -> Response:
        student = request_student(request)
        streak, milestones = selectors.streak_for(student=student)
        context = context_for(
            student, today=services.local_date(student, timezone.now()), milestones=milestones
        )
        return Response(StreakOut(streak, context=context).data)


class ProgressView(StudentAPIView):
    @extend_schema(
        operation_id="progress_read",
        responses={200: TopicProgressOut(many=True), **AUTH_ERRORS},
        tags=["progress"],
        description="Every topic of the student's grade with mastery level, accuracy and "
        "next review date.",
    )
    def get(self, request: Request) -> Response:
        student = request_student(request)
        rows = selectors.progress_for(student=student)
        return Response(TopicProgressOut(rows, many=True, context=context_for(student)).data)


class StreakCalendarView(StudentAPIView):
    @extend_schema(
        operation_id="streak_calendar",
        responses={200: StreakCalendarOut, **AUTH_ERRORS},
        tags=["progress"],
        description="The student's last 35 days (their own dates), oldest first: practised, "
        "covered by a streak freeze, or neither.",
    )
    def get(self, request: Request) -> Response:
        student = request_student(request)
        today = services.local_date(student, timezone.now())
        days = selectors.practice_calendar(student=student, today=today)
        return Response(StreakCalendarOut({"today": today, "days": days}).data)


class MistakeListView(StudentAPIView):
    @extend_schema(
        operation_id="mistakes_list",
        parameters=_page_parameters("Answers"),
        responses={200: MistakePageOut, **PAGE_ERRORS, **AUTH_ERRORS},
        tags=["progress"],
        description="The student's wrong answers, newest first (paginated: `page`, "
        "`page_size`): each problem in the student's language with their answer, the right "
        "answer, the explanation and any feedback they were shown.",
    )
    def get(self, request: Request) -> Response:
        student = request_student(request)
        return _page(self, request, selectors.MistakeHistory(student), MistakeOut)
