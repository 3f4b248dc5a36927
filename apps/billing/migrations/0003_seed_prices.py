"""Seed the price table (USD per million tokens, Anthropic's list prices).

Prices are data: operators correct them in the admin (Billing → Model prices) when they change.
"""

from decimal import Decimal

from django.db import migrations

PRICES = {
    # model: (input, output, cache write, cache read)
    "claude-haiku-4-5": ("1.00", "5.00", "1.25", "0.10"),
    "claude-sonnet-4-5": ("3.00", "15.00", "3.75", "0.30"),
    "claude-opus-4-1": ("15.00", "75.00", "18.75", "1.50"),
}


def seed(apps, schema_editor):
    ModelPrice = apps.get_model("billing", "ModelPrice")
    for model, (inp, out, write, read) in PRICES.items():
        ModelPrice.objects.get_or_create(
            provider="claude",
            model=model,
            defaults={
                "input_usd_per_mtok": Decimal(inp),
                "output_usd_per_mtok": Decimal(out),
                "cache_write_usd_per_mtok": Decimal(write),
                "cache_read_usd_per_mtok": Decimal(read),
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("billing", "ModelPrice").objects.filter(
        provider="claude", model__in=list(PRICES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_ai")]

    operations = [migrations.RunPython(seed, unseed)]
