from django.contrib import admin

from .models import CostRecord, ModelPrice


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
        "provider",
        "model",
        "student",
        "input_tokens",
        "output_tokens",
        "cost_usd",
    ]
    list_filter = ["operation", "provider", "model"]
    list_select_related = ["student"]
    search_fields = ["model", "student__name", "=student__telegram_id"]
    raw_id_fields = ["student", "session"]
    date_hierarchy = "recorded_at"
