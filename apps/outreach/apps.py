from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "apps.outreach"
    label = "outreach"
    verbose_name = _("Reminders and guardian reports")

    def ready(self) -> None:
        from django.core import checks

        checks.register(check_settings)


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """A malformed time or a non-positive size in the outreach settings stops start-up with a
    message naming it (instead of failing in the worker later)."""
    from django.conf import settings
    from django.core import checks

    from apps.outreach.domain import parse_local_time

    errors: list[Any] = []
    for name in ("REMINDER_DEFAULT_TIME", "GUARDIAN_REPORT_LOCAL_TIME"):
        try:
            parse_local_time(getattr(settings, name))
        except ValueError as error:
            errors.append(checks.Error(f"{name}: {error}", id="outreach.E001"))
    for name in (
        "REMINDER_CHECK_SECONDS",
        "REMINDER_BATCH_SIZE",
        "GUARDIAN_REPORT_CHECK_SECONDS",
        "GUARDIAN_REPORT_BATCH_SIZE",
        "GUARDIAN_REPORT_MIN_TOPIC_ANSWERS",
        "GUARDIAN_CODE_TTL_HOURS",
    ):
        if getattr(settings, name) < 1:
            errors.append(checks.Error(f"{name} must be 1 or more", id="outreach.E002"))
    return errors
