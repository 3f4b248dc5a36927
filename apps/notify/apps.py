import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "apps.notify"
    label = "notify"
    verbose_name = _("Messages")

    def ready(self) -> None:
        # python-telegram-bot 22 gives durations (RetryAfter.retry_after, …) as timedeltas
        # when this is on, as its next major version will; off, it warns on every access.
        os.environ.setdefault("PTB_TIMEDELTA", "true")
