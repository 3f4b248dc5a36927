"""Scheduled analytics work (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from apps.analytics import services
from apps.core.errors import Conflict


@shared_task(name="analytics.refresh_stats", ignore_result=True)
def refresh_stats() -> int:
    """Recount the problems answered or edited since the last refresh; skipped while another
    refresh runs. Returns the number of problems recounted."""
    try:
        return services.stats_refresh().problems_touched
    except Conflict:
        return 0
