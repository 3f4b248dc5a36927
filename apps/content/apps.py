from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _forget_pools(**_kwargs: Any) -> None:
    from apps.content import cache

    cache.forget_pools()


class ContentConfig(AppConfig):
    name = "apps.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        # The services forget the selection pools when they change the library; a problem
        # deleted outright (the admin's delete) must not stay in them either.
        post_delete.connect(_forget_pools, sender="content.Problem", dispatch_uid="pools")
