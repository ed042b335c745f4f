"""The router's Prometheus metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from masterx.metrics import LATENCY_BUCKETS

ROUTE_DECISIONS = Counter(
    "masterx_route_decisions_total",
    "Routing decisions, by category, provider and reason.",
    ["category", "provider", "reason"],
)
FALLBACKS = Counter(
    "masterx_fallbacks_total",
    "Requests served by a provider other than the first choice.",
    ["category"],
)
REQUEST_DURATION = Histogram(
    "masterx_request_duration_seconds",
    "Router time per chat request, provider time included.",
    ["provider", "category"],
    buckets=LATENCY_BUCKETS,
)
PROVIDER_DURATION = Histogram(
    "masterx_provider_duration_seconds",
    "Time spent waiting for providers per chat request.",
    ["provider", "category"],
    buckets=LATENCY_BUCKETS,
)
ROUTER_OVERHEAD = Histogram(
    "masterx_router_overhead_seconds",
    "Router time per request outside provider calls (detection, selection, bookkeeping).",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
)
TOKENS = Counter(
    "masterx_tokens_total",
    "Tokens used, by provider, category and direction.",
    ["provider", "category", "direction"],
)
COST = Counter("masterx_cost_usd_total", "USD spent on providers.", ["provider", "category"])
TOPIC_CHANGES = Counter(
    "masterx_session_topic_changes_total",
    "Sessions re-routed because their topic changed.",
    ["from_topic", "to_topic"],
)
REQUESTS_FAILED = Counter(
    "masterx_requests_failed_total",
    "Chat requests no provider could answer.",
    ["category"],
)
RATINGS = Counter(
    "masterx_feedback_ratings_total",
    "Learner ratings of answers, by provider, category and rating (up, down, 1-5).",
    ["provider", "category", "rating"],
)
SESSIONS_MOVED = Counter(
    "masterx_feedback_sessions_moved_total",
    "Sessions released from their provider by a down rating (they re-route next message).",
    ["provider", "category"],
)
# The response cache (services/router/response_cache.py; README, "Response cache").
CACHE_HITS = Counter(
    "masterx_cache_hits_total", "Chat requests answered from the response cache.", ["category"]
)
CACHE_MISSES = Counter(
    "masterx_cache_misses_total",
    "Eligible chat requests the cache could not answer: no entry (absent), or Redis down, slow "
    "or answering nonsense (unavailable).",
    ["category", "reason"],
)
CACHE_SAVED = Counter(
    "masterx_cache_saved_usd_total",
    "USD the cached answers' original calls cost: what serving them again did not spend.",
    ["category"],
)
CACHE_STORE_FAILURES = Counter(
    "masterx_cache_store_failures_total", "Answers that could not be stored in the cache."
)
CACHE_LOOKUP = Histogram(
    "masterx_cache_lookup_seconds",
    "Time of a response-cache lookup (the router's one synchronous Redis call, opt-in).",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1),
)
