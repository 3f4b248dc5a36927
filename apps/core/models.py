from django.db import models
from django.db.models.functions import Now


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed (stored in UTC).

    `db_default` lets the database fill the timestamps when a row arrives without them (fixtures
    loaded with `loaddata`, raw SQL), so the columns are never NULL.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        abstract = True
