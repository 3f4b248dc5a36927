"""Dars's URLs plus three baselines for the throughput benchmark, measured in the same server
and the same run as the endpoints they are compared with:

- `bench/plain/`: a plain Django view returning a JsonResponse (the floor of the stack);
- `bench/drf/`: a trivial DRF APIView, no authentication;
- `bench/drf-auth/`: a trivial DRF APIView with the student-token authentication every practice
  endpoint uses (one query).

Only `bench.settings` (used by `python -m bench throughput`) routes here.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.students.api import StudentAPIView
from dars.urls import urlpatterns as dars_urlpatterns


def plain(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


class TrivialDRF(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class TrivialDRFWithStudentToken(StudentAPIView):
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        return Response({"student": request.user.pk})


urlpatterns = [
    path("bench/plain/", plain),
    path("bench/drf/", TrivialDRF.as_view()),
    path("bench/drf-auth/", TrivialDRFWithStudentToken.as_view()),
    *dars_urlpatterns,
]
