"""Seed the SMS price table (USD per segment through Twilio).

Defaults to correct in the admin (Billing → SMS prices) against Twilio's price list for the
account: Bangladesh (+880) and a fallback for every other destination (+), set high on purpose
so an unpriced country never looks cheaper than it is.
"""

from decimal import Decimal

from django.db import migrations

PRICES = {"+880": "0.3500", "+": "0.5000"}


def seed(apps, schema_editor):
    SmsPrice = apps.get_model("billing", "SmsPrice")
    for prefix, price in PRICES.items():
        SmsPrice.objects.get_or_create(
            provider="twilio", prefix=prefix, defaults={"usd_per_segment": Decimal(price)}
        )


def unseed(apps, schema_editor):
    apps.get_model("billing", "SmsPrice").objects.filter(
        provider="twilio", prefix__in=list(PRICES)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_sms_prices")]

    operations = [migrations.RunPython(seed, unseed)]
