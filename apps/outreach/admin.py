"""Reminders and weekly reports in the admin: the guardian page gains SMS consent, stopping the
reports, entering a link code and "send test report"; reminders and reports are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from apps.core.admin_tools import ReadOnlyAdminMixin
from apps.core.errors import DarsError
from apps.outreach import domain, selectors, services
from apps.outreach.errors import LinkCodeError
from apps.outreach.models import GuardianReport, LinkCode, Reminder, ReminderSetting
from apps.practice.admin import StudentAdmin as PracticeStudentAdmin
from apps.students.admin import GuardianAdmin as StudentsGuardianAdmin
from apps.students.models import Guardian, GuardianStudent, Student


class GuardianForm(forms.ModelForm):
    sms_consent = forms.BooleanField(
        label=_("Agreed to receive reports by SMS"),
        required=False,
        help_text=_("Ticking it records the time of consent; SMS are sent only with consent."),
    )
    reports_stopped = forms.BooleanField(
        label=_("Reports stopped"),
        required=False,
        help_text=_("The guardian asked to receive no more weekly reports."),
    )
    link_code = forms.CharField(
        label=_("Link a student by code"),
        required=False,
        max_length=domain.LINK_CODE_MAX_INPUT,
        help_text=_("The code the student got from the bot (/guardian) or the Mini App."),
    )
    link_relationship = forms.ChoiceField(
        label=_("Relationship to that student"),
        choices=GuardianStudent.Relationship.choices,
        initial=GuardianStudent.Relationship.GUARDIAN,
        required=False,
    )

    class Meta:
        model = Guardian
        fields = ["name", "phone", "email", "telegram_id", "language", "timezone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["sms_consent"].initial = self.instance.sms_consent_at is not None
            self.fields["reports_stopped"].initial = self.instance.reports_stopped_at is not None

    def clean_link_code(self) -> str:
        text = self.cleaned_data.get("link_code") or ""
        if text.strip():
            try:
                selectors.link_code_usable(code=text, now=timezone.now())
            except LinkCodeError as error:
                raise forms.ValidationError(str(error)) from None
        return text.strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sms_consent") and not data.get("phone"):
            self.add_error("sms_consent", gettext("SMS consent needs a phone number."))
        if (
            not data.get("phone")
            and data.get("telegram_id") is None
            and not self.has_error("phone")
        ):
            self.add_error("phone", gettext("A guardian needs a phone number or a Telegram id."))
        return data


class GuardianReportInline(admin.TabularInline):
    model = GuardianReport
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = (
        "week",
        "period_start",
        "period_end",
        "channel",
        "skipped",
        "created_at",
    )
    ordering = ["-week"]
    verbose_name_plural = _("weekly reports (latest first)")


class GuardianAdmin(StudentsGuardianAdmin):
    form = GuardianForm
    fieldsets = [
        (None, {"fields": ["name", "phone", "email", "telegram_id", "language", "timezone"]}),
        (
            _("Weekly report"),
            {
                "fields": [
                    ("sms_consent", "sms_consent_at"),
                    ("reports_stopped", "reports_stopped_at"),
                ]
            },
        ),
        (_("Link a student"), {"fields": ["link_code", "link_relationship"]}),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]
    readonly_fields = ["sms_consent_at", "reports_stopped_at", "created_at", "updated_at"]
    inlines = [*StudentsGuardianAdmin.inlines, GuardianReportInline]
    actions = ["send_test_report"]

    def save_model(self, request: HttpRequest, obj: Guardian, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        services.guardian_choices_set(
            guardian=obj, sms_consent=data["sms_consent"], reports_stopped=data["reports_stopped"]
        )
        if data.get("link_code"):
            try:
                link = services.guardian_link_by_code(
                    guardian=obj,
                    code=data["link_code"],
                    relationship=data.get("link_relationship") or "guardian",
                )
            except LinkCodeError as error:  # used or expired since the form was read
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(guardian)s now receives reports about %(student)s.")
                    % {"guardian": obj.name, "student": link.student.name},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Send a test report now"), permissions=["change"])
    def send_test_report(self, request: HttpRequest, queryset: QuerySet[Guardian]) -> None:
        sent = 0
        for guardian in queryset:
            try:
                services.guardian_test_report_send(guardian=guardian)
            except DarsError as error:
                self.message_user(request, f"{guardian.name}: {error.message}", messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A test report was queued for %(count)s guardian.",
                    "A test report was queued for %(count)s guardians.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )


admin.site.unregister(Guardian)
admin.site.register(Guardian, GuardianAdmin)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["student", "local_date", "kind", "streak", "created_at"]
    list_filter = ["kind", "local_date"]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    date_hierarchy = "created_at"


@admin.register(GuardianReport)
class GuardianReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["guardian", "week", "channel", "skipped", "created_at"]
    list_filter = ["channel", "skipped", "week"]
    list_select_related = ["guardian"]
    search_fields = ["guardian__name", "guardian__phone", "=guardian__telegram_id"]
    fields = ["guardian", "week", "period_start", "period_end", "channel", "skipped", "text"]


@admin.register(LinkCode)
class LinkCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "student", "created_at", "expires_at", "used_at", "used_by"]
    list_filter = [("used_at", admin.EmptyFieldListFilter)]
    list_select_related = ["student", "used_by"]
    search_fields = ["=code", "student__name", "=student__telegram_id"]


class ReminderSettingInline(admin.StackedInline):
    """The student's reminder on their page (none: REMINDER_DEFAULT_TIME, on)."""

    model = ReminderSetting
    fields = ["enabled", "remind_at"]
    extra = 1
    max_num = 1
    can_delete = False


class StudentAdmin(PracticeStudentAdmin):
    inlines = [*PracticeStudentAdmin.inlines, ReminderSettingInline]


admin.site.unregister(Student)
admin.site.register(Student, StudentAdmin)


@admin.register(ReminderSetting)
class ReminderSettingAdmin(admin.ModelAdmin):
    """Students' own reminder times (a student without one is reminded at
    REMINDER_DEFAULT_TIME)."""

    list_display = ["student", "enabled", "remind_at", "updated_at"]
    list_filter = ["enabled"]
    list_select_related = ["student"]
    search_fields = ["student__name", "=student__telegram_id"]
    autocomplete_fields = ["student"]
