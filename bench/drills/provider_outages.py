"""Drills 1 and 2: one provider hard down, then every provider down, under steady load."""

from __future__ import annotations

import asyncio
import time

from bench.drills.harness import DEADLINE_S, DrillResult, DrillStack, Timing
from bench.drills.probes import breaker_view, wait_until


async def _busiest_provider(drills: DrillStack) -> str:
    """The provider serving most of a short burst: the one whose outage users would feel."""
    load = drills.load(Timing(0, 0, rate=20.0))
    load.start()
    await asyncio.sleep(1.0)
    await load.stop()
    view = await breaker_view(drills.router_targets[0])
    served = await drills.simulator.call_counts()
    return max(view, key=lambda name: served.get(name, 0))


async def one_provider_down(drills: DrillStack, timing: Timing) -> DrillResult:
    await drills.settle(timing)
    victim = await _busiest_provider(drills)
    await drills.simulator.set(victim, mode="error", status=503)
    load = drills.load(timing)
    result = DrillResult(f"one provider down ({victim})", [])
    try:
        load.start()
        injected = time.monotonic()

        async def router_sees_open() -> bool:
            return (await breaker_view(drills.router_targets[0])).get(victim) == "open"

        # The victim is called (and fails) only when routing picks it first: wait for it.
        seconds = await wait_until(router_sees_open, timing.state_timeout_s, f"{victim} OPEN")
        result.measures["time_to_open_s"] = round(seconds, 3)
        await asyncio.sleep(max(0.0, timing.outage_s - (time.monotonic() - injected)))
    except TimeoutError as error:
        result.error = str(error)
    finally:
        result.replies = await load.stop()
        await drills.simulator.set(victim, mode="ok")
    result.measures["victim"] = victim
    result.checks["no user-visible failure"] = all(r.status == 200 for r in result.replies)
    result.checks["breaker opened"] = "time_to_open_s" in result.measures
    result.checks["within deadline"] = all(r.latency_s < DEADLINE_S for r in result.replies)
    return result


async def every_provider_down(drills: DrillStack, timing: Timing) -> DrillResult:
    await drills.settle(timing)
    providers = await drills.simulator.providers()
    load = drills.load(timing)
    result = DrillResult("every provider down", [])
    load.start()
    try:
        await asyncio.gather(
            *(drills.simulator.set(p, mode="error", status=503) for p in providers)
        )
        down_at = time.monotonic()
        await asyncio.sleep(timing.outage_s)
        outage = [r for r in load.since(down_at + 1.0)]
        await drills.simulator.reset()
        back_at = time.monotonic()

        async def served_again() -> bool:
            return any(r.status == 200 for r in load.since(back_at))

        first_ok = await wait_until(served_again, timing.state_timeout_s, "a 200 after recovery")
        result.measures["first_200_after_recovery_s"] = round(first_ok, 3)
        await asyncio.sleep(timing.after_s)
        closed = await drills.settle(timing, reset=False)
        result.measures["all_closed_after_recovery_s"] = round(time.monotonic() - back_at, 3)
        result.measures["pinned_probes_needed_s"] = round(closed, 3)
        tail = load.since(time.monotonic() - timing.after_s / 2)
    except TimeoutError as error:
        result.error = str(error)
        outage, tail = [], []
    finally:
        result.replies = await load.stop()
        await drills.simulator.reset()
    failed = [r for r in outage if r.status != 200]
    result.measures["503s_listing_attempts"] = sum(
        1 for r in result.replies if r.status == 503 and r.attempts > 0
    )
    result.checks["clear 503s listing attempts"] = (
        bool(outage)
        and all(r.status == 503 and r.attempts > 0 for r in failed)
        and len(failed) > len(outage) // 2
    )
    result.checks["recovered without restart"] = bool(tail) and all(r.status == 200 for r in tail)
    result.checks["within deadline"] = all(r.latency_s < DEADLINE_S for r in result.replies)
    return result
