"""Run every drill, in order, against one stack."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

from bench.drills.harness import FULL, SHORT, DrillResult, DrillStack, Timing
from bench.drills.keyed_outage import redis_killed_under_keyed_load
from bench.drills.process_outages import mongodb_killed, redis_killed, router_killed
from bench.drills.provider_outages import every_provider_down, one_provider_down
from bench.drills.quality_drift import quality_drift

Drill = Callable[[DrillStack, Timing], Awaitable[DrillResult]]


def drills(database: str, ratings: str = "stars") -> list[tuple[str, Drill]]:
    async def mongodb(stack: DrillStack, timing: Timing) -> DrillResult:
        return await mongodb_killed(stack, timing, database)

    async def drift(stack: DrillStack, timing: Timing) -> DrillResult:
        return await quality_drift(stack, timing, ratings)

    return [
        ("one provider down", one_provider_down),
        ("every provider down", every_provider_down),
        ("Redis killed and restarted", redis_killed),
        ("MongoDB killed and restarted", mongodb),
        ("Redis killed under keyed load", redis_killed_under_keyed_load),
        ("quality drift", drift),
        ("one of two routers killed", router_killed),  # last: it leaves one router dead
    ]


async def run_drills(
    short: bool = False, announce: bool = False, only: str = "", ratings: str = "stars"
) -> list[DrillResult]:
    """Every drill in order, or only those whose name contains ``only``; ``ratings``: the
    quality drift drill's learners' scale (``bench/drills/rated_traffic.py``)."""
    timing = SHORT if short else FULL
    database = os.environ.get("MASTERX_MONGODB_DATABASE", "masterx")
    results: list[DrillResult] = []
    chosen = [(n, d) for n, d in drills(database, ratings) if only.lower() in n.lower()]
    with DrillStack(announce=announce) as stack:
        try:
            for name, drill in chosen:
                if announce:
                    print(f"[drills] {name} ...", flush=True)
                try:
                    results.append(await drill(stack, timing))
                except Exception as error:  # one broken drill must not hide the others
                    results.append(DrillResult(name, [], error=f"{type(error).__name__}: {error}"))
        finally:
            await stack.simulator.close()
    return results
