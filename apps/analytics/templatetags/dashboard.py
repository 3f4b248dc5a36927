"""`{% dashboard %}`: the admin index's dashboard (apps.analytics.reports)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from apps.analytics import reports
from apps.core.charts import bars

register = template.Library()


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{number_format(100 * value, 0)}%"


@register.inclusion_tag("admin/analytics/dashboard.html", takes_context=True)
def dashboard(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    if not user.has_perm("content.view_problem"):
        return {"show": False}
    report = reports.dashboard()
    sees_spend = user.has_perm("billing.view_costrecord")
    days = report.days
    charts = [
        ("active", _("Active students"), bars([(d.day, d.active_students) for d in days]), "{}"),
        ("sessions", _("Sessions completed"), bars([(d.day, d.sessions) for d in days]), "{}"),
        (
            "accuracy",
            _("Accuracy"),
            bars([(d.day, d.accuracy or 0.0) for d in days], peak=1.0),
            "%",
        ),
    ]
    if sees_spend:
        charts.append(
            ("spend", _("AI spend (USD)"), bars([(d.day, d.spend_usd) for d in days]), "$")
        )
    today = report.today
    return {
        "show": True,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "today": today,
        "accuracy": _percent(today.accuracy),
        "hints": "—"
        if today.hints_per_answer is None
        else number_format(today.hints_per_answer, 2),
        "sees_spend": sees_spend,
        "charts": charts,
        "first_day": days[0].day,
        "last_day": days[-1].day,
        "chart_width": len(days),
        "streaks": bars(report.streaks),
        "streak_width": len(report.streaks),
        "attention": report.attention,
        "last_refresh": report.last_refresh,
    }
