from django.db import migrations


class Migration(migrations.Migration):
    """AI judgements now belong to the `ai` app. Its table (`ai_judgements`) and rows stay where
    they are: only Django's record of which app owns the model changes (ai.0001 takes it)."""

    dependencies = [
        ("billing", "0003_seed_prices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AIJudgement")],
            database_operations=[],
        ),
    ]
