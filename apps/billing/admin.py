"""Money in the admin: prices (editable, they are data), cost records and the spend report
(read-only, and only for staff allowed to see costs)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.admin_tools import ReadOnlyAdminMixin
from apps.core.charts import bars

from .models import CostRecord, ModelPrice, SmsPrice
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


@admin.register(SmsPrice)
class SmsPriceAdmin(admin.ModelAdmin):
    """USD per SMS segment by destination prefix (the longest matching prefix is used)."""

    list_display = ["provider", "prefix", "usd_per_segment", "updated_at"]
    list_filter = ["provider"]
    search_fields = ["prefix"]
    ordering = ["provider", "prefix"]


@admin.register(CostRecord)
class CostRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What every external call cost. Written only by the calls themselves: read-only here."""

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
        if not self.has_view_permission(request):
            raise PermissionDenied  # the report names students and what they cost
        try:
            month = parse_month(request.GET["month"]) if request.GET.get("month") else None
        except ValueError as exc:
            self.message_user(request, str(exc), level="error")
            month = None
        report = cost_report(month=month or timezone.localdate())
        daily = bars([(day, cost) for day, cost in report.daily])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("AI spend report"),
            "opts": self.model._meta,
            "report": report,
            "daily_bars": daily,
            "chart_width": max(len(daily), 1),
            "sections": [
                (_("By operation"), report.by_operation),
                (_("By model"), report.by_model),
            ],
        }
        return TemplateResponse(request, "admin/billing/cost_report.html", context)
