from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.core.health import healthz
from apps.core.language import set_staff_language
from apps.core.views import favicon
from apps.outreach import api as outreach_api
from apps.practice import api as practice_api
from apps.students import api as students_api


class IdConverter:
    """A database id: at most 18 digits, so it always fits PostgreSQL's bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

admin.site.site_header = _("Dars administration")
admin.site.site_title = _("Dars admin")
admin.site.index_title = _("Content studio")

api_v1 = [
    path("auth/telegram/", students_api.TelegramSignInView.as_view(), name="auth-telegram"),
    path("auth/bot/", students_api.BotSignInView.as_view(), name="auth-bot"),
    path("auth/token/", students_api.TokenView.as_view(), name="auth-token"),
    path("me/", students_api.MeView.as_view(), name="me"),
    path("sessions/", practice_api.SessionListView.as_view(), name="sessions"),
    path("sessions/<id:session_id>/", practice_api.SessionDetailView.as_view(), name="session"),
    path(
        "sessions/<id:session_id>/answers/",
        practice_api.SessionAnswerView.as_view(),
        name="session-answers",
    ),
    path(
        "sessions/<id:session_id>/hints/",
        practice_api.SessionHintView.as_view(),
        name="session-hints",
    ),
    path("streak/", practice_api.StreakView.as_view(), name="streak"),
    path("streak/calendar/", practice_api.StreakCalendarView.as_view(), name="streak-calendar"),
    path("progress/", practice_api.ProgressView.as_view(), name="progress"),
    path("mistakes/", practice_api.MistakeListView.as_view(), name="mistakes"),
    path("guardian-code/", outreach_api.GuardianCodeView.as_view(), name="guardian-code"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/language/", set_staff_language, name="set-staff-language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("app/", include("apps.miniapp.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up script as a file: no inline script (CSP).
    path("telegram/webhook/", include("apps.bot.urls")),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "apps.core.api.json_or_html_404"
handler500 = "apps.core.api.json_or_html_500"
