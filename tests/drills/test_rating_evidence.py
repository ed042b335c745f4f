"""The thumbs-rating evidence bound the README quotes (bench/drills/rating_evidence.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.drills.rating_evidence import alarm_times, evidence_per_rating, main, measure


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
