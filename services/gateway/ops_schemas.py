"""Bodies of the dashboard endpoints: benchmarks, runs, provider health, providers, costs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.gateway.schemas import (
    STRICT,
    CategoryName,
    FailureName,
    Name,
    StateName,
    examples_config,
)

RunStatusName = Literal["pending", "running", "completed", "failed"]
_SCORE_EXAMPLE = {
    "provider": "anthropic",
    "model": "claude-sonnet-4-6",
    "category": "coding",
    "quality_score": 92.3,
    "quality_uncertainty": 6.6,
    "within_tolerance": True,
    "speed_score": 70.0,
    "cost_score": 41.5,
    "final_score": 75.5,
    "latency_p50_ms": 55.0,
    "latency_p95_ms": 71.2,
    "mean_cost_usd": 0.0021,
    "tests": 13,
    "failed_tests": 0,
    "run_id": "run-4b1d7c9e2f0a5b3c",
    "measured_at": "2026-01-01T12:00:00Z",
    "imported": False,
    "weights": {"quality": 0.5, "speed": 0.3, "cost": 0.2},
}


class WeightsOut(BaseModel):
    """How the category combines its three scores into the final score."""

    quality: float = Field(..., description="Weight of quality.")
    speed: float = Field(..., description="Weight of speed.")
    cost: float = Field(..., description="Weight of cost.")


class LiveOut(BaseModel):
    """The live quality estimate beside a benchmark score, and what each side weighed."""

    quality: float = Field(..., description="Live quality estimate, 0-100.")
    uncertainty: float = Field(..., description="Its uncertainty in points (the ±).")
    effective_tests: float = Field(..., description="Answers' worth of evidence behind it.")
    prior_weight: float = Field(..., description="Answers' worth the benchmark weighed.")
    rating_weight: float = Field(..., description="Answers' worth learner ratings weighed.")
    signal_weight: float = Field(
        ..., description="Answers' worth hard signals (errors, truncations, refusals) weighed."
    )
    fallen: bool = Field(
        False,
        description="Its learners' ratings say its quality fell (the fall detector): the router"
        " holds it out of the quality band until the hold ends (MASTERX_LIVE_FALL_*).",
    )


class BenchmarkScoreOut(BaseModel):
    """One provider's latest result in one category."""

    provider: str = Field(..., description="The provider.")
    model: str = Field(..., description="The model benchmarked.")
    category: CategoryName = Field(..., description="The category.")
    quality_score: float = Field(..., description="Mean graded quality, 0-100.")
    quality_uncertainty: float = Field(
        ..., description="Its uncertainty in points (the ± of quality_score)."
    )
    within_tolerance: bool = Field(
        ...,
        description="Quality within the tolerance of the category's best: only those compete"
        " on speed and cost.",
    )
    speed_score: float = Field(..., description="Speed points, 0-100, log scale.")
    cost_score: float = Field(..., description="Cost points, 0-100, log scale.")
    final_score: float = Field(
        ..., description="Assured quality, speed and cost points under the weights, 0-100."
    )
    latency_p50_ms: float = Field(..., description="Median latency, in milliseconds.")
    latency_p95_ms: float = Field(..., description="95th percentile latency, in milliseconds.")
    mean_cost_usd: float = Field(..., description="Mean cost of one test, in US dollars.")
    tests: int = Field(..., description="Tests run.")
    failed_tests: int = Field(..., description="Tests without an answer (counted as quality 0).")
    run_id: str = Field(..., description="The run (or import) that measured it.")
    measured_at: datetime | None = Field(..., description="When it was measured (UTC).")
    imported: bool = Field(..., description="Measured elsewhere and imported.")
    weights: WeightsOut = Field(..., description="The category's weights.")
    live: LiveOut | None = Field(
        None,
        description="The router's live estimate for this provider and category (benchmark,"
        " learner ratings and hard signals, decayed); null when it cannot be read.",
    )


class BenchmarksOut(BaseModel):
    """The latest scores, per category, best first."""

    model_config = examples_config({"scores": {"coding": [_SCORE_EXAMPLE]}, "version": 7})
    scores: dict[CategoryName, list[BenchmarkScoreOut]] = Field(
        ..., description="The category asked for, or all six; each list best first."
    )
    version: int = Field(..., description="Changes whenever new results arrive.")


