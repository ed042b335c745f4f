"""The live quality estimate's math (``masterx/live_quality.py``, README "Live quality")."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterx.live_quality import (
    EMPTY,
    LiveSettings,
    Tally,
    decay_factor,
    estimate,
    live_evidence,
    thompson_draw,
)
from masterx.policy import Evidence, standard_error

SETTINGS = LiveSettings(half_life_s=600.0)
PRIOR = Evidence(90.0, 20, latency_ms=100.0, cost_usd=0.01)


def ratings(count: int, score: float, at: float = 0.0) -> Tally:
    return Tally(rating_weight=float(count), rating_score=count * score, at=at)


def test_without_outcomes_the_estimate_is_the_benchmark() -> None:
    live = estimate(PRIOR, EMPTY, SETTINGS)
    assert (live.quality, live.effective_tests) == (90.0, 20.0)
    assert (live.prior_share, live.live_weight, live.drift) == (1.0, 0.0, 0.0)
    evidence = live_evidence(PRIOR, live)
    assert (evidence.quality, evidence.tests, evidence.latency_ms) == (90.0, 20, 100.0)
    assert evidence.live is live


def test_the_policy_ranks_the_live_mean_over_the_live_count() -> None:
    """Ratings move the mean the policy sees and narrow its uncertainty: a provider its
    learners rated is known better than by its benchmark's tests."""
    live = estimate(PRIOR, ratings(300, 0.5), SETTINGS)
    evidence = live_evidence(PRIOR, live)
    assert evidence.quality == pytest.approx(live.quality)
    assert evidence.quality < PRIOR.quality
    assert live.effective_tests == pytest.approx(320.0)
    assert evidence.tests == 320
    unrated = live_evidence(PRIOR, estimate(PRIOR, EMPTY, SETTINGS))
    assert (unrated.quality, unrated.tests) == (PRIOR.quality, PRIOR.tests)


def test_the_worked_example_of_the_readme() -> None:
    """README "Live quality": 92.3 over 13 tests; 4 of 20 ratings up; 6 of 200 calls failed."""
    prior = Evidence(92.3, 13)
    live = estimate(prior, Tally(20.0, 4.0, 200.0, 6.0), SETTINGS)
    assert round(live.quality, 1) == 53.9
    assert (live.effective_tests, live.prior_weight, live.signal_weight) == (38.0, 13.0, 5.0)
    assert round(live.prior_share, 2) == 0.34
    assert round(standard_error(live.quality, 38), 1) == 8.1
    assert round(standard_error(92.3, 13), 1) == 10.6
    ranked = live_evidence(prior, live)  # the policy's view: the live mean over 38 answers
    assert ranked.tests == 38
    assert round(ranked.quality - standard_error(ranked.quality, ranked.tests), 1) == 45.8
    later = [Tally(10.0, 2.0, 100.0, 3.0), Tally(1.25, 0.25, 12.5, 0.375)]
    assert [round(estimate(prior, t, SETTINGS).quality, 1) for t in later] == [66.0, 86.1]


def test_bad_ratings_move_it_down_and_good_ones_up() -> None:
    down = estimate(PRIOR, ratings(20, 0.0), SETTINGS).quality
    up = estimate(Evidence(50.0, 20), ratings(20, 1.0), SETTINGS).quality
    assert down == pytest.approx(45.0)
    assert up == pytest.approx(75.0)


def test_decay_brings_it_back_toward_the_benchmark() -> None:
    bad = ratings(20, 0.0, at=0.0)
    qualities = [
        estimate(PRIOR, bad.decayed(t, SETTINGS.half_life_s), SETTINGS).quality
        for t in (0.0, 600.0, 1200.0, 12_000.0)
    ]
    assert qualities[0] == pytest.approx(45.0)
    assert qualities[1] == pytest.approx((18 + 0) / (20 + 10) * 100)  # half the weight left
    assert qualities[0] < qualities[1] < qualities[2] < qualities[3] < 90.0
    assert qualities[3] == pytest.approx(90.0, abs=0.01)
    assert decay_factor(600.0, 600.0) == 0.5
    assert decay_factor(-5.0, 600.0) == 1.0  # a clock behind the sums does not grow them


