"""What a 1-5 rating weighs, measured from how the 1-5 ratings spread (masterx/rating_worth.py)."""

from __future__ import annotations

import numpy as np
import pytest

from masterx.live_quality import EMPTY, Tally, rating_delta
from masterx.rating_worth import GradedSettings, dispersion, rating_worth

SETTINGS = GradedSettings(max_worth=4.0, min_ratings=200.0)


def pair(scores: list[float] | np.ndarray) -> Tally:
    """A pair's sums after these 1-5 scores (0-1), each weighing one answer."""
    tally = EMPTY
    for score in scores:
        tally = tally.plus(rating_delta(float(score), 1.0, graded=True))
    return tally


def stars(quality: float, count: int, rng: np.random.Generator, judgements: int = 4) -> np.ndarray:
    return rng.binomial(judgements, quality, count) / judgements


def test_scores_of_only_zero_and_one_spread_as_thumbs_and_weigh_one_answer() -> None:
    rng = np.random.default_rng(1)
    pairs = [pair((rng.random(400) < q).astype(float)) for q in (0.9, 0.6)]
    phi, count = dispersion(pairs)
    assert phi == pytest.approx(1.0)
    assert count == 800
    assert rating_worth(pairs, SETTINGS) == pytest.approx(1.0)


def test_four_independent_judgements_weigh_about_four_answers() -> None:
    rng = np.random.default_rng(2)
    pairs = [pair(stars(q, 3000, rng)) for q in (0.93, 0.87, 0.6)]
    phi, _ = dispersion(pairs)
    assert phi == pytest.approx(0.25, rel=0.1)
    assert rating_worth(pairs, SETTINGS) == pytest.approx(4.0, rel=0.1)
    two = [pair(stars(q, 3000, rng, judgements=2)) for q in (0.9, 0.7)]
    assert rating_worth(two, SETTINGS) == pytest.approx(2.0, rel=0.1)


def test_the_spread_is_measured_about_each_pairs_own_mean() -> None:
    # Two pairs of constant scores, far apart: pooled into one mean they would look like
    # thumbs; about their own means they do not spread at all, which is worth the most.
    pairs = [pair([0.25] * 150), pair([0.75] * 150)]
    assert dispersion(pairs)[0] == pytest.approx(0.0)
    assert rating_worth(pairs, SETTINGS) == 4.0


def test_polarised_stars_are_thumbs() -> None:
    rng = np.random.default_rng(3)
    pairs = [pair(np.where(rng.random(1000) < 0.8, 1.0, 0.0))]
    assert rating_worth(pairs, SETTINGS) == pytest.approx(1.0)


def test_a_quality_that_moved_within_the_window_spreads_more_and_weighs_less() -> None:
    rng = np.random.default_rng(4)
    steady = [pair(stars(0.9, 2000, rng))]
    moved = [pair(np.concatenate([stars(0.95, 1000, rng), stars(0.3, 1000, rng)]))]
    assert rating_worth(moved, SETTINGS) < rating_worth(steady, SETTINGS)


def test_too_few_or_telling_nothing_weighs_one_answer() -> None:
    rng = np.random.default_rng(5)
    assert rating_worth([pair(stars(0.8, 150, rng))], SETTINGS) == 1.0  # under min_ratings
    assert rating_worth([pair([1.0] * 500)], SETTINGS) == 1.0  # all 5s: no spread to read
    assert rating_worth([], SETTINGS) == 1.0
    thumbs_only = [Tally(500.0, 450.0)]  # no 1-5 rating among them
    assert rating_worth(thumbs_only, SETTINGS) == 1.0


def test_max_worth_caps_it_and_one_turns_it_off() -> None:
    pairs = [pair([0.5, 0.75] * 200)]
    assert rating_worth(pairs, GradedSettings(max_worth=2.5)) == 2.5
    assert rating_worth(pairs, GradedSettings(max_worth=1.0)) == 1.0


def test_sums_that_cannot_be_are_read_within_bounds() -> None:
    # Squares above the scores, scores above the count: clamped, never a worth below 1.
    odd = Tally(graded=300.0, graded_score=400.0, graded_square=900.0)
    assert 1.0 <= rating_worth([odd], SETTINGS) <= SETTINGS.max_worth


@pytest.mark.parametrize(("field", "value"), [("max_worth", 0.5), ("min_ratings", 0.0)])
def test_bad_settings_are_refused_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        GradedSettings(**{field: value})


def test_the_worked_example_of_the_readme() -> None:
    """README "What a rating weighs": alpha's 1-5 ratings in coding and beta's in math."""
    alpha = Tally(graded=300.0, graded_score=270.0, graded_square=252.0)
    beta = Tally(graded=200.0, graded_score=140.0, graded_square=107.0)
    phi, count = dispersion([alpha, beta])
    assert phi == pytest.approx(18 / 69) and count == 500
    worth = rating_worth([alpha, beta], SETTINGS)
    assert round(worth, 2) == 3.83
    two_stars = rating_delta(0.25, worth, graded=True)
    assert round(two_stars.rating_weight, 2) == 3.83
    assert round(two_stars.rating_score, 2) == 0.96
