"""Charts drawn on the server as SVG shapes: no chart library, no inline styles (CSP-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Bar:
    """One bar of a chart 100 units high, one unit wide per bar."""

    label: Any
    value: float | Decimal
    x: float
    y: float
    height: float

    # The template's names for the label and value of a daily chart.
    @property
    def day(self) -> Any:
        return self.label

    @property
    def cost(self) -> float | Decimal:
        return self.value


def bars(points: Sequence[tuple[Any, float | Decimal]], *, peak: float | None = None) -> list[Bar]:
    """Bars scaled to `peak` (default: the largest value); a zero value gets a 0.5-unit sliver."""
    peak = peak or max((float(value) for _, value in points), default=0.0) or 1.0
    out = []
    for index, (label, value) in enumerate(points):
        height = max(0.5, round(100 * float(value) / peak, 2))
        out.append(
            Bar(label=label, value=value, x=index + 0.1, y=round(100 - height, 2), height=height)
        )
    return out
