from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MiniappConfig(AppConfig):
    name = "apps.miniapp"
    label = "miniapp"
    verbose_name = _("Mini App")
