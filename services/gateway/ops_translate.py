"""Translate the health, benchmark and cost messages into the dashboard bodies."""

from __future__ import annotations

from datetime import UTC, datetime

from masterx.domain import BreakerState, Category
from masterx.v1 import benchmark_pb2, router_pb2
from masterx.v1 import health_pb2 as breaker_pb2
from services.gateway.ops_schemas import (
    BenchmarkRunOut,
    BenchmarkScoreOut,
    BenchmarksOut,
    BreakerOut,
    CostBucketOut,
    CostsOut,
    LiveOut,
    ProviderHealthOut,
    ProviderOut,
    ProviderProgressOut,
    ProvidersOut,
    WeightsOut,
)
from services.gateway.translate import category_name, failure_name

RUN_STATUS = {
    benchmark_pb2.RUN_STATUS_PENDING: "pending",
    benchmark_pb2.RUN_STATUS_RUNNING: "running",
    benchmark_pb2.RUN_STATUS_COMPLETED: "completed",
    benchmark_pb2.RUN_STATUS_FAILED: "failed",
}


def moment(seconds: float) -> datetime | None:
    """A unix time as a UTC datetime; None for 0 (never)."""
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None


def _state(value: int) -> str:
    return BreakerState.from_proto(value).value


def score_out(score: benchmark_pb2.BenchmarkScore) -> BenchmarkScoreOut:
    return BenchmarkScoreOut(
        provider=score.provider,
        model=score.model,
        category=category_name(score.category),
        quality_score=score.quality_score,
        quality_uncertainty=score.quality_uncertainty,
        within_tolerance=score.within_tolerance,
        speed_score=score.speed_score,
        cost_score=score.cost_score,
        final_score=score.final_score,
        latency_p50_ms=score.latency_p50_ms,
        latency_p95_ms=score.latency_p95_ms,
        mean_cost_usd=score.mean_cost_usd,
        tests=score.tests,
        failed_tests=score.failed_tests,
        run_id=score.run_id,
        measured_at=moment(score.measured_at),
        imported=score.imported,
        weights=WeightsOut(
            quality=score.weights.quality, speed=score.weights.speed, cost=score.weights.cost
        ),
        live=live_out(score),
    )


def live_out(score: benchmark_pb2.BenchmarkScore) -> LiveOut | None:
    if not score.has_live:
        return None
    return LiveOut(
        quality=round(score.live_quality, 2),
        uncertainty=round(score.live_uncertainty, 2),
        effective_tests=round(score.live_effective_tests, 2),
        prior_weight=round(score.prior_weight, 2),
        rating_weight=round(score.rating_weight, 2),
        signal_weight=round(score.signal_weight, 2),
        fallen=score.fallen,
    )


def benchmarks_out(reply: benchmark_pb2.GetLatestReply, wanted: list[Category]) -> BenchmarksOut:
    scores: dict[str, list[BenchmarkScoreOut]] = {c.value: [] for c in wanted}
    # the policy's order: within the tolerance by final score, then the rest by assured quality
    order = sorted(
        reply.scores,
        key=lambda s: (
            not s.within_tolerance,
            -(s.final_score if s.within_tolerance else s.quality_score - s.quality_uncertainty),
            s.provider,
        ),
    )
    for score in order:
        name = category_name(score.category)
        if name in scores:
            scores[name].append(score_out(score))
    return BenchmarksOut.model_validate({"scores": scores, "version": reply.version})


def run_out(run: benchmark_pb2.BenchmarkRun) -> BenchmarkRunOut:
    status = RUN_STATUS.get(run.status, "pending")
    total = run.tests_total
    percent = 100.0 if status == "completed" else (100.0 * run.tests_done / total if total else 0.0)
    return BenchmarkRunOut(
        run_id=run.run_id,
        status=status,
        categories=[category_name(c) for c in run.categories],
        providers=list(run.providers),
        tests_done=run.tests_done,
        tests_total=total,
        percent=round(min(percent, 100.0), 1),
        progress=[
            ProviderProgressOut(
                provider=p.provider,
                tests_done=p.tests_done,
                tests_total=p.tests_total,
                tests_failed=p.tests_failed,
                failures=dict(p.failures),
            )
            for p in run.progress
        ],
        errors=list(run.errors),
        started_at=moment(run.started_at),
        finished_at=moment(run.finished_at),
        trigger=run.trigger or "manual",
    )


def health_out(
    reply: breaker_pb2.StatusReply, discovered: router_pb2.ListProvidersReply | None = None
) -> ProviderHealthOut:
    """Every provider the health service holds, and every one the router discovered that it
    has not seen yet (a closed breaker with no history)."""
    breakers = [
        BreakerOut(
            provider=s.provider,
            state=_state(s.state),
            seen=True,
            failures_in_window=s.failures_in_window,
            successes_in_window=s.successes_in_window,
            consecutive_failures=s.consecutive_failures,
            last_error_kind=failure_name(s.last_error_kind),
            last_error_at=moment(s.last_error_at),
            open_until=moment(s.open_until),
            consecutive_opens=s.consecutive_opens,
            latency_ewma_ms=s.latency_ewma_ms,
            half_open_in_flight=s.half_open_in_flight,
            config_problem=s.config_problem,
            updated_at=moment(s.updated_at),
        )
        for s in reply.providers
    ]
    held = {b.provider for b in breakers}
    for provider in discovered.providers if discovered is not None else ():
        if provider.name not in held:
            held.add(provider.name)
            breakers.append(unseen_breaker(provider.name))
    return ProviderHealthOut(providers=sorted(breakers, key=lambda b: b.provider))


def unseen_breaker(provider: str) -> BreakerOut:
    return BreakerOut(
        provider=provider,
        state=BreakerState.CLOSED.value,
        seen=False,
        failures_in_window=0,
        successes_in_window=0,
        consecutive_failures=0,
        last_error_kind=None,
        last_error_at=None,
        open_until=None,
        consecutive_opens=0,
        latency_ewma_ms=0.0,
        half_open_in_flight=0,
        config_problem=False,
        updated_at=None,
    )


def providers_out(reply: router_pb2.ListProvidersReply) -> ProvidersOut:
    return ProvidersOut(
        providers=[
            ProviderOut(
                name=p.name,
                kind=p.kind,
                model=p.model,
                simulated=p.simulated,
                state=_state(p.state),
            )
            for p in reply.providers
        ]
    )


def _buckets(buckets: list[router_pb2.CostBucket]) -> list[CostBucketOut]:
    return [
        CostBucketOut(
            key=b.key,
            cost_usd=b.cost_usd,
            requests=b.requests,
            prompt_tokens=b.prompt_tokens,
            completion_tokens=b.completion_tokens,
            saved_usd=b.saved_usd,
        )
        for b in buckets
    ]


def costs_out(reply: router_pb2.CostsReply) -> CostsOut:
    return CostsOut(
        since=datetime.fromtimestamp(reply.since, UTC),
        until=datetime.fromtimestamp(reply.until, UTC),
        total_cost_usd=reply.total_cost_usd,
        total_requests=reply.total_requests,
        total_saved_usd=reply.total_saved_usd,
        by_provider=_buckets(list(reply.by_provider)),
        by_category=_buckets(list(reply.by_category)),
        by_day=_buckets(list(reply.by_day)),
        by_key=_buckets(list(reply.by_key)),
        by_user=_buckets(list(reply.by_user)),
    )
