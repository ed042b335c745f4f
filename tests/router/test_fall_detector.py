"""The fall detector (``masterx/live_quality.py`` Fall, its Lua twin in ``masterx/live_store.py``):
a run of bad ratings takes a pair out of the quality band for a hold, doubled for a fall in a
row; ratings at the pair's level never do."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import redis.asyncio as aioredis

from masterx.domain import Category
from masterx.live_quality import (
    EMPTY,
    NO_FALL,
    Fall,
    FallSettings,
    LiveEstimate,
    LiveSettings,
    Tally,
)
from masterx.live_store import LiveStore
from masterx.policy import Evidence, assess, standard_error
from masterx.scoring import Weights
from masterx.selection import BenchmarkTable
from services.router.live_quality import LiveQuality
from tests.router.live_support import BENCHMARK, decider, rating

FALL = FallSettings(points=5.0, threshold=4.0, hold_s=120.0, max_hold_s=3600.0)
DOWN = math.log((1 - 0.85) / (1 - 0.9))  # nats one down rating adds at level 0.9


def test_ratings_at_the_pairs_level_never_add_up_to_a_fall() -> None:
    fall = NO_FALL
    for second in range(1000):
        fall = fall.step(0.9, 10, 9, float(second), FALL)  # 90 % up, as the level says
    assert fall.statistic == 0.0 and fall.falls == 0


def test_a_run_of_down_ratings_is_a_fall_once_its_evidence_reaches_the_threshold() -> None:
    fall, now = NO_FALL, 1000.0
    downs = math.ceil(FALL.threshold / DOWN)
    for _ in range(downs - 1):
        fall = fall.step(0.9, 1, 0, now, FALL)
    assert fall.falls == 0 and fall.statistic == pytest.approx((downs - 1) * DOWN)
    fall = fall.step(0.9, 1, 0, now, FALL)
    assert (fall.falls, fall.fallen_at) == (1, now)
    assert fall.fallen(now + 119, FALL) and not fall.fallen(now + 120, FALL)


def test_a_fall_holds_then_the_pair_is_watched_afresh_and_a_fall_in_a_row_holds_longer() -> None:
    fall = Fall(FALL.threshold, 1000.0, 1)
    assert fall.step(0.9, 5, 0, 1060.0, FALL) is fall  # held: its ratings wait
    back = fall.step(0.9, 1, 1, 1130.0, FALL)  # after the hold: statistic reset, an up rating
    assert back.statistic == 0.0 and back.falls == 1 and not back.fallen(1130.0, FALL)
    again = back
    while again.falls == 1:
        again = again.step(0.9, 1, 0, 1140.0, FALL)
    assert again.falls == 2 and again.fallen(1140.0 + 239, FALL)
    assert not again.fallen(1140.0 + 240, FALL)
    quiet = again.step(0.9, 1, 1, 1140.0 + 4 * 240, FALL)  # long after: the next is a first
    assert quiet.falls == 0 and quiet.statistic == 0.0
    assert FALL.hold(20) == FALL.max_hold_s


def test_while_evidence_accrues_it_is_measured_from_the_level_it_started_at() -> None:
    fall = NO_FALL.step(0.9, 1, 0, 1000.0, FALL, firm=True)  # a down rating at level 0.9
    assert fall.level == 0.9 and fall.statistic == pytest.approx(DOWN)
    # the learners' mean follows the down ratings; the evidence does not shrink with it
    lower = fall.step(0.86, 1, 0, 1001.0, FALL, firm=True)
    assert lower.level == 0.9 and lower.statistic == pytest.approx(2 * DOWN)
    ups = lower
    while ups.statistic > 0:  # up ratings bring the statistic back to 0 ...
        ups = ups.step(0.86, 1, 1, 1002.0, FALL, firm=True)
    assert ups.level == 0.9
    fresh = ups.step(0.86, 1, 0, 1003.0, FALL, firm=True)  # ... then the learners' level
    assert fresh.level == 0.86
    assert fresh.statistic == pytest.approx(math.log((1 - 0.81) / (1 - 0.86)))


def test_a_level_on_too_few_ratings_is_not_held_but_followed() -> None:
    fall = NO_FALL.step(0.9, 1, 0, 1000.0, FALL)
    lower = fall.step(0.86, 1, 0, 1001.0, FALL)
    assert lower.level == 0.86
    assert lower.statistic == pytest.approx(DOWN + math.log((1 - 0.81) / (1 - 0.86)))
    assert not FALL.firm(Tally(499.0, 450.0), 1.0) and FALL.firm(Tally(500.0, 450.0), 1.0)


def test_no_evidence_is_counted_before_the_learners_level_is_known() -> None:
    assert NO_FALL.step(None, 40, 0, 1000.0, FALL) == NO_FALL
    assert FALL.level(Tally(99.0, 99.0), 1.0) is None
    # the level the ratings assure: their mean less one plus-four standard error
    assured = 90.0 - standard_error(90.0, 400)
    assert FALL.level(Tally(400.0, 360.0), 1.0) == pytest.approx(assured / 100.0)
    assert 0.88 < assured / 100.0 < 0.89
    assert FALL.level(Tally(198.0, 178.0), 2.0) is None  # 198 weight at 2 a rating: 99 ratings
    # other margins, weighed by bench/drills/rating_evidence.py: 0 is the bare mean
    assert FALL.level(Tally(400.0, 360.0), 1.0, margin=0.0) == pytest.approx(0.9)
    halfway = (90.0 - standard_error(90.0, 400) / 2) / 100.0
    assert FALL.level(Tally(400.0, 360.0), 1.0, margin=0.5) == pytest.approx(halfway)


def test_threshold_zero_turns_the_detector_off() -> None:
    off = FallSettings(threshold=0.0)
    assert Fall(9.0, 1000.0, 3).step(0.9, 50, 0, 1001.0, off) == NO_FALL


def test_bad_settings_are_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="max_hold_s"):
        FallSettings(hold_s=600.0, max_hold_s=60.0)
    with pytest.raises(ValueError, match="points"):
        FallSettings(points=0.0)


async def test_the_lua_step_agrees_with_the_python_step(redis_client: aioredis.Redis) -> None:
    store = LiveStore(redis_client, LiveSettings(half_life_s=900.0, fall=FALL))
    pair = ("alpha", Category.CODING)
    expected = replace(EMPTY, at=5000.0)
    recentred = 0
    steps = [(0.9, 3, 3), (0.9, 4, 0), (0.88, 6, 1), (0.9, 0, 0), (None, 2, 0), (0.92, 5, 4)]
    now = 5000.0
    for firm, (level, ratings, ups) in zip([False] * 4 + [True] * 14, steps * 3, strict=True):
        now += 40.0
        # some of the ratings 1-5 ones: their own sums (for their worth) ride along
        delta = Tally(ratings, ups, graded=ratings / 2, graded_score=ups / 2, graded_square=ups / 3)
        await store.add({pair: delta}, now=now, levels={pair: level}, firm={pair: firm})
        stepped = expected.fall.step(level, ratings, ups, now, FALL, firm)
        added = expected.decayed(now, 900.0).plus(delta)
        expected = added.with_fall(stepped, now, FALL)
        recentred += expected.rating_score != added.rating_score
        read = (await store.read(now=now))[pair]
        assert read.rating_weight == pytest.approx(expected.rating_weight)
        assert read.rating_score == pytest.approx(expected.rating_score)  # re-centred alike
        assert (read.graded, read.graded_score, read.graded_square) == pytest.approx(
            (expected.graded, expected.graded_score, expected.graded_square)
        )
        stored, expected_fall = read.fall, expected.fall
        assert stored.falls == expected_fall.falls
        assert stored.fallen_at == pytest.approx(expected_fall.fallen_at)
        assert stored.statistic == pytest.approx(expected_fall.statistic, abs=1e-9)
        assert stored.level == pytest.approx(expected_fall.level)
    assert expected.fall.falls >= 1  # the sequence does fall, so the held branch is covered too
    assert recentred >= 1  # ... and comes back after a hold


def test_after_its_hold_a_fall_re_centres_the_ratings_on_the_mean_before_it() -> None:
    tally = Tally(100.0, 90.0)  # the learners' level: 90 % up
    now = 1000.0
    while not tally.fall.falls:  # then down ratings, one a second, until the fall
        now += 1.0
        tally = tally.plus(Tally(1.0, 0.0))
        tally = tally.with_fall(tally.fall.step(0.9, 1, 0, now, FALL, True), now, FALL)
        assert now < 1100.0, "no fall"
    fell = tally.rating_score / tally.rating_weight
    assert fell < 0.9 and tally.fall.level == pytest.approx(0.9)
    during = tally.with_fall(tally.fall.step(None, 0, 0, now + 10.0, FALL), now + 10.0, FALL)
    assert during.rating_score == tally.rating_score  # held: the mean shows the fall
    after = now + FALL.hold_s
    back = tally.with_fall(tally.fall.step(None, 0, 0, after, FALL), after, FALL)
    # the down ratings that proved it no longer hold the mean down: the level it was measured
    # from, plus the one standard error that level lies below the learners' mean
    mean = 0.9 + standard_error(90.0, round(tally.rating_weight)) / 100.0
    assert back.rating_score / back.rating_weight == pytest.approx(mean)
    assert back.fall.statistic == 0.0  # and watched afresh
    again = back.with_fall(back.fall.step(None, 0, 0, after + 1.0, FALL), after + 1.0, FALL)
    assert again.rating_score == back.rating_score  # once only


def _live(fallen: bool) -> LiveEstimate:
    return LiveEstimate(92.0, 30, 92.0, 30.0, 30.0, 0.0, 0.0, fallen=fallen)


def test_a_fallen_pair_is_outside_the_band_and_does_not_set_its_bar() -> None:
    evidence = {
        "alpha": Evidence(92.0, 30, 100.0, 0.01, _live(True)),
        "beta": Evidence(85.0, 30, 100.0, 0.01, _live(False)),
    }
    assessed = assess(evidence, Weights(0.5, 0.3, 0.2))
    assert not assessed["alpha"].within_tolerance
    assert assessed["beta"].within_tolerance  # the bar is beta's own, alpha's does not count
    alone = assess({"alpha": evidence["alpha"]}, Weights(0.5, 0.3, 0.2))
    assert not alone["alpha"].within_tolerance  # still fallen, still ranked (nothing else)


def _replica(client: aioredis.Redis | None, table: BenchmarkTable, now: list[float]) -> LiveQuality:
    """A router replica's live estimate over ``table``, shared through Redis when ``client``
    is given, else in process on the clock ``now[0]``."""
    settings = LiveSettings(half_life_s=900.0, half_life_ratings=1000.0, fall=FALL)
    store = LiveStore(client, settings) if client is not None else None
    return LiveQuality(store, settings, lambda: table, clock=lambda: now[0])


async def _wait_out_the_hold(client: aioredis.Redis | None, now: list[float]) -> None:
    """alpha's coding hold over: in Redis its fall moved back (Redis's own clock decides the
    hold there), in process the clock moved on."""
    if client is None:
        now[0] += FALL.hold_s + 1
        return
    fell = float(await client.hget("masterx:live:{alpha}:coding", "f") or 0)
    await client.hset("masterx:live:{alpha}:coding", "f", str(fell - FALL.hold_s - 1))


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "in-process"])
async def test_a_fallen_provider_loses_new_sessions_and_gets_them_back_after_the_hold(
    redis_client: aioredis.Redis, shared: bool
) -> None:
    now = [10_000.0]
    replica = _replica(redis_client if shared else None, BENCHMARK, now)
    route = decider(replica.table)
    for index in range(120):  # the learners' level: 92 % up
        replica.observe(rating("alpha", 0.0 if index % 12 == 0 else 1.0))
    await replica.refresh()
    assert route.decide("fix my loop", "s0", None).chosen.provider == "alpha"
    for _ in range(12):  # then a dozen down ratings in a row
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    estimate = replica.estimate("alpha", Category.CODING)
    assert estimate is not None and estimate.fallen
    assert route.decide("fix my loop", "s1", None).chosen.provider == "beta"
    other = decider(replica.table, Category.MATH).decide("integrate x", "s2", None)
    assert other.chosen.provider == "alpha"  # other categories keep their provider
    for _ in range(100):  # the sessions still on it rate it well again: held all the same
        replica.observe(rating("alpha", 1.0))
    await replica.refresh()
    held = replica.estimate("alpha", Category.CODING)
    assert held is not None and held.fallen and held.quality > 85.0
    assert route.decide("fix my loop", "s4", None).chosen.provider == "beta"
    await _wait_out_the_hold(redis_client if shared else None, now)
    await replica.refresh()
    back = replica.estimate("alpha", Category.CODING)
    assert back is not None and not back.fallen
    assert route.decide("fix my loop", "s3", None).chosen.provider == "alpha"


# coding: alpha the best; beta, four points behind it at half its price, inside its band
BAND = BenchmarkTable(
    {
        (name, category): Evidence(quality, 13, latency_ms=100.0, cost_usd=cost)
        for category in Category
        for name, quality, cost in (("alpha", 92.0, 0.004), ("beta", 86.0, 0.002))
    }
)


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "in-process"])
async def test_after_its_hold_a_fallen_provider_gets_a_trial_at_its_old_standing(
    redis_client: aioredis.Redis, shared: bool
) -> None:
    now = [10_000.0]
    replica = _replica(redis_client if shared else None, BAND, now)
    route = decider(replica.table)
    for index in range(600):  # the learners' level: 11 in 12 up
        replica.observe(rating("alpha", 0.0 if index % 12 == 0 else 1.0))
    await replica.refresh()
    assert route.decide("fix my loop", "s0", None).chosen.provider == "alpha"
    before = replica.estimate("alpha", Category.CODING)
    rated = 0
    while not (fallen := replica.estimate("alpha", Category.CODING)) or not fallen.fallen:
        for _ in range(5):  # a third of its answers bad now, five ratings a second
            replica.observe(rating("alpha", 0.0 if rated % 3 == 0 else 1.0))
            rated += 1
        now[0] += 1.0
        await replica.refresh()
        assert rated < 500, "no fall"
    assert route.decide("fix my loop", "s1", None).chosen.provider == "beta"
    await replica.refresh()  # no ratings of it meanwhile (it served nobody): still held
    held = replica.estimate("alpha", Category.CODING)
    assert held is not None and held.fallen and before is not None
    assert held.quality < before.quality - 0.5  # the mean shows the fall while it is held
    await _wait_out_the_hold(redis_client if shared else None, now)
    await replica.refresh()
    back = replica.estimate("alpha", Category.CODING)
    assert back is not None and not back.fallen
    # its mean is what it was before the fall (within the decay of the hold), not the down
    # ratings' lower one, which had kept beta, cheaper and in its band, ahead for good
    assert back.quality == pytest.approx(before.quality, abs=0.5)
    assert route.decide("fix my loop", "s2", None).chosen.provider == "alpha"
