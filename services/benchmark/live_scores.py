"""Each score's live estimate beside it, for ``GetLatest(with_live=true)``: the router's shared
outcome sums (``masterx/live_store.py``) read from Redis and combined with the score exactly as
the router combines them (``masterx/live_quality.py``). Redis unreachable: scores go out without
(has_live false)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from redis.exceptions import RedisError

from masterx.domain import Category
from masterx.live_quality import EMPTY, LiveSettings, estimate
from masterx.live_store import LiveStore
from masterx.logs import log_event
from masterx.policy import Evidence, QualityPolicy, standard_error
from masterx.v1 import benchmark_pb2

logger = logging.getLogger("masterx.benchmark.live")


class LiveScores:
    def __init__(self, store: LiveStore, settings: LiveSettings, policy: QualityPolicy) -> None:
        self._store = store
        self._settings = settings
        self._policy = policy

    async def fill(self, scores: Sequence[benchmark_pb2.BenchmarkScore]) -> None:
        try:
            tallies = await self._store.read()
        except (RedisError, OSError) as error:
            log_event(
                logger, "live_scores_unavailable", logging.WARNING, error=type(error).__name__
            )
            return
        for score in scores:
            category = Category.from_proto(score.category)
            if category is None:
                continue
            prior = Evidence.of_score(
                score.quality_score,
                score.tests,
                score.failed_tests,
                score.latency_p50_ms,
                score.mean_cost_usd,
            )
            live = estimate(prior, tallies.get((score.provider, category), EMPTY), self._settings)
            score.has_live = True
            score.live_quality = live.quality
            score.live_uncertainty = self._policy.confidence * standard_error(
                live.quality, round(live.effective_tests)
            )
            score.live_effective_tests = live.effective_tests
            score.prior_weight = live.prior_weight
            score.rating_weight = live.rating_weight
            score.signal_weight = live.signal_weight
            score.fallen = live.fallen
