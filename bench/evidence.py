"""A realistic benchmark table for the routing benchmarks: five providers, six categories."""

from __future__ import annotations

import random

from masterx.domain import Category
from masterx.policy import Evidence
from masterx.selection import BenchmarkTable

PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")


def evidence_table(rng: random.Random) -> BenchmarkTable:
    """Qualities 40-95 over 8-14 tests, latencies 10-60 ms, costs $0.0001-0.005 per answer."""
    return BenchmarkTable(
        {
            (p, c): Evidence(
                quality=rng.uniform(40, 95),
                tests=rng.randint(8, 14),
                latency_ms=rng.uniform(10, 60),
                cost_usd=rng.uniform(1e-4, 5e-3),
            )
            for p in PROVIDERS
            for c in Category
        }
    )