def test_uncertainty_shrinks_with_evidence() -> None:
    widths = [
        standard_error(live.quality, round(live.effective_tests))
        for live in (estimate(PRIOR, ratings(n, 0.9), SETTINGS) for n in (0, 10, 100, 1000))
    ]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] > widths[-1] * 3


def test_hard_signals_weigh_less_than_ratings_and_are_bounded() -> None:
    errors = Tally(calls=40.0, bad_calls=40.0)  # every call failed
    live = estimate(PRIOR, errors, SETTINGS)
    assert live.signal_weight == pytest.approx(2.0)  # 40 calls x 0.05
    assert live.quality == pytest.approx(90.0 * 20 / 22)
    flood = estimate(PRIOR, Tally(calls=1e6, bad_calls=1e4), SETTINGS)
    assert flood.signal_weight == SETTINGS.signal_max_weight
    # a busy provider failing 1 % of its calls stays close to its benchmark
    assert flood.quality == pytest.approx((18 + 0.9 * 0.99 * 5) / 25 * 100)
    clean = estimate(PRIOR, Tally(calls=1e6), SETTINGS)
    assert clean.quality == pytest.approx(90.0)  # answers without a signal confirm it


def test_a_capped_prior_lets_traffic_move_it_sooner() -> None:
    wide = Evidence(90.0, 200)
    capped = LiveSettings(prior_max_tests=20)
    assert estimate(wide, ratings(20, 0.0), capped).quality == pytest.approx(45.0)
    assert estimate(wide, ratings(20, 0.0), SETTINGS).quality == pytest.approx(180 / 220 * 100)
    assert estimate(wide, ratings(20, 0.0), capped).prior_weight == 20


def test_thompson_draws_follow_the_posterior() -> None:
    rng = random.Random(7)
    sure = [thompson_draw(90.0, 1000, rng) for _ in range(200)]
    unsure = [thompson_draw(90.0, 4, rng) for _ in range(200)]
    assert 0.85 < sum(sure) / 200 < 0.95
    assert max(sure) - min(sure) < max(unsure) - min(unsure)


@pytest.mark.parametrize(
    "field", ["half_life_s", "rating_weight", "signal_weight", "prior_max_tests"]
)
def test_settings_out_of_range_are_refused(field: str) -> None:
    out_of_range: dict[str, Any] = {field: -1}
    with pytest.raises(ValueError, match=field):
        LiveSettings(**out_of_range)


qualities = st.floats(0, 100)
counts = st.floats(0, 1000)


@given(qualities, st.integers(0, 500), counts, st.floats(0, 1), counts, st.floats(0, 1))
def test_the_estimate_lies_between_the_benchmark_and_what_traffic_said(
    quality: float, tests: int, rated: float, mean: float, calls: float, bad: float
) -> None:
    prior = Evidence(quality, tests)
    live = estimate(prior, Tally(rated, rated * mean, calls, calls * bad), SETTINGS)
    low = min(quality, 100 * mean if rated else quality, quality * (1 - bad) if calls else quality)
    high = max(quality, 100 * mean if rated else quality)
    assert low - 1e-6 <= live.quality <= high + 1e-6
    assert live.effective_tests == pytest.approx(tests + rated + live.signal_weight)
    assert 0 <= live.signal_weight <= SETTINGS.signal_max_weight


@given(qualities, st.integers(1, 200), counts, st.floats(0, 1))
def test_more_bad_ratings_never_raise_it_and_more_good_ones_never_lower_it(
    quality: float, tests: int, rated: float, mean: float
) -> None:
    prior = Evidence(quality, tests)
    base = estimate(prior, Tally(rated, rated * mean), SETTINGS).quality
    worse = estimate(prior, Tally(rated + 1, rated * mean), SETTINGS).quality
    better = estimate(prior, Tally(rated + 1, rated * mean + 1), SETTINGS).quality
    assert worse <= base + 1e-9 <= better + 2e-9


def test_newer_ratings_age_the_sums_before_them() -> None:
    sums = Tally(rating_weight=40.0, rating_score=40.0, at=100.0)
    delta = Tally(rating_weight=300.0, rating_score=0.0, at=100.0)
    after = sums.then(delta, 150.0)  # 300 newer ratings: two half-lives
    assert after.rating_weight == pytest.approx(10.0 + 300.0)
    assert after.rating_score == pytest.approx(10.0)
    assert sums.then(delta, 0.0).rating_weight == pytest.approx(340.0)  # off: time only
