from __future__ import annotations

import functools
import re
import zoneinfo
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api import NO_NUL, VISIBLE_CHARACTER, VISIBLE_TEXT, StrictCharField
from apps.students.models import Student


@functools.cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TelegramSignInIn(serializers.Serializer):
    init_data = StrictCharField(
        max_length=8192,
        validators=[NO_NUL],
        help_text="The raw `Telegram.WebApp.initData` string",
    )


class BotSignInIn(serializers.Serializer):
    telegram_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    name = StrictCharField(
        max_length=100, required=False, allow_blank=True, default="", validators=[NO_NUL]
    )


class StudentOut(serializers.Serializer):
    id = serializers.IntegerField()
    telegram_id = serializers.IntegerField()
    name = serializers.CharField()
    grade = serializers.IntegerField(allow_null=True)
    language = serializers.ChoiceField(choices=Student.Language.choices)
    timezone = serializers.CharField()
    registered = serializers.BooleanField(help_text="True once a grade is chosen")
    created_at = serializers.DateTimeField()


class SignInOut(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`")
    expires_at = serializers.DateTimeField()
    registered = serializers.BooleanField()
    student = StudentOut()


class StudentUpdateIn(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False, validators=[VISIBLE_TEXT])
    grade = serializers.ChoiceField(choices=Student.Grade.choices, required=False)
    language = serializers.ChoiceField(choices=Student.Language.choices, required=False)
    timezone = serializers.ChoiceField(
        choices=sorted(_timezones()),
        required=False,
        help_text="An IANA time zone, e.g. Asia/Dhaka",
        error_messages={"invalid_choice": _("Unknown time zone “{input}” (e.g. Asia/Dhaka).")},
    )

    def validate_name(self, value: str) -> str:
        value = value.strip()
        if not re.search(VISIBLE_CHARACTER, value):
            raise serializers.ValidationError(_("Write a name with at least one letter."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field cannot be changed.")] for name in sorted(unknown)}
            )
        return attrs


def present_student(student: Student) -> dict[str, Any]:
    return {
        "id": student.pk,
        "telegram_id": student.telegram_id,
        "name": student.name,
        "grade": student.grade,
        "language": student.language,
        "timezone": student.timezone,
        "registered": student.registered,
        "created_at": student.created_at,
    }
