"""The latest benchmark scores, cached in process and refreshed in the background.

Each refresh sends the version it holds; the benchmark service answers ``unchanged`` until a
run completes or results are imported, so the hot path never waits on MongoDB.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import grpc

from masterx.domain import Category
from masterx.logs import log_event
from masterx.policy import Evidence
from masterx.scoring import DEFAULT_WEIGHTS, Weights, stored_weights
from masterx.selection import BenchmarkTable
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc

logger = logging.getLogger("masterx.router.scores")


class ScoreBoard:
    def __init__(self, stub: benchmark_pb2_grpc.BenchmarkStub, refresh_seconds: float) -> None:
        self._stub = stub
        self._refresh_seconds = refresh_seconds
        self._scores = BenchmarkTable()
        self._version = -1
        self._task: asyncio.Task[None] | None = None

    @property
    def scores(self) -> BenchmarkTable:
        return self._scores

    async def refresh(self) -> None:
        request = benchmark_pb2.GetLatestRequest(known_version=max(self._version, 0))
        reply = await self._stub.GetLatest(request, timeout=2.0)
        if reply.unchanged or reply.version == self._version:
            return  # nothing new since the last refresh: one indexed lookup on their side
        self._scores, self._version = benchmark_table(reply.scores), reply.version
        entries = len(self._scores.evidence)
        log_event(logger, "scores_refreshed", entries=entries, version=reply.version)

    async def _loop(self) -> None:
        while True:
            try:
                await self.refresh()
            except grpc.aio.AioRpcError as error:
                log_event(
                    logger,
                    "scores_refresh_failed",
                    logging.WARNING,
                    code=error.code().name,
                    detail=error.details(),
                )
            await asyncio.sleep(self._refresh_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="scoreboard-refresh")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def benchmark_table(scores: Iterable[benchmark_pb2.BenchmarkScore]) -> BenchmarkTable:
    """Evidence per (provider, category) and each category's weights, as the benchmark service
    measured them; a provider that answered none of its tests has no latency or cost."""
    evidence: dict[tuple[str, Category], Evidence] = {}
    weights: dict[Category, Weights] = dict(DEFAULT_WEIGHTS)
    for score in scores:
        category = Category.from_proto(score.category)
        if category is None:
            continue
        evidence[(score.provider, category)] = Evidence.of_score(
            score.quality_score,
            score.tests,
            score.failed_tests,
            score.latency_p50_ms,
            score.mean_cost_usd,
        )
        w = score.weights
        stored = stored_weights(w.quality, w.speed, w.cost)
        if stored is not None:  # a score without (valid) weights keeps the category's defaults
            weights[category] = stored
    return BenchmarkTable(evidence, weights)
