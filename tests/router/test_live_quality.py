"""The live quality estimate in the router (``services/router/live_quality.py``): shared through
the real Redis, falling back to the benchmark without it, and moving the routing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY

from masterx.domain import Category, RouteReason
from masterx.live_quality import FallSettings, LiveEstimate, LiveSettings, Tally
from masterx.live_store import LiveStore
from masterx.stores import connect_redis
from services.router.drift import DriftAlarm
from services.router.live_quality import LiveQuality
from services.router.outcomes import Outcome, OutcomeKind
from tests.router.live_support import BENCHMARK, decider, rating, session
from tooling.stack.readiness import free_port

SETTINGS = LiveSettings(half_life_s=900.0)


def live(client: aioredis.Redis | None, drift: DriftAlarm | None = None) -> LiveQuality:
    store = LiveStore(client, SETTINGS) if client is not None else None
    return LiveQuality(store, SETTINGS, lambda: BENCHMARK, drift=drift)


def quality(replica: LiveQuality, provider: str) -> float:
    estimate = replica.estimate(provider, Category.CODING)
    assert estimate is not None
    return estimate.quality


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_two_replicas_share_their_outcomes_through_redis(
    redis_client: aioredis.Redis,
) -> None:
    first, second = live(redis_client), live(redis_client)
    for _ in range(10):
        first.observe(rating("alpha", 0.0))
    second.observe(rating("alpha", 1.0))
    assert quality(first, "alpha") == 92.0  # not refreshed yet
    await first.refresh()
    await second.refresh()  # sends its rating, reads the first's
    await first.refresh()  # reads the second's
    for replica in (first, second):
        estimate = replica.estimate("alpha", Category.CODING)
        assert estimate is not None
        # the sums decay in real time (half-life 900 s): 1 % allows a 13 s stall of the machine
        assert estimate.rating_weight == pytest.approx(11.0, rel=1e-2)
        assert estimate.quality == pytest.approx((0.92 * 30 + 1) / 41 * 100, rel=1e-2)
        assert estimate.prior_weight == 30
    assert quality(second, "beta") == 80.0  # others untouched
    math = second.estimate("alpha", Category.MATH)
    assert math is not None and math.quality == 92.0


async def test_sums_decay_in_redis_between_additions(redis_client: aioredis.Redis) -> None:
    store = LiveStore(redis_client, LiveSettings(half_life_s=100.0))
    pair = ("alpha", Category.CODING)
    await store.add({pair: Tally(rating_weight=8.0, rating_score=4.0)}, now=1000.0)
    await store.add({pair: Tally(rating_weight=1.0)}, now=1100.0)  # one half-life later
    tally = (await store.read(now=1200.0))[pair]
    assert tally.rating_weight == pytest.approx((8 * 0.5 + 1) * 0.5)
    assert tally.rating_score == pytest.approx(4 * 0.25)


async def test_without_redis_the_estimate_is_the_benchmark_and_routing_goes_on() -> None:
    dead = connect_redis(f"redis://127.0.0.1:{free_port()}/0")
    replica = live(dead)
    before = sample("masterx_live_quality_unavailable_total")
    for _ in range(30):
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    assert sample("masterx_live_quality_unavailable_total") == before + 1
    estimate = replica.estimate("alpha", Category.CODING)
    assert estimate is not None and estimate.quality == 92.0 and estimate.live_weight == 0
    decision = decider(replica.table).decide("fix my loop", "s", None)
    assert decision.chosen.provider == "alpha"
    await dead.aclose()


async def test_bad_ratings_move_new_sessions_away_and_sessions_in_their_topic_stay(
    redis_client: aioredis.Redis,
) -> None:
    replica = live(redis_client)
    route = decider(replica.table)
    assert route.decide("fix my loop", "s1", None).chosen.provider == "alpha"
    for _ in range(30):
        replica.observe(rating("alpha", 0.1))
    await replica.refresh()
    fresh = route.decide("fix my loop", "s2", None)
    assert fresh.chosen.provider == "beta"
    assert fresh.reason is RouteReason.BEST_BENCHMARK
    alpha = next(c for c in fresh.ranking if c.provider == "alpha")
    assert alpha.assessment is not None and alpha.assessment.live is not None
    assert alpha.assessment.live.benchmark_quality == 92.0
    assert alpha.assessment.quality < 60  # the policy ranked with the live estimate
    assert not alpha.assessment.within_tolerance
    kept = route.decide("and the next bug?", "s1", session("alpha", Category.CODING))
    assert (kept.chosen.provider, kept.reason) == ("alpha", RouteReason.SESSION_CONTINUITY)
    other = decider(replica.table, Category.MATH).decide("integrate x", "s3", None)
    assert other.chosen.provider == "alpha"  # no other category's routing changes


async def test_hard_signals_count_calls_and_bad_ones(redis_client: aioredis.Redis) -> None:
    replica = live(redis_client)
    for kind in (OutcomeKind.ERROR, OutcomeKind.TRUNCATED, OutcomeKind.REFUSAL):
        replica.observe(Outcome("gamma", "m", Category.CODING, kind, 0.0))
    replica.observe(Outcome("gamma", "m", Category.CODING, OutcomeKind.ANSWERED, 1.0))
    await replica.refresh()
    estimate = replica.estimate("gamma", Category.CODING)
    assert estimate is not None
    assert estimate.signal_weight == pytest.approx(4 * SETTINGS.signal_weight, rel=1e-3)
    assert estimate.rating_weight == 0
    assert estimate.quality < 60.0


async def test_a_1_to_5_rating_weighs_what_the_spread_of_1_to_5_ratings_measured(
    redis_client: aioredis.Redis,
) -> None:
    first, second = live(redis_client), live(redis_client)
    rng = np.random.default_rng(8)
    for provider, q in (("alpha", 0.9), ("beta", 0.7)):
        for good in rng.binomial(4, q, 300):  # 1 + good ones of four judgements
            first.observe(replace(rating(provider, float(good) / 4), graded=True))
    assert first.rating_worth == 1.0  # nothing measured yet: each weighs one answer
    await first.refresh()
    await second.refresh()  # reads the first's 1-5 ratings: both measure the same worth
    worth = second.rating_worth
    assert worth == pytest.approx(4.0, rel=0.2)
    assert first.rating_worth == pytest.approx(worth)
    assert sample("masterx_live_rating_worth") == pytest.approx(worth)
    second.observe(replace(rating("gamma", 1.0), graded=True))
    second.observe(rating("gamma", 1.0))  # thumbs weigh one answer whatever 1-5 ratings do
    await second.refresh()
    gamma = second.estimate("gamma", Category.CODING)
    assert gamma is not None
    assert gamma.rating_weight == pytest.approx(worth + 1.0, rel=1e-2)
    assert gamma.effective_tests == pytest.approx(30 + worth + 1.0, rel=1e-2)


class Triggers:
    def __init__(self) -> None:
        self.runs: list[tuple[str, Category]] = []

    async def __call__(self, provider: str, category: Category) -> None:
        self.runs.append((provider, category))


async def test_drift_sets_its_gauge_and_asks_for_one_run_per_interval(
    redis_client: aioredis.Redis,
) -> None:
    store = LiveStore(redis_client, SETTINGS)
    triggers = Triggers()

    def alarm() -> DriftAlarm:
        return DriftAlarm(triggers, points=15, min_weight=20, interval_s=3600, store=store)

    first, second = live(redis_client, alarm()), live(redis_client, alarm())
    limited = sample(
        "masterx_drift_benchmark_runs_total", provider="alpha", category="coding", outcome="limited"
    )
    for _ in range(10):
        first.observe(rating("alpha", 0.0))
    await first.refresh()  # drifting, but 10 ratings are not enough evidence
    assert sample("masterx_quality_drift", provider="alpha", category="coding") < -15
    assert triggers.runs == []
    for _ in range(15):
        first.observe(rating("alpha", 0.0))
    for _ in range(25):
        first.observe(rating("beta", 0.0, Category.MATH))
    await first.refresh()
    assert sorted(triggers.runs) == [("alpha", Category.CODING), ("beta", Category.MATH)]
    await first.refresh()  # the same replica, within the interval
    await second.refresh()  # another replica, within the interval
    assert len(triggers.runs) == 2
    assert (
        sample(
            "masterx_drift_benchmark_runs_total",
            provider="alpha",
            category="coding",
            outcome="limited",
        )
        == limited + 2
    )
    assert (
        sample(
            "masterx_drift_benchmark_runs_total",
            provider="alpha",
            category="coding",
            outcome="started",
        )
        >= 1
    )
    assert sample("masterx_quality_drift", provider="gamma", category="coding") == 0.0
    assert sample("masterx_quality_drift_alarm", provider="alpha", category="coding") == 1


async def test_a_later_interval_asks_again() -> None:
    triggers = Triggers()
    now = [0.0]
    alarm = DriftAlarm(triggers, points=15, min_weight=5, interval_s=600, clock=lambda: now[0])
    replica = LiveQuality(None, SETTINGS, lambda: BENCHMARK, drift=alarm)
    for _ in range(20):
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    now[0] = 599.0
    await replica.refresh()
    assert triggers.runs == [("alpha", Category.CODING)]
    now[0] = 600.0
    await replica.refresh()
    assert triggers.runs == [("alpha", Category.CODING)] * 2


async def test_without_a_store_the_sums_decay_in_process() -> None:
    now = [1000.0]
    replica = LiveQuality(None, SETTINGS, lambda: BENCHMARK, clock=lambda: now[0])
    for _ in range(20):
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    first = replica.estimate("alpha", Category.CODING)
    assert first is not None and first.rating_weight == 20
    now[0] += SETTINGS.half_life_s
    await replica.refresh()
    later = replica.estimate("alpha", Category.CODING)
    assert later is not None and later.rating_weight == pytest.approx(10.0)
    assert first.quality < later.quality < 92.0


def _counted(half_life_ratings: float, client: aioredis.Redis | None) -> LiveQuality:
    # The fall detector off: these tests read the sums' ageing, which a fall would re-centre.
    settings = LiveSettings(
        half_life_s=900.0, half_life_ratings=half_life_ratings, fall=FallSettings(threshold=0.0)
    )
    store = LiveStore(client, settings) if client is not None else None
    return LiveQuality(store, settings, lambda: BENCHMARK)


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "in-process"])
async def test_a_pairs_own_newer_ratings_age_its_older_ones(
    redis_client: aioredis.Redis, shared: bool
) -> None:
    """A provider rated well for long, then badly: every ``half_life_ratings`` of its newer
    ratings halve what came before, so the fall shows within a few dozen ratings; other pairs'
    ratings age nothing of it."""
    replica = _counted(20.0, redis_client if shared else None)
    for _ in range(200):
        replica.observe(rating("alpha", 1.0))
    await replica.refresh()
    good = replica.estimate("alpha", Category.CODING)
    assert good is not None and good.rating_weight == pytest.approx(200.0, rel=1e-3)
    for _ in range(100):  # another provider's and another category's ratings
        replica.observe(rating("beta", 0.0))
        replica.observe(rating("alpha", 0.0, Category.MATH))
    await replica.refresh()
    kept = replica.estimate("alpha", Category.CODING)
    assert kept is not None and kept.rating_weight == pytest.approx(200.0, rel=1e-3)
    for _ in range(40):  # two half-lives of its own
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    fallen = replica.estimate("alpha", Category.CODING)
    assert fallen is not None
    assert fallen.rating_weight == pytest.approx(200.0 / 4 + 40.0, rel=1e-2)
    assert fallen.quality == pytest.approx((0.92 * 30 + 50.0) / (30 + 90.0) * 100, rel=1e-2)


async def test_without_a_rating_half_life_only_time_ages_the_sums(
    redis_client: aioredis.Redis,
) -> None:
    replica = _counted(0.0, redis_client)
    for _ in range(200):
        replica.observe(rating("alpha", 1.0))
    await replica.refresh()
    for _ in range(40):
        replica.observe(rating("alpha", 0.0))
    await replica.refresh()
    kept = replica.estimate("alpha", Category.CODING)
    assert kept is not None and kept.rating_weight == pytest.approx(240.0, rel=1e-3)


def test_a_drift_inside_the_benchmarks_own_noise_is_not_an_alarm() -> None:
    async def trigger(provider: str, category: Category) -> None:
        return None

    alarm = DriftAlarm(trigger, points=15.0, min_weight=20.0, interval_s=0.0)

    def live(benchmark: float, tests: int, quality: float, ratings: float) -> LiveEstimate:
        return LiveEstimate(benchmark, tests, quality, tests + ratings, tests, ratings, 0.0)

    # 13 of 13 tests passed: about 9 points of noise either way, doubled: 15 points is within
    assert not alarm.drifting(live(100.0, 13, 84.7, 60.0))
    assert alarm.drifting(live(100.0, 13, 70.0, 60.0))
    # a score of many tests is sharp: the points decide
    assert alarm.drifting(live(90.0, 400, 74.0, 60.0))
    assert not alarm.drifting(live(90.0, 400, 80.0, 60.0))
    assert not alarm.drifting(live(100.0, 13, 50.0, 10.0))  # too little live evidence
