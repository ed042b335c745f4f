"""Drills 3 to 5: Redis, the MongoDB-compatible server and one of two routers killed."""

from __future__ import annotations

import asyncio
import time

from bench.drills.harness import DEADLINE_S, DrillResult, DrillStack, Timing
from bench.drills.probes import breaker_view, health_view, metric, stored_counts, wait_until
from tooling.stack.readiness import grpc_serving

DEGRADED = "masterx_router_breaker_degraded"
DECISIONS = "masterx_route_decisions_total"


def _flowing(result: DrillResult) -> None:
    result.checks["chats kept flowing"] = bool(result.replies) and all(
        r.status == 200 for r in result.replies
    )
    result.checks["within deadline"] = all(r.latency_s < DEADLINE_S for r in result.replies)


async def redis_killed(drills: DrillStack, timing: Timing) -> DrillResult:
    await drills.settle(timing)
    stack, result, load = drills.stack, DrillResult("Redis killed and restarted", []), None
    health_serving = grpc_serving(f"127.0.0.1:{stack.config.health_grpc_port}")

    async def degraded() -> bool:
        return await metric(drills.router_metrics_url, DEGRADED) == 1.0

    async def resynced() -> bool:
        await asyncio.to_thread(health_serving)
        return await metric(drills.router_metrics_url, DEGRADED) == 0.0

    try:
        load = drills.load(timing)
        load.start()
        await asyncio.to_thread(stack.kill, "redis")
        seconds = await wait_until(degraded, timing.state_timeout_s, "router degraded")
        result.measures["time_to_degraded_s"] = round(seconds, 3)
        await asyncio.sleep(timing.outage_s)
        view = await breaker_view(drills.router_targets[0])
        # Every provider is healthy: a state other than CLOSED here is stale (see the report).
        result.measures["not_closed_while_degraded"] = sum(s != "closed" for s in view.values())
        await asyncio.to_thread(stack.restart, "redis")
        back = time.monotonic()
        await wait_until(resynced, timing.state_timeout_s, "health SERVING, router resynced")
        result.measures["resync_after_restart_s"] = round(time.monotonic() - back, 3)
        await asyncio.sleep(timing.after_s)
        result.checks["router view = health view"] = await _agrees_with_health(drills, timing)
    except TimeoutError as error:
        result.error = str(error)
    finally:
        result.replies = await load.stop() if load else []
    _flowing(result)
    return result


async def mongodb_killed(drills: DrillStack, timing: Timing, database: str) -> DrillResult:
    await drills.settle(timing)
    stack, result, load = drills.stack, DrillResult("MongoDB killed and restarted", []), None
    try:
        load = drills.load(timing)
        load.start()
        await asyncio.sleep(timing.after_s / 2)
        await asyncio.to_thread(stack.kill, "mongodb")
        await asyncio.sleep(timing.outage_s)
        await asyncio.to_thread(stack.restart, "mongodb")
        back = time.monotonic()
        await asyncio.sleep(timing.after_s)
    except TimeoutError as error:
        result.error = str(error)
    finally:
        result.replies = await load.stop() if load else []
    _flowing(result)
    served = [r for r in result.replies if r.status == 200]
    ids = [r.request_id for r in served]
    sessions = sorted({r.session_id for r in served})
    counts = (0, 0, 0)

    async def drained() -> bool:
        nonlocal counts
        counts = await stored_counts(stack.mongodb_url, database, ids, sessions)
        return counts == (len(ids), len(sessions), len(ids))

    try:
        await wait_until(drained, timing.state_timeout_s, "usage and sessions stored", every=0.5)
        result.measures["drained_after_restart_s"] = round(time.monotonic() - back, 3)
    except TimeoutError:
        pass
    usage, stored_sessions, messages = counts
    result.measures.update(
        {"served": len(ids), "usage_records": usage, "session_messages": messages}
    )
    result.checks["usage records = requests served"] = usage == len(ids)
    result.checks["session messages = requests served"] = stored_sessions == len(
        sessions
    ) and messages == len(ids)
    return result


async def router_killed(drills: DrillStack, timing: Timing) -> DrillResult:
    await drills.settle(timing)
    result, load, killed = DrillResult("one of two routers killed", []), None, 0.0
    providers = await drills.simulator.providers()
    drills.start_second_router()
    try:
        await drills.wait_second_router(timing.state_timeout_s)
        # Slow answers, so that requests are in flight on the router that dies.
        await asyncio.gather(*(drills.simulator.set(p, latency_ms=400) for p in providers))
        load = drills.load(timing)
        load.start()
        second = f"http://127.0.0.1:{drills.second_metrics_port}/metrics"

        async def both_serve() -> bool:
            return await metric(second, DECISIONS, labelled=True) > 0

        await wait_until(both_serve, timing.state_timeout_s, "the gateway using both routers")
        served = await drills.simulator.call_counts()
        victim = max(served, key=lambda name: served[name])
        result.measures["time_to_open_on_both_s"] = await _open_on_both(drills, timing, victim)
        killed = time.monotonic()
        await asyncio.to_thread(drills.stack.kill, "router")
        await asyncio.sleep(timing.outage_s)
    except TimeoutError as error:
        result.error = str(error)
    finally:
        result.replies = await load.stop() if load else []
        await drills.simulator.reset()
    if not result.error:
        in_flight = [r for r in result.replies if r.sent_at < killed < r.sent_at + r.latency_s]
        after = [r for r in result.replies if r.sent_at > killed + 1.0]
        failed = [r for r in result.replies if r.status != 200]
        result.measures["in_flight_at_kill"] = len(in_flight)
        result.measures["in_flight_failed"] = sum(1 for r in in_flight if r.status != 200)
        result.checks["survivor serves"] = bool(after) and all(r.status == 200 for r in after)
        result.checks["failures are clear 503/504"] = all(r.status in (503, 504) for r in failed)
    result.checks["within deadline"] = all(r.latency_s < DEADLINE_S for r in result.replies)
    return result


async def _open_on_both(drills: DrillStack, timing: Timing, victim: str) -> float:
    """Inject ``victim``'s outage; seconds until every router's own view shows it OPEN."""
    await drills.simulator.set(victim, mode="error", status=503, latency_ms=400)
    injected = time.monotonic()
    try:
        for target in drills.router_targets:

            async def sees_open(target: str = target) -> bool:
                return (await breaker_view(target)).get(victim) == "open"

            await wait_until(sees_open, timing.state_timeout_s, f"{target} sees {victim} OPEN")
        return round(time.monotonic() - injected, 3)
    finally:
        await drills.simulator.set(victim, mode="ok", latency_ms=400)


async def _agrees_with_health(drills: DrillStack, timing: Timing) -> bool:
    """Whether, within the state timeout, the router's view equals the health service's."""
    health = f"127.0.0.1:{drills.stack.config.health_grpc_port}"

    async def agree() -> bool:
        router, shared = await breaker_view(drills.router_targets[0]), await health_view(health)
        return all(state == shared.get(name, "closed") for name, state in router.items())

    try:
        await wait_until(agree, timing.state_timeout_s / 4, "router view = health view", 0.2)
    except TimeoutError:
        return False
    return True
