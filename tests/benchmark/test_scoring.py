"""Scoring properties: monotone in quality, weights summing to 1, statistics of graded tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterx.domain import Category
from masterx.scoring import (
    DEFAULT_WEIGHTS,
    CategoryStats,
    Measurement,
    Weights,
    final_score,
    percentile,
    summarise,
)
from services.benchmark.settings import BenchmarkSettings

scores = st.floats(min_value=0, max_value=100)


@st.composite
def weights(draw: st.DrawFn) -> Weights:
    quality = draw(st.floats(min_value=0, max_value=1))
    speed = draw(st.floats(min_value=0, max_value=1 - quality))
    return Weights(quality=quality, speed=speed, cost=max(0.0, 1 - quality - speed))


def test_default_weights_cover_every_category_and_follow_the_plan_for_coding() -> None:
    assert set(DEFAULT_WEIGHTS) == set(Category)
    assert DEFAULT_WEIGHTS[Category.CODING] == Weights(quality=0.5, speed=0.3, cost=0.2)
    for value in DEFAULT_WEIGHTS.values():
        assert sum(value.as_dict().values()) == pytest.approx(1)


@given(weights())
def test_weights_sum_to_one(w: Weights) -> None:
    assert w.quality + w.speed + w.cost == pytest.approx(1, abs=1e-6)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_weights_that_do_not_sum_to_one_are_rejected(q: float, s: float, c: float) -> None:
    if abs(q + s + c - 1) <= 1e-6:
        assert Weights(q, s, c)
    else:
        with pytest.raises(ValueError, match="sum to 1"):
            Weights(q, s, c)


def test_weights_are_overridable_per_category_and_validated() -> None:
    settings = BenchmarkSettings(
        benchmark_weights={"math": {"quality": 0.8, "speed": 0.1, "cost": 0.1}},
    )
    assert settings.benchmark_weights[Category.MATH] == Weights(0.8, 0.1, 0.1)
    assert settings.benchmark_weights[Category.CODING] == DEFAULT_WEIGHTS[Category.CODING]
    with pytest.raises(ValueError, match="sum to 1"):
        BenchmarkSettings(
            benchmark_weights={"math": {"quality": 0.8, "speed": 0.8, "cost": 0.1}},
        )


@given(weights(), scores, scores, scores, scores)
def test_the_final_score_is_monotone_in_quality(
    w: Weights,
    low: float,
    high: float,
    speed: float,
    cost: float,
) -> None:
    low, high = min(low, high), max(low, high)
    assert final_score(low, speed, cost, w) <= final_score(high, speed, cost, w) + 1e-9
    assert 0 <= final_score(high, speed, cost, w) <= 100


@given(st.lists(st.floats(0, 1e5), min_size=1, max_size=50), st.floats(0, 100))
def test_percentiles_lie_within_the_data(values: list[float], q: float) -> None:
    assert min(values) <= percentile(values, q) <= max(values)


def test_a_failed_test_counts_zero_quality_and_no_latency() -> None:
    stats = summarise([Measurement(100, 100.0, 0.002), Measurement(0)])
    assert stats == CategoryStats(
        quality=50, latency_p50_ms=100, latency_p95_ms=100, mean_cost_usd=0.002, tests=2, failed=1
    )
