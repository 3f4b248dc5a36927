"""Guardians, tokens and service keys. A student's own page is in the practice app's admin
(it shows their practice, which lives above this app)."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Guardian, GuardianStudent, ServiceAPIKey, StudentToken


class GuardianLinkInline(admin.TabularInline):
    model = GuardianStudent
    extra = 0
    autocomplete_fields = ["guardian", "student"]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    """Guardians and the students they follow. apps.outreach extends this page (SMS consent,
    stopping the reports, entering a link code, the test report)."""

    list_display = [
        "name",
        "phone",
        "telegram_id",
        "language",
        "timezone",
        "sms_consent_at",
        "reports_stopped_at",
        "created_at",
    ]
    list_filter = [
        "language",
        ("sms_consent_at", admin.EmptyFieldListFilter),
        ("reports_stopped_at", admin.EmptyFieldListFilter),
    ]
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
            gettext(
                "API key for “%(name)s”: %(key)s — copy it now, it is not shown again. The bot "
                "sends it as the header “Authorization: Api-Key <key>”."
            )
            % {"name": key.name, "key": raw},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ServiceAPIKey]) -> None:
        count = services.service_keys_revoke(keys=queryset)
        self.message_user(
            request,
            ngettext("%(count)s key revoked.", "%(count)s keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


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

    @admin.action(
        description=_("Revoke selected tokens (sign those devices out)"), permissions=["change"]
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet[StudentToken]) -> None:
        count = services.tokens_revoke(tokens=queryset)
        self.message_user(
            request,
            ngettext("%(count)s token revoked.", "%(count)s tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
