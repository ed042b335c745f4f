"""The health service's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from masterx.domain import BreakerState
from masterx.metrics import LATENCY_BUCKETS

STATE_VALUE = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}

BREAKER_STATE = Gauge(
    "masterx_breaker_state",
    "Circuit-breaker state per provider (0 closed, 1 half-open, 2 open).",
    ["provider"],
)
BREAKER_TRANSITIONS = Counter(
    "masterx_breaker_transitions_total",
    "Circuit-breaker transitions made by this replica.",
    ["provider", "from", "to"],
)
PROVIDER_OUTCOMES = Counter(
    "masterx_provider_outcomes_total",
    "Provider call outcomes reported to the health service.",
    ["provider", "outcome", "kind"],
)
ACQUIRE_LATENCY = Histogram(
    "masterx_breaker_acquire_duration_seconds",
    "Time to decide one Acquire (Redis included).",
    buckets=LATENCY_BUCKETS,
)
REPORT_LATENCY = Histogram(
    "masterx_breaker_report_duration_seconds",
    "Time to apply one Report, or one ReportBatch call (Redis included).",
    buckets=LATENCY_BUCKETS,
)
