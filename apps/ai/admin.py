from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.ai import services
from apps.ai.models import AIJudgement, HintGeneration
from apps.core.admin_tools import ReadOnlyAdminMixin


@admin.register(AIJudgement)
class AIJudgementAdmin(admin.ModelAdmin):
    """Verdicts the model gave on text answers. A wrong one can be corrected or deleted."""

    list_display = ["problem", "normalised_answer", "status", "is_correct", "model", "created_at"]
    list_filter = ["status", "is_correct", "model"]
    list_select_related = ["problem"]
    search_fields = ["problem__code", "normalised_answer", "reason"]
    fields = ["problem", "normalised_answer", "status", "is_correct", "reason", "model"]
    readonly_fields = ["problem", "normalised_answer", "status", "model"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # verdicts come from the model


@admin.register(HintGeneration)
class HintGenerationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A read-only log: which problems got AI-written hints, when, and what failed."""

    list_display = ["problem", "status", "attempts", "claimed_at", "finished_at", "error"]
    list_filter = ["status"]
    list_select_related = ["problem"]
    search_fields = ["problem__code", "error"]
    actions = ["retry"]

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("ai.change_hintgeneration"))

    @admin.action(
        description=_("Try again: forget the failed attempts of the selected problems"),
        permissions=["retry"],
    )
    def retry(self, request: HttpRequest, queryset: QuerySet[HintGeneration]) -> None:
        count = services.hint_generations_retry(generations=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s problem will get AI-written hints again.",
                "%(count)s problems will get AI-written hints again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
