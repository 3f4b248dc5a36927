"""What an AI call costs (pure Python, Decimal): tokens × the model's price per million."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MILLION = Decimal(1_000_000)
MICRODOLLAR = Decimal("0.000001")  # cost_usd is stored with 6 decimal places


@dataclass(frozen=True)
class Price:
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    cache_write_per_mtok: Decimal = Decimal(0)
    cache_read_per_mtok: Decimal = Decimal(0)


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0


def cost_usd(usage: TokenUsage, price: Price) -> Decimal:
    total = (
        usage.input_tokens * price.input_per_mtok
        + usage.output_tokens * price.output_per_mtok
        + usage.cache_creation_input_tokens * price.cache_write_per_mtok
        + usage.cache_read_input_tokens * price.cache_read_per_mtok
    ) / MILLION
    return total.quantize(MICRODOLLAR, rounding=ROUND_HALF_UP)


def estimate_tokens(text: str) -> int:
    """A cautious token estimate for budgeting before a call: Bengali script costs far more
    tokens per character than English, so count UTF-8 bytes / 3 (never below chars / 4)."""
    return max(len(text.encode()) // 3, len(text) // 4) + 1
