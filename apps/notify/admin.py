"""The messages log: every message Dars sent or tried to send, read-only; staff who may change
messages can send failed or skipped ones again."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.admin_tools import ReadOnlyAdminMixin
from apps.notify import services
from apps.notify.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "kind",
        "to",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["to"]
    list_select_related = False
    date_hierarchy = "created_at"
    show_full_result_count = False  # the log grows without end; no COUNT(*) of all of it
    actions = ["send_again"]
    fields = [
        "channel",
        "kind",
        "to",
        "student",
        "guardian",
        "text",
        "reply_markup",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "provider_message_id",
        "segments",
        "dedupe_key",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("error"))
    def error(self, message: OutgoingMessage) -> str:
        return Truncator(message.last_error).chars(80)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notify.change_outgoingmessage")

    @admin.action(
        description=_("Send the selected failed or skipped messages again"),
        permissions=["retry"],
    )
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingMessage]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        count = services.messages_retry(message_ids=selected)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again (only failed or skipped messages are sent again).",
                "%(count)d messages queued again (only failed or skipped messages are sent again).",
                count,
            )
            % {"count": count},
        )
