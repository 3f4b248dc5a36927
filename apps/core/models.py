from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed (stored in UTC).

    `db_default` lets the database fill the timestamps when a row arrives without them (fixtures
    loaded with `loaddata`, raw SQL), so the columns are never NULL.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now())

    class Meta:
        abstract = True


class StaffPreference(models.Model):
    """A staff member's own choices for the admin: for now, its language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dars_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)

    class Meta:
        db_table = "staff_preferences"
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
