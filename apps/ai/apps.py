from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AiConfig(AppConfig):
    name = "apps.ai"
    label = "ai"
    verbose_name = _("AI help")

    def ready(self) -> None:
        # Practice sits below this app and does not import it: it asks for AI help through
        # the two hooks it publishes, which are plugged in here.
        from apps.ai import hooks
        from apps.practice import extensions

        extensions.register(text_judge=hooks.judge_text_answer, hint_writer=hooks.request_hints)
