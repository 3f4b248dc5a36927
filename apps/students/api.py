"""Sign-in and the student's own profile."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ErrorSerializer, no_content
from apps.core.errors import DarsError
from apps.students import services
from apps.students.auth import (
    IsService,
    IsStudent,
    ServiceKeyAuthentication,
    StudentTokenAuthentication,
    request_student,
    request_token,
)
from apps.students.models import Student
from apps.students.serializers import (
    BotSignInIn,
    SignInOut,
    StudentOut,
    StudentUpdateIn,
    TelegramSignInIn,
    present_student,
)
from apps.students.telegram import InitDataError, verify_init_data

logger = logging.getLogger(__name__)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input; `details.fields`"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in or invalid credentials"),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests"),
}


class StudentAPIView(APIView):
    """An endpoint for a signed-in student, answering in the student's language."""

    authentication_classes = [StudentTokenAuthentication]
    permission_classes = [IsStudent]

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        student = request.user
        if isinstance(student, Student):
            translation.activate(student.language)


def _signed_in(result: services.SignIn) -> Response:
    response = Response(
        SignInOut(
            {
                "token": result.token,
                "expires_at": result.expires_at,
                "registered": result.student.registered,
                "student": present_student(result.student),
            }
        ).data
    )
    response["Cache-Control"] = "no-store"  # a token: never kept by a browser or a proxy
    response["Pragma"] = "no-cache"
    return response


class TelegramSignInView(APIView):
    """Sign in from the Telegram Mini App with its signed initData."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_scope = "auth"

    @extend_schema(
        operation_id="auth_telegram",
        request=TelegramSignInIn,
        responses={200: SignInOut, **ERRORS},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TelegramSignInIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = verify_init_data(
                data.validated_data["init_data"],
                bot_token=settings.TELEGRAM_BOT_TOKEN,
                max_age_seconds=settings.TELEGRAM_AUTH_MAX_AGE_SECONDS,
                now=time.time(),
            )
        except InitDataError as exc:
            logger.info("Mini App sign-in refused: %s", exc)  # the reason stays in the log
            raise DarsError(
                _("Your sign-in is not valid or has expired. Sign in again."),
                code="authentication_failed",
                status=401,
            ) from exc
        return _signed_in(
            services.student_sign_in(telegram_id=user.id, name=user.full_name, via="telegram")
        )


class BotSignInView(APIView):
    """Sign a student in on behalf of the Telegram bot (service API key)."""

    authentication_classes = [ServiceKeyAuthentication]
    permission_classes = [IsService]
    throttle_scope = "bot_auth"

    @extend_schema(
        operation_id="auth_bot",
        request=BotSignInIn,
        responses={200: SignInOut, **ERRORS},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = BotSignInIn(data=request.data)
        data.is_valid(raise_exception=True)
        return _signed_in(
            services.student_sign_in(
                telegram_id=data.validated_data["telegram_id"],
                name=data.validated_data["name"],
                via="bot",
            )
        )


class TokenView(StudentAPIView):
    """Sign out: revoke the token this request was made with."""

    @extend_schema(
        operation_id="auth_sign_out", request=None, responses={204: None, **ERRORS}, tags=["auth"]
    )
    def delete(self, request: Request) -> Response:
        services.token_revoke(token=request_token(request))
        return no_content()


class MeView(StudentAPIView):
    """The signed-in student's profile; choosing a grade completes registration."""

    @extend_schema(operation_id="me_read", responses={200: StudentOut, **ERRORS}, tags=["student"])
    def get(self, request: Request) -> Response:
        student = request_student(request)
        return Response(StudentOut(present_student(student)).data)

    @extend_schema(
        operation_id="me_update",
        request=StudentUpdateIn,
        responses={200: StudentOut, **ERRORS},
        tags=["student"],
    )
    def patch(self, request: Request) -> Response:
        student = request_student(request)
        data = StudentUpdateIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        student = services.student_update(student=student, data=data.validated_data)
        return Response(StudentOut(present_student(student)).data)
