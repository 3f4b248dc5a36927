"""The student's guardian link code (the Mini App's "link a parent")."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.api import ErrorSerializer
from apps.outreach import services
from apps.outreach.serializers import GuardianCodeOut
from apps.students.api import StudentAPIView
from apps.students.auth import request_student


class GuardianCodeView(StudentAPIView):
    @extend_schema(
        operation_id="guardian_code_issue",
        request=None,
        responses={
            201: GuardianCodeOut,
            401: OpenApiResponse(
                ErrorSerializer, description="Not signed in, or the token expired or was revoked"
            ),
            409: OpenApiResponse(
                ErrorSerializer, description="demo_student: a demo student has no guardian"
            ),
        },
        tags=["student"],
        description="A new one-time code for the student's parent or guardian, who sends "
        "`/start <code>` to the bot (or gives it to the Dars team) to receive a weekly report. "
        "The student's previous unused code stops working.",
    )
    def post(self, request: Request) -> Response:
        code = services.guardian_code_issue(student=request_student(request))
        response = Response(GuardianCodeOut(code).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response
