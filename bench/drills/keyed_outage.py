"""Drill 6: Redis killed under load with a managed API key (README, "Keys, budgets and limits":
"When Redis is down"). The health service falls back to its local share of each limit, so
keyed chats keep flowing (``x-masterx-limits: local``) and are counted as admitted locally;
when Redis is back, enforcement is shared again."""

from __future__ import annotations

import asyncio
import time

import httpx

from bench.drills.harness import DEADLINE_S, DRILL_ENV, DrillResult, DrillStack, Timing
from bench.drills.probes import wait_until

UNENFORCED = 'masterx_keys_unenforced_total{what="admitted_locally"}'


async def _admitted_locally(url: str) -> float:
    async with httpx.AsyncClient(timeout=2.0, trust_env=False) as client:
        text = (await client.get(url)).text
    for line in text.splitlines():
        if line.startswith(UNENFORCED):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def _managed_key(gateway_url: str) -> str:
    """A key whose limits the drill's load never reaches: only enforcement is under test."""
    token = DRILL_ENV["MASTERX_ADMIN_TOKEN"]
    body = {"name": "drill", "rpm": 100_000, "tpm": 10_000_000, "budget_day_usd": 1000}
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10, trust_env=False) as client:
        created = await client.post(
            "/api/v1/admin/keys", json=body, headers={"authorization": f"Bearer {token}"}
        )
    created.raise_for_status()
    key: str = created.json()["key"]
    return key


async def redis_killed_under_keyed_load(drills: DrillStack, timing: Timing) -> DrillResult:
    await drills.settle(timing)
    stack, result, load = drills.stack, DrillResult("Redis killed under keyed load", []), None
    health_metrics = f"http://127.0.0.1:{stack.config.health_metrics_port}/metrics"
    killed = restarting = back = 0.0
    try:
        key = await _managed_key(stack.gateway_url)
        before = await _admitted_locally(health_metrics)
        load = drills.load(timing, api_key=key)
        load.start()
        await asyncio.sleep(timing.after_s / 2)
        await asyncio.to_thread(stack.kill, "redis")
        killed = time.monotonic()
        await asyncio.sleep(timing.outage_s)
        restarting = time.monotonic()
        await asyncio.to_thread(stack.restart, "redis")
        back = time.monotonic()
        replies = load.replies

        async def shared() -> bool:
            return any(r.sent_at > back and r.limits == "shared" for r in replies)

        seconds = await wait_until(shared, timing.state_timeout_s, "limits shared again", 0.1)
        result.measures["shared_again_after_restart_s"] = round(seconds, 3)
        await asyncio.sleep(timing.after_s / 2)
        result.measures["admitted_locally"] = await _admitted_locally(health_metrics) - before
    except TimeoutError as error:
        result.error = str(error)
    finally:
        result.replies = await load.stop() if load else []
    # Answered while Redis was surely down: sent a second after the kill, done before restart.
    during = [r for r in result.replies if killed + 1.0 < r.sent_at < restarting - r.latency_s]
    result.measures["served_while_down"] = sum(1 for r in during if r.status == 200)
    result.measures["enforcement_while_down"] = ",".join(
        f"{name}:{sum(r.limits == name for r in during)}" for name in ("shared", "local", "")
    )
    result.checks["keyed chats kept flowing"] = bool(result.replies) and all(
        r.status == 200 for r in result.replies
    )
    result.checks["local limits while Redis was down"] = bool(during) and all(
        r.limits == "local" for r in during if r.status == 200
    )
    result.checks["counted as admitted locally"] = (
        float(result.measures.get("admitted_locally", 0)) > 0
    )
    result.checks["within deadline"] = all(r.latency_s < DEADLINE_S for r in result.replies)
    return result
