"""The rating evidence bound the README quotes (bench/drills/rating_evidence.py)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from bench.drills.rated_traffic import STAR_JUDGEMENTS
from bench.drills.rating_evidence import (
    alarm_times,
    evidence_per_rating,
    main,
    measure,
    measure_router,
    router_alarm,
    simulated_score,
)
from masterx.live_quality import FallSettings, LiveSettings
from masterx.rating_worth import GradedSettings


def test_a_rating_carries_the_kullback_leibler_divergence_of_the_fall() -> None:
    expected = 0.872 * math.log(0.872 / 0.929) + 0.128 * math.log(0.128 / 0.071)
    assert evidence_per_rating(0.929, 0.872) == pytest.approx(expected)
    assert evidence_per_rating(0.9, 0.5) > evidence_per_rating(0.9, 0.8) > 0


def test_cusum_alarms_after_a_fall_and_a_higher_threshold_waits_longer() -> None:
    low = measure(0.929, 0.872, 3.0, runs=400, seed=7)
    high = measure(0.929, 0.872, 6.0, runs=400, seed=7)
    assert low.missed == 0.0
    assert low.median_delay < high.median_delay
    assert low.ratings_per_false_alarm < high.ratings_per_false_alarm
    # the fall is a few dozen ratings' worth of evidence per unit of threshold at the least
    assert low.median_delay > 3.0 / evidence_per_rating(0.929, 0.872) / 2


def test_an_unchanged_provider_rarely_alarms_at_a_high_threshold() -> None:
    times = alarm_times(0.929, 0.929, 0.872, 8.0, 2000, 200, np.random.default_rng(3))
    assert (times > 0).mean() < 0.1


def test_the_command_rejects_levels_that_are_not_a_fall(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--before", "0.8", "--after", "0.9"])
    assert "--after < --before" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--hold-level-ratings", "-1"])
    assert "hold_level_ratings=-1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--level-margin", "-0.5"])
    assert "--level-margin cannot be negative" in capsys.readouterr().err


def test_the_routers_detector_calls_a_steep_fall_soon_and_never_when_turned_off() -> None:
    settings = LiveSettings(half_life_ratings=1000.0)
    rng = np.random.default_rng(5)
    at = router_alarm(0.5, 0.95, 300, 3000, settings, rng)
    assert 0 < at < 100  # a 45-point fall: a handful of ratings, not before the fall
    off = LiveSettings(half_life_ratings=1000.0, fall=FallSettings(threshold=0.0))
    assert router_alarm(0.5, 0.95, 300, 500, off, rng) == 0
    # a level at the bare mean (margin 0) sits higher: the same steep fall is called no later
    # on the same ratings
    bare = router_alarm(0.5, 0.95, 300, 3000, settings, np.random.default_rng(5), 0.0)
    assert 0 < bare <= at


def test_the_routers_detector_is_slower_than_the_test_told_both_levels() -> None:
    # Its level is estimated (less one standard error), and its threshold is higher.
    router = measure_router(0.929, 0.872, 900, runs=60, seed=11)
    ideal = measure(0.929, 0.872, 4.0, runs=400, seed=11)
    assert 0.0 <= router.within_300 <= 1.0 and 0.0 <= router.never <= 1.0
    assert 0.0 <= router.new_pair_false_share <= 1.0
    assert router.median_delay > ideal.median_delay


def test_a_rating_of_four_judgements_carries_four_times_the_evidence() -> None:
    assert evidence_per_rating(0.929, 0.872, STAR_JUDGEMENTS) == pytest.approx(
        4 * evidence_per_rating(0.929, 0.872)
    )
    rng = np.random.default_rng(2)
    scores = {simulated_score(0.5, STAR_JUDGEMENTS, rng) for _ in range(200)}
    assert scores == {0.0, 0.25, 0.5, 0.75, 1.0}
    assert {simulated_score(0.7, 1, rng) for _ in range(50)} == {0.0, 1.0}


def test_the_routers_detector_weighs_1_to_5_ratings_by_their_measured_worth() -> None:
    # The same detector and threshold: stars whose spread says four judgements are called
    # fallen in far fewer ratings than thumbs; with their worth capped at 1, no sooner.
    thumbs = measure_router(0.929, 0.872, 900, runs=24, seed=13)
    stars = measure_router(0.929, 0.872, 900, runs=24, seed=13, judgements=STAR_JUDGEMENTS)
    assert stars.median_delay < thumbs.median_delay / 2
    assert stars.within_300 > thumbs.within_300
    settings = replace(LiveSettings(half_life_ratings=1000.0), graded=GradedSettings(max_worth=1))
    rng = np.random.default_rng(13)
    capped = [router_alarm(0.872, 0.929, 900, 400, settings, rng, 1.0, 4) for _ in range(20)]
    assert np.median([c if c else 10_000 for c in capped]) > stars.median_delay
