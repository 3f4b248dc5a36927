from decimal import Decimal

import factory

from apps.billing.models import CostRecord, ModelPrice
from tests.students.factories import StudentFactory


class ModelPriceFactory(factory.django.DjangoModelFactory[ModelPrice]):
    class Meta:
        model = ModelPrice
        django_get_or_create = ("provider", "model")

    provider = "claude"
    model = factory.Sequence(lambda n: f"claude-test-{n}")
    input_usd_per_mtok = Decimal("1.00")
    output_usd_per_mtok = Decimal("5.00")


class CostRecordFactory(factory.django.DjangoModelFactory[CostRecord]):
    class Meta:
        model = CostRecord

    student = factory.SubFactory(StudentFactory)
    operation = CostRecord.Operation.HINT_GENERATION
    provider = CostRecord.Provider.CLAUDE
    model = "claude-haiku-4-5"
    input_tokens = 500
    output_tokens = 200
    cost_usd = Decimal("0.001500")
