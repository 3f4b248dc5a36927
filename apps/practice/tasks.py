"""Scheduled practice work (Celery beat)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.practice import services


@shared_task(name="practice.expire_sessions", ignore_result=True)
def expire_sessions() -> int:
    """Mark sessions past their time as abandoned (reads already show them so; idempotent)."""
    return services.sessions_expire(now=timezone.now())
