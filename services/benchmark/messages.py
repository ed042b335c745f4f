"""Conversions between the stored documents / records and the Benchmark gRPC messages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from masterx.domain import Category
from masterx.providers.model_names import MODEL_NAME_RULE, model_name_problem
from masterx.quoting import quoted
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
# ImportResults: scores per call (6 categories x ~160 models; more would slow every GetLatest),
# characters of a provider or model name, and of the source.
MAX_IMPORT_SCORES = 1000
MAX_NAME_CHARS = 128
MAX_SOURCE_CHARS = 512  # "replay:<file name>" fits (a file name is at most 255 bytes)
SCORE_FIELDS = ("quality_score", "speed_score", "cost_score", "final_score")


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


def name_problem(name: str) -> str | None:
    """None when ``name`` may be an imported provider or model name, else why not. The router's
    model-name rule (masterx/providers/model_names.py), wider on purpose than the provider-name
    rule (masterx/providers/provider_names.py): a replay import names each provider after a
    model (``mistralai/Mixtral-8x7B-Instruct-v0.1``), so '/', ':', '@' and '+' are allowed
    beside letters, digits, '_', '.' and '-'; never a space or a control character, and at most
    128 characters."""
    if not name:
        return "is missing"
    if len(name) > MAX_NAME_CHARS:
        return f"of {len(name)} characters is too long (at most {MAX_NAME_CHARS})"
    if model_name_problem(name) is not None:
        return f"{quoted(name)} is not a valid name: {MODEL_NAME_RULE}"
    return None


def score_record(message: benchmark_pb2.BenchmarkScore, where: str = "score") -> ScoreRecord:
    """An imported score; ValueError naming the score, its provider and the field when it is
    not valid (``where`` says which score, e.g. ``scores[3]``)."""
    provider = message.provider
    problem = name_problem(provider)
    if problem is not None:
        raise ValueError(f"{where}: provider {problem}")
    category = category_of(message.category, f"{where} (provider {provider!r})")
    field = f"{where} ({provider}/{category})"
    for name in SCORE_FIELDS:
        value = getattr(message, name)
        if not 0 <= value <= 100:
            raise ValueError(f"{field}: {name} {value} not in 0..100")
    problem = name_problem(message.model) if message.model else None  # the model is optional
    if problem is not None:
        raise ValueError(f"{field}: model {problem}")
    weights = message.weights
    measured = (
        ("latency_p50_ms", message.latency_p50_ms),
        ("latency_p95_ms", message.latency_p95_ms),
        ("mean_cost_usd", message.mean_cost_usd),
        ("weights.quality", weights.quality),
        ("weights.speed", weights.speed),
        ("weights.cost", weights.cost),
    )
    for name, value in measured:
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{field}: {name} {value} must be a finite number >= 0")
    if message.tests < 0:
        raise ValueError(f"{field}: tests {message.tests} must be >= 0")
    if not 0 <= message.failed_tests <= message.tests:
        raise ValueError(
            f"{field}: failed_tests {message.failed_tests} must be in 0..tests ({message.tests})"
        )
    return ScoreRecord(
        provider=provider,
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


def import_records(scores: Sequence[benchmark_pb2.BenchmarkScore]) -> list[ScoreRecord]:
    """The scores of one ImportResults call, every one valid and at most one per provider and
    category; ValueError naming the first problem (nothing is stored then)."""
    if not scores:
        raise ValueError("no scores to import")
    if len(scores) > MAX_IMPORT_SCORES:
        raise ValueError(
            f"scores: at most {MAX_IMPORT_SCORES} scores per import, not {len(scores)}"
        )
    records: list[ScoreRecord] = []
    first: dict[tuple[str, Category], int] = {}
    for index, message in enumerate(scores):
        record = score_record(message, f"scores[{index}]")
        key = (record.provider, record.category)
        if key in first:
            raise ValueError(
                f"scores[{index}]: a second score for {record.provider}/{record.category} "
                f"(scores[{first[key]}] is the first); one score per provider and category"
            )
        first[key] = index
        records.append(record)
    return records


def import_source(source: str) -> str:
    """What an import says it came from (its run's trigger is ``import:<source>``)."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ValueError(
            f"source of {len(source)} characters is too long (at most {MAX_SOURCE_CHARS})"
        )
    if not source.isprintable():
        raise ValueError(f"source {quoted(source)} must be printable (no control characters)")
    return source or "unnamed"


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