class RunBenchmarksIn(BaseModel):
    """What to benchmark; an omitted list means everything."""

    model_config = STRICT | examples_config(
        {}, {"categories": ["coding", "math"]}, {"categories": ["coding"], "providers": ["groq"]}
    )
    categories: list[CategoryName] | None = Field(
        None, max_length=6, description="Categories to run (default: all six)."
    )
    providers: list[Name] | None = Field(
        None, max_length=64, description="Providers to benchmark (default: every one)."
    )


class RunStartedOut(BaseModel):
    """A run that has started in the background."""

    model_config = examples_config(
        {
            "run_id": "run-4b1d7c9e2f0a5b3c",
            "status": "pending",
            "progress_url": "/api/v1/admin/benchmark-runs/run-4b1d7c9e2f0a5b3c",
        }
    )
    run_id: str = Field(..., description="The run's id.")
    status: RunStatusName = Field(..., description="Always pending: it has just started.")
    progress_url: str = Field(..., description="Where to follow its progress.")


class ProviderProgressOut(BaseModel):
    """One provider's progress in a run."""

    provider: str = Field(..., description="The provider.")
    tests_done: int = Field(..., description="Tests finished.")
    tests_total: int = Field(..., description="Tests planned.")
    tests_failed: int = Field(..., description="Tests the provider did not answer.")
    failures: dict[str, int] = Field(..., description="Failed tests by failure kind.")


class BenchmarkRunOut(BaseModel):
    """A benchmark run's status and progress."""

    model_config = examples_config(
        {
            "run_id": "run-4b1d7c9e2f0a5b3c",
            "status": "running",
            "categories": ["coding"],
            "providers": ["anthropic", "groq"],
            "tests_done": 13,
            "tests_total": 26,
            "percent": 50.0,
            "progress": [
                {
                    "provider": "anthropic",
                    "tests_done": 13,
                    "tests_total": 13,
                    "tests_failed": 0,
                    "failures": {},
                },
                {
                    "provider": "groq",
                    "tests_done": 0,
                    "tests_total": 13,
                    "tests_failed": 0,
                    "failures": {},
                },
            ],
            "errors": [],
            "started_at": "2026-01-01T12:00:00Z",
            "finished_at": None,
            "trigger": "manual",
        }
    )
    run_id: str = Field(..., description="The run's id.")
    status: RunStatusName = Field(..., description="Where the run is.")
    categories: list[CategoryName] = Field(..., description="Categories it covers.")
    providers: list[str] = Field(..., description="Providers it benchmarks.")
    tests_done: int = Field(..., description="Tests finished, every provider together.")
    tests_total: int = Field(..., description="Tests planned, every provider together.")
    percent: float = Field(..., description="tests_done / tests_total, 0-100.")
    progress: list[ProviderProgressOut] = Field(..., description="Progress per provider.")
    errors: list[str] = Field(..., description="What went wrong, if anything.")
    started_at: datetime | None = Field(..., description="When it started (UTC).")
    finished_at: datetime | None = Field(..., description="When it ended (UTC); null while on.")
    trigger: str = Field(..., description="manual or schedule.")


class BreakerOut(BaseModel):
    """One provider's circuit breaker."""

    provider: str = Field(..., description="The provider.")
    state: StateName = Field(..., description="closed (healthy), open (skipped) or half_open.")
    seen: bool = Field(
        ..., description="An outcome was reported for it; false: discovered, no traffic yet."
    )
    failures_in_window: int = Field(..., description="Failures in the rolling window.")
    successes_in_window: int = Field(..., description="Successes in the rolling window.")
    consecutive_failures: int = Field(..., description="Failures since the last success.")
    last_error_kind: FailureName | None = Field(..., description="Kind of the last failure.")
    last_error_at: datetime | None = Field(..., description="When it last failed (UTC).")
    open_until: datetime | None = Field(..., description="When open: earliest half-open probe.")
    consecutive_opens: int = Field(..., description="Opens in a row (drives the backoff).")
    latency_ewma_ms: float = Field(..., description="Smoothed latency, in milliseconds.")
    half_open_in_flight: int = Field(..., description="Probe calls in flight.")
    config_problem: bool = Field(..., description="The last failure was an auth error.")
    updated_at: datetime | None = Field(..., description="Last change (UTC).")


