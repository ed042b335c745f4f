"""Conversions between the stored documents / records and the Benchmark gRPC messages."""

from __future__ import annotations

from typing import Any

from masterx.domain import Category
from masterx.v1 import benchmark_pb2
from services.benchmark.result_store import ScoreRecord

RUN_STATUS: dict[str, benchmark_pb2.RunStatus] = {
    "pending": benchmark_pb2.RUN_STATUS_PENDING,
    "running": benchmark_pb2.RUN_STATUS_RUNNING,
    "completed": benchmark_pb2.RUN_STATUS_COMPLETED,
    "failed": benchmark_pb2.RUN_STATUS_FAILED,
}
# A run whose progress has not been written for this long lost its replica.
ABANDONED_AFTER_S = 120.0


def score_message(record: ScoreRecord) -> benchmark_pb2.BenchmarkScore:
    return benchmark_pb2.BenchmarkScore(
        provider=record.provider,
        model=record.model,
        category=record.category.to_proto(),
        quality_score=record.quality_score,
        speed_score=record.speed_score,
        cost_score=record.cost_score,
        final_score=record.final_score,
        latency_p50_ms=record.latency_p50_ms,
        latency_p95_ms=record.latency_p95_ms,
        mean_cost_usd=record.mean_cost_usd,
        tests=record.tests,
        run_id=record.run_id,
        measured_at=record.measured_at,
        imported=record.imported,
        weights=benchmark_pb2.ScoreWeights(**record.weights),
        failed_tests=record.failed_tests,
        quality_uncertainty=record.quality_uncertainty,
        within_tolerance=record.within_tolerance,
    )


def score_record(message: benchmark_pb2.BenchmarkScore) -> ScoreRecord:
    """An imported score; ValueError naming the provider and field when it is not valid."""
    if not message.provider:
        raise ValueError("every score needs a provider")
    category = category_of(message.category, f"score for provider {message.provider!r}")
    for name in ("quality_score", "speed_score", "cost_score", "final_score"):
        value = getattr(message, name)
        if not 0 <= value <= 100:
            raise ValueError(
                f"score for {message.provider}/{category}: {name} {value} not in 0..100"
            )
    weights = message.weights
    return ScoreRecord(
        provider=message.provider,
        model=message.model,
        category=category,
        quality_score=message.quality_score,
        speed_score=message.speed_score,
        cost_score=message.cost_score,
        final_score=message.final_score,
        latency_p50_ms=message.latency_p50_ms,
        latency_p95_ms=message.latency_p95_ms,
        mean_cost_usd=message.mean_cost_usd,
        tests=message.tests,
        weights={"quality": weights.quality, "speed": weights.speed, "cost": weights.cost},
        failed_tests=message.failed_tests,
    )


def category_of(value: int, where: str = "request") -> Category:
    """A category from its enum value; ValueError for UNSPECIFIED or an unknown number."""
    try:
        category = Category.from_proto(value)
    except (ValueError, KeyError):
        category = None
    if category is None:
        raise ValueError(
            f"{where}: category {value} is not one of "
            f"{', '.join(f'{c.to_proto()} ({c.value})' for c in Category)}"
        )
    return category


def run_message(run: dict[str, Any], now: float) -> benchmark_pb2.BenchmarkRun:
    status = run.get("status", "")
    errors = list(run.get("errors", []))
    updated = run.get("updated_at") or run.get("started_at") or 0.0
    if status in ("pending", "running") and now - updated > ABANDONED_AFTER_S:
        status = "failed"
        errors.append(
            f"abandoned: no progress written for {now - updated:.0f}s "
            "(the replica running it stopped)"
        )
    return benchmark_pb2.BenchmarkRun(
        run_id=run["run_id"],
        status=RUN_STATUS.get(status, benchmark_pb2.RUN_STATUS_UNSPECIFIED),
        categories=[Category(c).to_proto() for c in run.get("categories", [])],
        providers=run.get("providers", []),
        tests_done=run.get("tests_done", 0),
        tests_total=run.get("tests_total", 0),
        progress=[
            benchmark_pb2.ProviderProgress(
                provider=p["provider"],
                tests_done=p["tests_done"],
                tests_total=p["tests_total"],
                tests_failed=p["tests_failed"],
                failures=p.get("failures", {}),
            )
            for p in run.get("progress", [])
        ],
        errors=errors,
        started_at=run.get("started_at", 0.0),
        finished_at=run.get("finished_at") or 0.0,
        trigger=run.get("trigger", ""),
    )
