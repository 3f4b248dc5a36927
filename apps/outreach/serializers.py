from __future__ import annotations

from rest_framework import serializers


class GuardianCodeOut(serializers.Serializer):
    code = serializers.CharField(
        help_text="8 characters (no look-alikes); the guardian sends `/start <code>` to the bot"
    )
    expires_at = serializers.DateTimeField(help_text="The code works once, until this moment")
