from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Dars")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from apps.core import timestamps

        connection_created.connect(timestamps.register, dispatch_uid="dars-timestamptz-loader")
