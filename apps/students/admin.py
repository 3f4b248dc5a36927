from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Guardian, GuardianStudent, ServiceAPIKey, Student, StudentToken


class GuardianLinkInline(admin.TabularInline):
    model = GuardianStudent
    extra = 0
    autocomplete_fields = ["guardian", "student"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["name", "telegram_id", "grade", "language", "timezone", "ability", "created_at"]
    list_filter = ["grade", "language", "timezone"]
    search_fields = ["name", "=telegram_id"]
    readonly_fields = ["ability", "rated_answers", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [GuardianLinkInline]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "telegram_id", "created_at"]
    search_fields = ["name", "phone", "email", "=telegram_id"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [GuardianLinkInline]


@admin.register(ServiceAPIKey)
class ServiceAPIKeyAdmin(admin.ModelAdmin):
    """Keys for the bot server. The key is shown once, right after it is created."""

    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ServiceAPIKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, raw = services.service_key_create(name=obj.name)
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = (
            key.pk,
            key.prefix,
            key.key_hash,
            key.created_at,
        )
        self.message_user(
            request,
            f"API key for {key.name!r}: {raw} — copy it now, it is not shown again. "
            "The bot sends it as the header 'Authorization: Api-Key <key>'.",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ServiceAPIKey]) -> None:
        count = services.service_keys_revoke(keys=queryset)
        self.message_user(request, f"{count} key(s) revoked.", messages.SUCCESS)


@admin.register(StudentToken)
class StudentTokenAdmin(admin.ModelAdmin):
    list_display = ["student", "via", "created_at", "expires_at", "revoked_at"]
    list_filter = ["via", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    fields = ["student", "via", "created_at", "expires_at", "revoked_at"]
    readonly_fields = ["student", "via", "created_at", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens come from sign-in only

    @admin.action(description="Revoke selected tokens (sign those devices out)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[StudentToken]) -> None:
        count = services.tokens_revoke(tokens=queryset)
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
