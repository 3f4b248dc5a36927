from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessedUpdate(models.Model):
    """A Telegram update the bot has handled. Telegram delivers an update again until the
    webhook answers 200, so an update's effects and this row commit together, and the unique
    `update_id` turns a second delivery into nothing (README, "The Telegram bot")."""

    update_id = models.BigIntegerField(_("update id"))
    processed_at = models.DateTimeField(_("processed at"))

    class Meta:
        db_table = "bot_processed_updates"
        ordering = ["-processed_at"]
        verbose_name = _("processed Telegram update")
        verbose_name_plural = _("processed Telegram updates")
        constraints = [
            models.UniqueConstraint(
                fields=["update_id"], name="uq_bot_processed_updates_update_id"
            ),
        ]
        indexes = [models.Index(fields=["processed_at"], name="idx_bot_updates_processed_at")]

    def __str__(self) -> str:
        return f"update {self.update_id}"
