"""The benchmark service's Prometheus metrics."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge, Histogram
from pymongo.errors import PyMongoError

from masterx.domain import Category
from services.benchmark.clock import Clock
from services.benchmark.result_store import ResultStore, ScoreRecord

BENCHMARK_SCORE = Gauge(
    "masterx_benchmark_score",
    "Latest benchmark score (0-100) per provider and category; kind: quality, speed, cost, final.",
    ["provider", "category", "kind"],
)
RUN_DURATION = Histogram(
    "masterx_benchmark_run_duration_seconds",
    "Wall time of a benchmark run, by trigger (schedule, manual) and final status.",
    ["trigger", "status"],
    buckets=(1, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600),
)
RESULTS_NEWEST = Gauge(
    "masterx_benchmark_results_newest_timestamp_seconds",
    "Unix time of the newest benchmark result in MongoDB (any replica's run, or an import); "
    "0 while there is none. Read from MongoDB, so a restart does not reset it.",
)
TESTS = Counter(
    "masterx_benchmark_tests_total",
    "Benchmark tests by provider, category and outcome: correct (quality 100), partial, wrong "
    "(quality 0), not_gradable (no code sandbox: left out of quality), or the provider's "
    "failure kind (timeout, server, rate_limited, ...).",
    ["provider", "category", "outcome"],
)


def publish_scores(records: Iterable[ScoreRecord]) -> None:
    for record in records:
        values = {
            "quality": record.quality_score,
            "speed": record.speed_score,
            "cost": record.cost_score,
            "final": record.final_score,
        }
        for kind, value in values.items():
            BENCHMARK_SCORE.labels(record.provider, record.category.value, kind).set(value)


def count_test(provider: str, category: str, outcome: str) -> None:
    TESTS.labels(provider, category, outcome).inc()


async def follow_scores(
    results: ResultStore, max_age_hours: float, every_s: float, clock: Clock
) -> None:
    """Keep the score gauges equal to the latest scores, whichever replica measured them, and
    the newest result's time with them."""
    version = -1
    while True:
        try:
            current = await results.version()
            RESULTS_NEWEST.set(current / 1000)
            if current != version:
                publish_scores(await results.latest(list(Category), max_age_hours))
                version = current
        except PyMongoError:
            pass  # MongoDB down: the health status says so; try again later
        await clock.sleep(every_s)
