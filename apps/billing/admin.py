from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from .models import AIJudgement, CostRecord, ModelPrice
from .selectors import cost_report, parse_month


@admin.register(ModelPrice)
class ModelPriceAdmin(admin.ModelAdmin):
    list_display = [
        "provider",
        "model",
        "input_usd_per_mtok",
        "output_usd_per_mtok",
        "cache_write_usd_per_mtok",
        "cache_read_usd_per_mtok",
        "updated_at",
    ]
    list_filter = ["provider"]
    search_fields = ["model"]


@admin.register(CostRecord)
class CostRecordAdmin(admin.ModelAdmin):
    list_display = [
        "recorded_at",
        "operation",
        "model",
        "student",
        "problem",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "succeeded",
    ]
    list_filter = ["operation", "provider", "model", "succeeded"]
    list_select_related = ["student", "problem"]
    search_fields = ["model", "error", "student__name", "=student__telegram_id", "problem__code"]
    raw_id_fields = ["student", "session", "problem"]
    date_hierarchy = "recorded_at"
    change_list_template = "admin/billing/costrecord_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        report = path(
            "report/",
            self.admin_site.admin_view(self.report_view),
            name="billing_costrecord_report",
        )
        return [report, *super().get_urls()]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        try:
            month = parse_month(request.GET["month"]) if request.GET.get("month") else None
        except ValueError as exc:
            self.message_user(request, str(exc), level="error")
            month = None
        report = cost_report(month=month or timezone.localdate())
        peak = max((cost for _, cost in report.daily), default=0) or 1
        context = {
            **self.admin_site.each_context(request),
            "title": "AI spend report",
            "report": report,
            "daily_bars": [(day, cost, round(100 * cost / peak, 1)) for day, cost in report.daily],
            "sections": [("By operation", report.by_operation), ("By model", report.by_model)],
        }
        return TemplateResponse(request, "admin/billing/cost_report.html", context)


@admin.register(AIJudgement)
class AIJudgementAdmin(admin.ModelAdmin):
    list_display = ["problem", "normalised_answer", "is_correct", "model", "created_at"]
    list_filter = ["is_correct", "model"]
    list_select_related = ["problem"]
    search_fields = ["problem__code", "normalised_answer", "reason"]
    raw_id_fields = ["problem"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # verdicts come from the model; a wrong one can be deleted or edited
