from django.contrib import admin

from .models import Guardian, GuardianStudent, Student


class GuardianLinkInline(admin.TabularInline):
    model = GuardianStudent
    extra = 0
    autocomplete_fields = ["guardian", "student"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["name", "telegram_id", "grade", "language", "timezone", "created_at"]
    list_filter = ["grade", "language", "timezone"]
    search_fields = ["name", "=telegram_id"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [GuardianLinkInline]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "telegram_id", "created_at"]
    search_fields = ["name", "phone", "email", "=telegram_id"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [GuardianLinkInline]
