"""The SMS price table: the database holds its rules, the migration seeds Bangladesh and a
fallback, and a guardian's SMS costs stay on the books when the guardian is deleted."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from apps.billing import services as billing
from apps.billing.models import CostRecord, SmsPrice
from tests.billing.factories import CostRecordFactory
from tests.students.factories import GuardianFactory

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_bangladesh_and_a_fallback():
    """Run as the migration runs it (a transactional test before this one may have flushed
    what the migration wrote into the test database)."""
    seed = importlib.import_module("apps.billing.migrations.0007_seed_sms_prices")
    SmsPrice.objects.all().delete()
    seed.seed(django_apps, None)
    seeded = dict(SmsPrice.objects.values_list("prefix", "usd_per_segment"))
    assert seeded == {"+880": Decimal("0.3500"), "+": Decimal("0.5000")}
    seed.seed(django_apps, None)  # again: nothing doubled, nothing changed
    assert SmsPrice.objects.count() == 2


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("prefix = '880'", "ck_sms_prices_prefix_format"),
        ("prefix = '+88a'", "ck_sms_prices_prefix_format"),
        ("prefix = '+1 2'", "ck_sms_prices_prefix_format"),
        ("prefix = ''", "ck_sms_prices_prefix_format"),
        ("usd_per_segment = -0.01", "ck_sms_prices_nonnegative"),
        ("provider = 'nexmo'", "ck_sms_prices_provider_valid"),
    ],
)
def test_sms_price_check_constraints(db_rejects, assignment, constraint):
    price = SmsPrice.objects.create(prefix="+91", usd_per_segment=Decimal("0.01"))
    db_rejects(
        f"UPDATE sms_prices SET {assignment} WHERE id = %s", [price.pk], expected=[constraint]
    )


def test_one_price_per_prefix(db_rejects):
    price = SmsPrice.objects.create(prefix="+91", usd_per_segment=Decimal("0.01"))
    db_rejects(
        "INSERT INTO sms_prices (provider, prefix, usd_per_segment, updated_at) "
        "VALUES ('twilio', %s, 0.02, CURRENT_TIMESTAMP)",
        [price.prefix],
        expected=["uq_sms_prices_prefix", "sms_prices.provider"],
    )


def test_a_deleted_guardians_sms_costs_stay_on_the_books():
    guardian = GuardianFactory.create()
    record = CostRecordFactory.create(
        guardian=guardian, operation="notification", provider="twilio", model="sms"
    )
    guardian.delete()
    kept = CostRecord.objects.get(pk=record.pk)
    assert kept.guardian is None and kept.cost_usd == record.cost_usd


def test_sms_spend_does_not_use_up_the_ai_budgets(settings):
    """A guardian's report SMS about a student is not that student's AI spend."""
    settings.AI_STUDENT_MONTHLY_BUDGET_USD = Decimal("0.10")
    settings.AI_GLOBAL_MONTHLY_BUDGET_USD = Decimal("1.00")
    now = timezone.now()
    sms = CostRecordFactory.create(
        operation="notification", provider="twilio", model="sms", cost_usd=Decimal("5.00")
    )
    student = sms.student
    assert billing.budget_allows(student=student, estimate=Decimal("0.01"), now=now)
    CostRecordFactory.create(student=student, cost_usd=Decimal("0.095"))
    assert not billing.budget_allows(student=student, estimate=Decimal("0.01"), now=now)
    spend = billing.month_spend(student=None, now=now, operations=["notification"])
    assert spend.total == Decimal("5.00")


def test_the_ai_spend_report_leaves_sms_out(capsys):
    ai = CostRecordFactory.create(cost_usd=Decimal("0.002000"))
    CostRecordFactory.create(
        student=ai.student,
        operation="notification",
        provider="twilio",
        model="sms",
        cost_usd=Decimal("0.350000"),
    )
    call_command("cost_report", month=timezone.localdate().strftime("%Y-%m"))
    out = capsys.readouterr().out
    assert "$0.002000 in 1 calls" in out
    assert "notification" not in out and "0.350000" not in out
