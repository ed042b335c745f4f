"""The quality-first policy: uncertainty, the tolerance band, log-scaled speed and cost."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from masterx.policy import (
    COST_FLOOR_USD,
    Evidence,
    QualityPolicy,
    assess,
    assured_quality,
    log_points,
    standard_error,
)
from masterx.scoring import Weights

WEIGHTS = Weights(quality=0.5, speed=0.3, cost=0.2)
qualities = st.floats(0, 100)
test_counts = st.integers(1, 5000)
latencies = st.floats(1, 60_000)
costs = st.floats(0, 10)


@st.composite
def evidence(draw: st.DrawFn) -> Evidence:
    return Evidence(
        quality=draw(qualities),
        tests=draw(st.integers(0, 2000)),
        latency_ms=draw(st.one_of(st.none(), latencies)),
        cost_usd=draw(st.one_of(st.none(), costs)),
    )


@given(qualities, test_counts, st.integers(1, 5000))
def test_more_tests_never_widen_the_uncertainty(quality: float, tests: int, more: int) -> None:
    assert standard_error(quality, tests + more) <= standard_error(quality, tests) + 1e-12


@given(qualities, test_counts)
def test_the_uncertainty_is_positive_and_at_most_fifty_points(quality: float, tests: int) -> None:
    assert 0 < standard_error(quality, tests) <= 50.0
    assert standard_error(quality, 0) == 50.0


def test_a_perfect_three_of_three_is_not_certain() -> None:
    assert standard_error(100.0, 3) == pytest.approx(100 * math.sqrt((5 / 7) * (2 / 7) / 3))
    assert assured_quality(100.0, standard_error(100.0, 3)) < 75


def test_a_ten_times_price_costs_points_per_decade() -> None:
    cheap, dear = 0.001, 0.01
    assert log_points(cheap, cheap, 50, COST_FLOOR_USD) == 100
    assert log_points(dear, cheap, 50, COST_FLOOR_USD) == pytest.approx(50, abs=0.3)
    assert log_points(2 * cheap, cheap, 50, COST_FLOOR_USD) == pytest.approx(85, abs=0.3)
    assert log_points(1000 * cheap, cheap, 50, COST_FLOOR_USD) == 0
    assert log_points(None, cheap, 50, COST_FLOOR_USD) == 0


@given(st.lists(latencies, min_size=2, max_size=6))
def test_log_points_are_bounded_and_lower_is_better(values: list[float]) -> None:
    best = min(values)
    points = [log_points(v, best, 50, 1.0) for v in values]
    assert all(0 <= p <= 100 for p in points)
    for a, pa in zip(values, points, strict=True):
        for b, pb in zip(values, points, strict=True):
            if a <= b:
                assert pa >= pb


@given(st.dictionaries(st.sampled_from("abcdef"), evidence(), min_size=1, max_size=6))
def test_the_best_is_always_within_the_tolerance(measured: dict[str, Evidence]) -> None:
    assessed = assess(measured, WEIGHTS, QualityPolicy())
    best = max(assessed, key=lambda n: (assessed[n].assured, assessed[n].quality))
    assert assessed[best].within_tolerance
    assert all(0 <= a.final <= 100 for a in assessed.values())


def test_one_lucky_test_does_not_split_providers_measured_alike() -> None:
    measured = {
        "lucky": Evidence(quality=100 * 12 / 13, tests=13, latency_ms=50, cost_usd=0.01),
        "cheap": Evidence(quality=100 * 11 / 13, tests=13, latency_ms=50, cost_usd=0.001),
    }
    assessed = assess(measured, WEIGHTS, QualityPolicy(tolerance_relative=0.0))
    assert assessed["cheap"].within_tolerance
    assert assessed["cheap"].final > assessed["lucky"].final  # the cost decides


def test_a_provider_with_few_tests_does_not_displace_one_measured_well() -> None:
    measured = {
        "measured": Evidence(quality=85.0, tests=100, latency_ms=50, cost_usd=0.01),
        "two_of_two": Evidence(quality=100.0, tests=2, latency_ms=5, cost_usd=0.0001),
    }
    assessed = assess(measured, WEIGHTS, QualityPolicy())
    assert assessed["measured"].within_tolerance
    assert not assessed["two_of_two"].within_tolerance


def test_a_clearly_worse_provider_is_outside_the_tolerance() -> None:
    measured = {
        "good": Evidence(quality=90.0, tests=500, latency_ms=400, cost_usd=0.03),
        "cheap": Evidence(quality=80.0, tests=500, latency_ms=40, cost_usd=0.0003),
    }
    assessed = assess(measured, WEIGHTS, QualityPolicy())
    assert not assessed["cheap"].within_tolerance
    assert assessed["cheap"].final > assessed["good"].final  # it would win on the weights alone


def test_the_reference_is_the_best_admitted_provider() -> None:
    measured = {
        "down": Evidence(quality=99.0, tests=500, latency_ms=40, cost_usd=0.01),
        "up": Evidence(quality=70.0, tests=500, latency_ms=40, cost_usd=0.01),
    }
    assert not assess(measured, WEIGHTS, QualityPolicy())["up"].within_tolerance
    assert assess(measured, WEIGHTS, QualityPolicy(), reference=["up"])["up"].within_tolerance


@pytest.mark.parametrize(
    "field", ["tolerance_points", "tolerance_relative", "confidence", "points_per_decade"]
)
def test_out_of_range_knobs_are_refused_by_name(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        QualityPolicy(**{field: -1.0})


@given(qualities, test_counts, qualities, test_counts)
def test_the_band_widens_with_the_best_providers_uncertainty_only(
    q1: float, n1: int, q2: float, n2: int
) -> None:
    """Whether the second is within the tolerance follows the documented formula."""
    assume(q1 >= q2)
    policy = QualityPolicy()
    measured = {"a": Evidence(q1, n1), "b": Evidence(q2, n2)}
    assessed = assess(measured, WEIGHTS, policy)
    u = {n: standard_error(e.quality, e.tests) for n, e in measured.items()}
    a = {n: assured_quality(measured[n].quality, u[n]) for n in measured}
    best = min(measured, key=lambda n: (-a[n], -measured[n].quality, n))
    threshold = a[best] - policy.tolerance(a[best]) - u[best]
    for name in measured:
        assert assessed[name].within_tolerance == (a[name] >= threshold - 1e-9)
