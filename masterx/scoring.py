"""From graded tests to statistics: per provider and category quality, latency and cost.

- quality: the mean quality (0-100) of the category's tests; a test the provider failed counts 0;
- latency: p50 and p95 of the answered tests; cost: the mean cost of an answered test;
- the category's weights (quality, speed, cost; they sum to 1), applied by :func:`final_score`.

How these become a choice (uncertainty, tolerance, log-scaled speed and cost points) is
:mod:`masterx.policy`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from masterx.domain import Category

WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Weights:
    quality: float
    speed: float
    cost: float

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():
            if not 0 <= value <= 1:
                raise ValueError(f"weight {name}={value} is not in 0..1")
        total = self.quality + self.speed + self.cost
        if abs(total - 1) > WEIGHT_TOLERANCE:
            raise ValueError(f"weights must sum to 1 (quality+speed+cost = {total:g})")

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


# Coding follows the original plan (README, "Benchmarks"). Math: a wrong answer is worthless,
# so correctness dominates. Research answers are long (cost grows with them). Empathy: the tone
# of the answer matters far more than seconds or cents. General chat: cheap and fast answers
# matter most.
DEFAULT_WEIGHTS: dict[Category, Weights] = {
    Category.CODING: Weights(quality=0.5, speed=0.3, cost=0.2),
    Category.MATH: Weights(quality=0.6, speed=0.2, cost=0.2),
    Category.RESEARCH: Weights(quality=0.6, speed=0.15, cost=0.25),
    Category.LANGUAGE: Weights(quality=0.5, speed=0.3, cost=0.2),
    Category.EMPATHY: Weights(quality=0.7, speed=0.2, cost=0.1),
    Category.GENERAL: Weights(quality=0.4, speed=0.35, cost=0.25),
}


def stored_weights(quality: float, speed: float, cost: float) -> Weights | None:
    """Weights as a stored score carries them; None when missing or invalid (an imported score
    without weights, an older record)."""
    try:
        return Weights(quality=quality, speed=speed, cost=cost)
    except ValueError:
        return None


@dataclass(frozen=True)
class Measurement:
    """One test of one provider: its graded quality, and latency and cost when it answered."""

    quality: float
    latency_ms: float | None = None
    cost_usd: float | None = None

    @property
    def answered(self) -> bool:
        return self.latency_ms is not None


@dataclass(frozen=True)
class CategoryStats:
    quality: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    mean_cost_usd: float | None
    tests: int
    failed: int


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default), q in 0..100."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(measures: Sequence[Measurement]) -> CategoryStats:
    answered = [m for m in measures if m.answered]
    latencies = [m.latency_ms for m in answered if m.latency_ms is not None]
    costs = [m.cost_usd or 0.0 for m in answered]
    return CategoryStats(
        quality=sum(m.quality for m in measures) / len(measures) if measures else 0.0,
        latency_p50_ms=percentile(latencies, 50) if latencies else None,
        latency_p95_ms=percentile(latencies, 95) if latencies else None,
        mean_cost_usd=sum(costs) / len(costs) if costs else None,
        tests=len(measures),
        failed=len(measures) - len(answered),
    )


def final_score(quality: float, speed: float, cost: float, weights: Weights) -> float:
    """The weights applied to three 0-100 numbers, clamped to 0-100."""
    value = weights.quality * quality + weights.speed * speed + weights.cost * cost
    return max(0.0, min(100.0, value))