class ProviderHealthOut(BaseModel):
    """Every discovered provider's circuit breaker, as the health service holds it."""

    model_config = examples_config(
        {
            "providers": [
                {
                    "provider": "groq",
                    "state": "open",
                    "seen": True,
                    "failures_in_window": 5,
                    "successes_in_window": 12,
                    "consecutive_failures": 5,
                    "last_error_kind": "rate_limited",
                    "last_error_at": "2026-01-01T12:00:00Z",
                    "open_until": "2026-01-01T12:01:00Z",
                    "consecutive_opens": 1,
                    "latency_ewma_ms": 14.2,
                    "half_open_in_flight": 0,
                    "config_problem": False,
                    "updated_at": "2026-01-01T12:00:00Z",
                }
            ]
        }
    )
    providers: list[BreakerOut] = Field(..., description="One breaker per provider.")


class ProviderOut(BaseModel):
    """A provider the router discovered."""

    name: str = Field(..., description="Its name (pin it with provider or model).")
    kind: str = Field(..., description="openai, anthropic, gemini, groq or openai_compatible.")
    model: str = Field(..., description="Its default model.")
    simulated: bool = Field(..., description="Served by the provider simulator.")
    state: StateName = Field(..., description="Its breaker's state as the router sees it.")


class ProvidersOut(BaseModel):
    """The providers the router can use."""

    model_config = examples_config(
        {
            "providers": [
                {
                    "name": "openai",
                    "kind": "openai",
                    "model": "gpt-4o",
                    "simulated": True,
                    "state": "closed",
                }
            ]
        }
    )
    providers: list[ProviderOut] = Field(..., description="Every discovered provider.")


class CostBucketOut(BaseModel):
    """Usage totalled for one provider, category or day."""

    key: str = Field(..., description="The provider, the category, or the day (YYYY-MM-DD).")
    cost_usd: float = Field(..., description="Cost, in US dollars.")
    requests: int = Field(..., description="Chat requests.")
    prompt_tokens: int = Field(..., description="Prompt tokens.")
    completion_tokens: int = Field(..., description="Answer tokens.")
    saved_usd: float = Field(
        0.0, description="What the answers served from the response cache originally cost."
    )


class CostsOut(BaseModel):
    """The cost dashboard, from the usage records in the time range."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "since": "2026-01-01T00:00:00Z",
                    "until": "2026-01-02T00:00:00Z",
                    "total_cost_usd": 0.0123,
                    "total_requests": 42,
                    "by_provider": [
                        {
                            "key": "groq",
                            "cost_usd": 0.001,
                            "requests": 30,
                            "prompt_tokens": 400,
                            "completion_tokens": 2100,
                        }
                    ],
                    "by_category": [
                        {
                            "key": "coding",
                            "cost_usd": 0.0123,
                            "requests": 42,
                            "prompt_tokens": 600,
                            "completion_tokens": 3900,
                        }
                    ],
                    "by_day": [
                        {
                            "key": "2026-01-01",
                            "cost_usd": 0.0123,
                            "requests": 42,
                            "prompt_tokens": 600,
                            "completion_tokens": 3900,
                        }
                    ],
                }
            ]
        }
    )
    since: datetime = Field(..., description="Start of the range (UTC).")
    until: datetime = Field(..., description="End of the range (UTC).")
    total_cost_usd: float = Field(..., description="Total cost, in US dollars.")
    total_requests: int = Field(..., description="Total chat requests.")
    total_saved_usd: float = Field(
        0.0, description="USD the response cache saved (its answers cost 0 when served again)."
    )
    by_provider: list[CostBucketOut] = Field(..., description="Totals per provider.")
    by_category: list[CostBucketOut] = Field(..., description="Totals per category.")
    by_day: list[CostBucketOut] = Field(..., description="Totals per UTC day.")
    by_key: list[CostBucketOut] = Field(
        default_factory=list,
        description="Totals per API key id: a managed key's id (12 hex digits), a static "
        "key's hash prefix (16), '(none)' without a key.",
    )
    by_user: list[CostBucketOut] = Field(
        default_factory=list, description="Totals per user (the request's user / user_id)."
    )
