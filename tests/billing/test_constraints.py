"""The database itself holds the billing rules: each raw-SQL write below must be refused."""

import pytest

from tests.billing.factories import CostRecordFactory, ModelPriceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("cost_usd = -0.01", "ck_cost_records_cost_nonnegative"),
        ("operation = 'chat'", "ck_cost_records_operation_valid"),
        ("provider = 'openai'", "ck_cost_records_provider_valid"),
        ("input_tokens = -1", "ck_cost_records_tokens_nonnegative"),
        ("cache_read_input_tokens = -5", "ck_cost_records_tokens_nonnegative"),
    ],
)
def test_cost_record_check_constraints(db_rejects, assignment, constraint):
    record = CostRecordFactory.create()
    db_rejects(
        f"UPDATE cost_records SET {assignment} WHERE id = %s", [record.pk], expected=[constraint]
    )


def test_prices_are_nonnegative_and_one_per_model(db_rejects):
    price = ModelPriceFactory.create()
    db_rejects(
        "UPDATE model_prices SET output_usd_per_mtok = -1 WHERE id = %s",
        [price.pk],
        expected=["ck_model_prices_nonnegative"],
    )
    other = ModelPriceFactory.create()
    db_rejects(
        "UPDATE model_prices SET model = %s WHERE id = %s",
        [price.model, other.pk],
        expected=["uq_model_prices_model", "model_prices.provider"],
    )
