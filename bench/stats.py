"""Percentiles and pass/fail lines for the project's benchmarks."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def budget_line(name: str, value: float, limit: float, unit: str) -> str:
    verdict = "PASS" if value < limit else "FAIL"
    return f"{verdict} {name}: {value:.3f} {unit} (budget < {limit:g} {unit})"
