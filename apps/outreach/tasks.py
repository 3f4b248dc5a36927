"""Scheduled outreach (Celery beat): streak reminders and weekly guardian reports."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from apps.outreach import services


@shared_task(name="outreach.send_reminders", ignore_result=True)
def send_reminders() -> int:
    """Queue today's reminder to every student past their reminder time who has not practised
    (idempotent: one reminder per student per local date)."""
    return services.reminders_send(now=timezone.now())


@shared_task(name="outreach.send_guardian_reports", ignore_result=True)
def send_guardian_reports() -> int:
    """Queue this week's report to every guardian it is due to (idempotent: one per guardian
    per ISO week)."""
    return services.guardian_reports_send(now=timezone.now())
