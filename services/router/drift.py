"""The drift alarm: how far each live estimate lies from its benchmark score, and a benchmark
run of the category when it lies well below with enough evidence (README, "Live quality").

After every refresh of the live estimate (``live_quality.py``) the gauge
``masterx_quality_drift`` is set per provider and category (live minus benchmark, points), and
``masterx_quality_drift_alarm`` to 1 while the pair is drifting as below; the Prometheus rule
``MasterxQualityDrift`` (``deploy/prometheus/rules/masterx.yml``) alerts on it. A pair
``points`` or more below its benchmark, and further below it than twice the benchmark score's
standard error (so that a dozen lucky tests do not start runs), with at least ``min_weight``
answers' worth of live evidence asks the benchmark service to run that category for that
provider: at most once per ``interval_s`` per pair across every replica (a Redis claim,
``masterx/live_store.py``; without Redis, per replica).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping

import grpc
from prometheus_client import Counter, Gauge
from redis.exceptions import RedisError

from masterx.domain import Category
from masterx.live_quality import LiveEstimate
from masterx.live_store import LiveStore, Pair
from masterx.logs import log_event
from masterx.policy import standard_error

logger = logging.getLogger("masterx.router.drift")

DRIFT = Gauge(
    "masterx_quality_drift",
    "Live quality estimate minus benchmark quality (points), per provider and category.",
    ["provider", "category"],
)
DRIFT_ALARM = Gauge(
    "masterx_quality_drift_alarm",
    "1 while a pair lies MASTERX_DRIFT_POINTS or more (and more than twice the score's standard"
    " error) below its benchmark with at least MASTERX_DRIFT_MIN_WEIGHT answers of live"
    " evidence, else 0.",
    ["provider", "category"],
)
DRIFT_RUNS = Counter(
    "masterx_drift_benchmark_runs_total",
    "Benchmark runs the drift alarm asked for, by provider, category and outcome"
    " (started, limited, failed).",
    ["provider", "category", "outcome"],
)

Trigger = Callable[[str, Category], Awaitable[object]]
BENCHMARK_NOISE_Z = 2.0  # standard errors of the benchmark score a drift must exceed


class DriftAlarm:
    def __init__(
        self,
        trigger: Trigger,
        *,
        points: float,
        min_weight: float,
        interval_s: float,
        store: LiveStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._trigger = trigger
        self._points = points
        self._min_weight = min_weight
        self._interval = interval_s
        self._store = store
        self._clock = clock
        self._last: dict[Pair, float] = {}

    def drifting(self, live: LiveEstimate) -> bool:
        """Well below: by ``points`` and by more than the benchmark's own noise (twice its
        standard error: a 13-test score of 100 % is about 9 points either way), with enough
        live evidence."""
        noise = BENCHMARK_NOISE_Z * standard_error(live.benchmark_quality, live.benchmark_tests)
        below = -live.drift
        return below >= self._points and below > noise and live.live_weight >= self._min_weight

    async def check(self, estimates: Mapping[Pair, LiveEstimate]) -> None:
        for (provider, category), live in estimates.items():
            drifting = self.drifting(live)
            DRIFT.labels(provider, category.value).set(live.drift)
            DRIFT_ALARM.labels(provider, category.value).set(1 if drifting else 0)
            if drifting and self._interval > 0:
                await self._run((provider, category), live)

    async def _claim(self, pair: Pair) -> bool:
        now = self._clock()
        last = self._last.get(pair)
        if last is not None and now - last < self._interval:
            return False
        if self._store is not None:
            provider, category = pair
            if not await self._store.claim(f"drift:{provider}:{category.value}", self._interval):
                self._last[pair] = now  # another replica asked: this one waits a whole interval
                return False
        self._last[pair] = now
        return True

    async def _run(self, pair: Pair, live: LiveEstimate) -> None:
        provider, category = pair
        try:
            claimed = await self._claim(pair)
        except (RedisError, OSError):
            claimed = False
        if not claimed:
            DRIFT_RUNS.labels(provider, category.value, "limited").inc()
            return
        try:
            await self._trigger(provider, category)
        except grpc.aio.AioRpcError as error:
            DRIFT_RUNS.labels(provider, category.value, "failed").inc()
            log_event(
                logger,
                "drift_benchmark_failed",
                logging.WARNING,
                provider=provider,
                category=category.value,
                code=error.code().name,
            )
            return
        DRIFT_RUNS.labels(provider, category.value, "started").inc()
        log_event(
            logger,
            "drift_benchmark_started",
            logging.WARNING,
            provider=provider,
            category=category.value,
            live_quality=round(live.quality, 1),
            benchmark_quality=live.benchmark_quality,
            live_weight=round(live.live_weight, 1),
        )
