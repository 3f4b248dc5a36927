# Every rated answer updates the student's row (ability, rated answers), which no index
# covers: with room left on each page that update needs no index write.

from django.db import migrations

from apps.core.migration_ops import fillfactor


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0006_guardian_channels_and_consent"),
    ]

    operations = [fillfactor("students", 90)]
