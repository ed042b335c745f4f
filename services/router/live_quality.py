"""The live quality estimate as the router keeps it: the sink of every outcome, and the
benchmark table with live evidence that the decision reads (README, "Live quality").

``observe`` only adds to an in-memory delta per (provider, category): it never blocks the call
path. Every ``refresh_s`` a background task adds the deltas to the shared sums in Redis
(``masterx/live_store.py``, one atomic Lua step per pair) and reads every pair back into a local
snapshot, so the decision reads memory only and every replica sees every replica's outcomes
within about a second. Redis unreachable: the snapshot is dropped (the estimate is the benchmark
prior), counted and logged; the deltas wait for the next refresh (bounded: one per pair).
The math is ``masterx/live_quality.py``; the drift alarm ``drift.py`` runs after each refresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from prometheus_client import Counter, Gauge
from redis.exceptions import RedisError

from masterx.domain import Category
from masterx.live_quality import (
    EMPTY,
    LiveEstimate,
    LiveSettings,
    Tally,
    estimate,
    live_evidence,
    rating_delta,
)
from masterx.live_store import LiveStore, Pair
from masterx.logs import log_event
from masterx.policy import Evidence
from masterx.rating_worth import rating_worth
from masterx.selection import BenchmarkTable
from services.router.drift import DriftAlarm
from services.router.outcomes import Outcome, OutcomeKind

logger = logging.getLogger("masterx.router.live_quality")

OUTCOMES = Counter(
    "masterx_live_outcomes_total",
    "Outcomes the live quality estimate took in, by provider, category and kind.",
    ["provider", "category", "kind"],
)
LIVE_QUALITY = Gauge(
    "masterx_live_quality",
    "The live quality estimate (0-100) per provider and category.",
    ["provider", "category"],
)
LIVE_WEIGHT = Gauge(
    "masterx_live_quality_weight",
    "Answers' worth of live evidence (ratings and hard signals, decayed) behind the estimate.",
    ["provider", "category"],
)
FALLEN = Gauge(
    "masterx_live_quality_fallen",
    "1 while a pair's ratings say its quality fell (the fall detector holds it out of the"
    " quality band), else 0.",
    ["provider", "category"],
)
RATING_WORTH = Gauge(
    "masterx_live_rating_worth",
    "Answers' worth of one 1-5 rating, measured from how the 1-5 ratings spread (thumbs: 1).",
)
UNAVAILABLE = Counter(
    "masterx_live_quality_unavailable_total",
    "Refreshes that could not reach Redis: the estimate fell back to the benchmark.",
)

BAD_SIGNALS = frozenset({OutcomeKind.ERROR, OutcomeKind.TRUNCATED, OutcomeKind.REFUSAL})


def delta_of(outcome: Outcome, settings: LiveSettings, worth: float = 1.0) -> Tally:
    """What one outcome adds to its pair's sums; ``worth``: answers' worth of a 1-5 rating
    (``masterx/rating_worth.py``)."""
    if outcome.kind is OutcomeKind.RATING:
        weight = settings.rating_weight * (worth if outcome.graded else 1.0)
        return rating_delta(outcome.score, weight, outcome.graded)
    if outcome.kind in BAD_SIGNALS:
        return Tally(calls=1.0, bad_calls=1.0)
    return Tally(calls=1.0)  # an answer with no bad signal


class LiveQuality:
    """The router's :class:`services.router.outcomes.OutcomeSink`."""

    def __init__(
        self,
        store: LiveStore | None,  # None: this process's outcomes only (no Redis configured)
        settings: LiveSettings,
        benchmarks: Callable[[], BenchmarkTable],
        refresh_s: float = 1.0,
        drift: DriftAlarm | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._store = store
        self._settings = settings
        self._benchmarks = benchmarks
        self._refresh_s = refresh_s
        self._drift = drift
        self._pending: dict[Pair, Tally] = {}
        self._tallies: dict[Pair, Tally] = {}
        self._base: BenchmarkTable | None = None
        self._table = BenchmarkTable()
        self._estimates: dict[Pair, LiveEstimate] = {}
        self._available = True
        self._fallen: set[Pair] = set()
        self._worth = 1.0  # answers' worth of a 1-5 rating, from the last sums read
        self._task: asyncio.Task[None] | None = None

    # -- the sink ------------------------------------------------------------------------
    def observe(self, outcome: Outcome) -> None:
        pair = (outcome.provider, outcome.category)
        delta = delta_of(outcome, self._settings, self._worth)
        self._pending[pair] = self._pending.get(pair, EMPTY).plus(delta)
        OUTCOMES.labels(outcome.provider, outcome.category.value, outcome.kind.value).inc()

    # -- what the decision reads ---------------------------------------------------------
    def table(self) -> BenchmarkTable:
        """The benchmark table with every measured pair's evidence replaced by its live
        estimate (pairs without a benchmark score stay without evidence)."""
        base = self._benchmarks()
        if base is not self._base:
            self._rebuild(base)
        return self._table

    def estimate(self, provider: str, category: Category) -> LiveEstimate | None:
        self.table()
        return self._estimates.get((provider, category))

    @property
    def rating_worth(self) -> float:
        """Answers' worth of a 1-5 rating now (``masterx/rating_worth.py``)."""
        return self._worth

    @property
    def estimates(self) -> Mapping[Pair, LiveEstimate]:
        self.table()
        return self._estimates

    def _rebuild(self, base: BenchmarkTable) -> None:
        evidence: dict[Pair, Evidence] = {}
        estimates: dict[Pair, LiveEstimate] = {}
        for pair, prior in base.evidence.items():
            live = estimate(prior, self._tallies.get(pair, EMPTY), self._settings)
            estimates[pair] = live
            evidence[pair] = live_evidence(prior, live)
        self._base, self._estimates = base, estimates
        self._table = BenchmarkTable(evidence, base.weights)

    # -- sharing -------------------------------------------------------------------------
    async def refresh(self) -> None:
        """Send the deltas, read every replica's sums back, rebuild the live table."""
        if self._store is None:  # one process on its own: the sums decay in memory
            self._tallies = self._decay_in_memory()
        else:
            pending, self._pending = self._pending, {}
            sent = False
            try:
                levels, firm = self._levels()
                await self._store.add({**self._sentenced(), **pending}, levels=levels, firm=firm)
                sent = True
                self._tallies = await self._store.read()
            except (RedisError, OSError) as error:
                for pair, delta in ({} if sent else pending).items():  # for the next refresh
                    self._pending[pair] = self._pending.get(pair, EMPTY).plus(delta)
                self._tallies = {}
                UNAVAILABLE.inc()
                if self._available:
                    log_event(
                        logger,
                        "live_quality_unavailable",
                        logging.WARNING,
                        error=type(error).__name__,
                    )
                self._available = False
            else:
                if not self._available:
                    log_event(logger, "live_quality_available", pairs=len(self._tallies))
                self._available = True
        self._rebuild(self._benchmarks())
        self._worth = rating_worth(self._tallies.values(), self._settings.graded)
        RATING_WORTH.set(self._worth)
        fallen = set()
        for (provider, category), live in self._estimates.items():
            LIVE_QUALITY.labels(provider, category.value).set(live.quality)
            LIVE_WEIGHT.labels(provider, category.value).set(live.live_weight)
            FALLEN.labels(provider, category.value).set(1 if live.fallen else 0)
            if live.fallen:
                fallen.add((provider, category))
                if (provider, category) not in self._fallen:
                    log_event(
                        logger,
                        "quality_fell",
                        logging.WARNING,
                        provider=provider,
                        category=category.value,
                        live_quality=round(live.quality, 1),
                        rating_weight=round(live.rating_weight, 1),
                    )
        self._fallen = fallen
        if self._drift is not None:
            await self._drift.check(self._estimates)

    def _sentenced(self) -> dict[Pair, Tally]:
        """An empty delta for each pair that fell and has not been stepped since its hold: its
        step ends the hold and re-centres its ratings (``Tally.with_fall``), though it serves
        nobody and gets no ratings of its own to send (the Lua step, by Redis's clock, decides
        whether the hold is over)."""
        threshold = self._settings.fall.threshold
        return {
            pair: EMPTY
            for pair, tally in self._tallies.items()
            if tally.fall.falls > 0 and tally.fall.statistic >= threshold > 0
        }

    def _levels(self) -> tuple[dict[Pair, float | None], dict[Pair, bool]]:
        """Each pair's learners' level (0-1, None: too few ratings yet), what its fall detector
        measures a fall from, and whether the level rests on ratings enough to be held while
        evidence for a fall accrues."""
        fall, weight = self._settings.fall, self._settings.rating_weight
        levels = {pair: fall.level(tally, weight) for pair, tally in self._tallies.items()}
        firm = {pair: fall.firm(tally, weight) for pair, tally in self._tallies.items()}
        return levels, firm

    def _decay_in_memory(self) -> dict[Pair, Tally]:
        """As the Lua step of ``masterx/live_store.py`` does, in this process."""
        now, settings = self._clock(), self._settings
        pending, self._pending = self._pending, {}
        levels, firm = self._levels()
        tallies = {}
        for pair in set(self._tallies) | set(pending):
            aged = self._tallies.get(pair, replace(EMPTY, at=now)).decayed(
                now, settings.half_life_s
            )
            delta = pending.get(pair, EMPTY)
            aged = aged.then(replace(delta, at=now), settings.half_life_ratings)
            fall = aged.fall.step(
                levels.get(pair),
                delta.rating_weight / settings.rating_weight,
                delta.rating_score / settings.rating_weight,
                now,
                settings.fall,
                firm.get(pair, False),
            )
            tallies[pair] = aged.with_fall(fall, now, settings.fall, settings.rating_weight)
        return tallies

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._refresh_s)
            try:
                await self.refresh()
            except Exception as error:  # the loop must outlive any one refresh
                log_event(
                    logger,
                    "live_quality_refresh_failed",
                    logging.ERROR,
                    error=type(error).__name__,
                )

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="live-quality-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        try:  # the last outcomes reach Redis if it answers
            if self._store is not None and self._pending:
                await self._store.add(self._pending)
        except (RedisError, OSError):
            pass
