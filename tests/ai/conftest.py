from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ai.fake_claude import FakeClaude


@pytest.fixture
def fake_claude(settings) -> Iterator[FakeClaude]:
    from decimal import Decimal

    from apps.billing.models import ModelPrice

    # The migration seeds this price; a transactional test may run after a flush removed it.
    ModelPrice.objects.get_or_create(
        provider="claude",
        model="claude-haiku-4-5",
        defaults={"input_usd_per_mtok": Decimal("1.00"), "output_usd_per_mtok": Decimal("5.00")},
    )
    fake = FakeClaude().start()
    settings.ANTHROPIC_API_KEY = "sk-test-local-fake"
    settings.ANTHROPIC_BASE_URL = fake.url
    settings.AI_MODEL = "claude-haiku-4-5"
    settings.AI_TIMEOUT_SECONDS = 0.5
    settings.AI_MAX_RETRIES = 0
    yield fake
    fake.stop()
