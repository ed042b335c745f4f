"""Prometheus metrics of spend control (health service). Labelled by key id, never by user,
so cardinality is bounded by the number of keys."""

from __future__ import annotations

from prometheus_client import Counter

KEY_LIMIT_HITS = Counter(
    "masterx_key_limit_hits_total",
    "Requests an API key's limits refused, by key id and limit.",
    ["key", "limit"],
)
UNENFORCED = Counter(
    "masterx_keys_unenforced_total",
    "Spend-control work Redis could not do: requests admitted on this replica's local share "
    "(admitted_locally), reservations that could not be settled (settle_lost).",
    ["what"],
)
KEY_SPEND = Counter(
    "masterx_key_spend_usd_total",
    "USD charged to each API key as its calls settle (actual cost; worst case for lost holds "
    "is charged in Redis only).",
    ["key"],
)
for _what in ("admitted_locally", "settle_lost"):
    UNENFORCED.labels(_what)  # a 0 series from the start, so "nothing unenforced" is visible
