"""Scheduled bot work (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from apps.bot import services


@shared_task(name="bot.prune_updates", ignore_result=True)
def prune_updates() -> int:
    """Forget handled updates older than BOT_PROCESSED_UPDATES_KEEP_DAYS (idempotent)."""
    return services.processed_updates_prune()
