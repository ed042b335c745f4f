"""The schedule and its lease, on real Redis and MongoDB, with a clock the test moves."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from pymongo.asynchronous.database import AsyncDatabase

from services.benchmark.lease import RedisLease
from services.benchmark.sandbox import Sandbox
from services.benchmark.schedule import Scheduler, Tick
from services.benchmark.suites import load_suites
from tests.benchmark.conftest import small_suites
from tests.benchmark.engine_support import Bench, build_bench
from tests.benchmark.manual_clock import ManualClock

HOUR = 3600.0
KEY = "masterx:benchmark:test:schedule-lease"


async def scheduler_for(
    bench: Bench,
    redis_client: aioredis.Redis,
    clock: ManualClock,
    holder: str = "replica-a",
) -> Scheduler:
    lease = RedisLease(redis_client, KEY, holder, ttl_s=30, clock=clock)
    return Scheduler(
        bench.runs, bench.launcher, lease, interval_s=6 * HOUR, check_s=60, clock=clock
    )


@pytest.fixture
async def bench(
    mongo_db: AsyncDatabase[dict[str, Any]],
    simulator_url: str,
    sandbox: Sandbox,
    tmp_path: Path,
    clock: ManualClock,
) -> Bench:
    suites = load_suites(small_suites(tmp_path / "suites", per_category=1, categories=("math",)))
    return await build_bench(
        mongo_db, suites, simulator_url, sandbox, clock=clock, providers=["openai", "groq"]
    )


async def test_a_run_happens_at_start_up_then_once_per_interval(
    bench: Bench,
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    scheduler = await scheduler_for(bench, redis_client, clock)
    assert await scheduler.tick() == Tick.RAN
    (first,) = await bench.runs.runs()
    assert (first["trigger"], first["status"], first["full"]) == ("schedule", "completed", True)
    assert await redis_client.get(KEY) is None  # released after the run
    assert await scheduler.tick() == Tick.NOT_DUE
    clock.advance(6 * HOUR - 1)
    assert await scheduler.tick() == Tick.NOT_DUE
    clock.advance(1)
    assert await scheduler.tick() == Tick.RAN
    assert [r["trigger"] for r in await bench.runs.runs()] == ["schedule", "schedule"]


async def test_a_partial_manual_run_does_not_replace_the_scheduled_one(
    bench: Bench,
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    run_id = await bench.launcher.launch(bench.launcher.plan(providers=["groq"]))
    assert await bench.launcher.wait(run_id) is not None
    scheduler = await scheduler_for(bench, redis_client, clock)
    assert await scheduler.tick() == Tick.RAN


async def test_a_replica_that_finds_the_lease_taken_does_not_run(
    bench: Bench,
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    other = RedisLease(redis_client, KEY, "replica-b", ttl_s=30, clock=clock)
    assert await other.acquire()
    scheduler = await scheduler_for(bench, redis_client, clock)
    assert await scheduler.tick() == Tick.BUSY
    assert await bench.runs.runs() == []
    assert await other.holder_now() == "replica-b"


async def test_only_the_holder_renews_or_releases_a_lease(
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    mine = RedisLease(redis_client, KEY, "replica-a", ttl_s=30, clock=clock)
    theirs = RedisLease(redis_client, KEY, "replica-b", ttl_s=30, clock=clock)
    assert await mine.acquire()
    assert not await theirs.acquire()
    assert not await theirs.renew()
    await theirs.release()
    assert await mine.holder_now() == "replica-a"
    await redis_client.pexpire(KEY, 1000)
    assert await mine.renew()
    assert await redis_client.pttl(KEY) > 20_000
    await mine.release()
    assert await theirs.acquire()


async def test_a_lease_expires_when_its_holder_dies(
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    dead = RedisLease(redis_client, KEY, "dead-replica", ttl_s=1.0, clock=clock)
    alive = RedisLease(redis_client, KEY, "replica-b", ttl_s=30, clock=clock)
    assert await dead.acquire()  # and never renews it
    assert not await alive.acquire()
    deadline = time.monotonic() + 5
    while not await alive.acquire():  # Redis expires the key on its own clock
        assert time.monotonic() < deadline, "the lease never expired"
        await asyncio.sleep(0.05)
    assert await alive.holder_now() == "replica-b"


async def test_a_holder_that_loses_its_lease_stops_the_work(
    redis_client: aioredis.Redis,
    clock: ManualClock,
) -> None:
    lease = RedisLease(redis_client, KEY, "replica-a", ttl_s=30, clock=clock)
    assert await lease.acquire()
    stopped = asyncio.Event()
    work_may_end = asyncio.Event()

    async def work() -> str:
        await work_may_end.wait()
        return "done"

    def stop_work() -> None:
        stopped.set()
        work_may_end.set()

    held = asyncio.create_task(lease.hold_while(work, stop_work))
    await wait_for_sleepers(clock, 1)
    await redis_client.pexpire(KEY, 5000)
    clock.advance(10)  # a renewal: still ours, for the whole time to live again
    await wait_for_sleepers(clock, 1)
    assert not stopped.is_set()
    assert await redis_client.pttl(KEY) > 25_000
    await redis_client.set(KEY, "replica-b")  # it expired and another replica took it
    clock.advance(10)
    assert await held == "done"
    assert stopped.is_set()
    assert await redis_client.get(KEY) == "replica-b"  # not released: it is not ours


async def test_losing_the_lease_mid_run_fails_the_run(
    bench: Bench,
    redis_client: aioredis.Redis,
    clock: ManualClock,
    simulator_url: str,
) -> None:
    scheduler = await scheduler_for(bench, redis_client, clock)
    async with httpx.AsyncClient(base_url=simulator_url) as control:
        await control.post("/_control/providers/openai", json={"mode": "timeout"})
        try:
            ticking = asyncio.create_task(scheduler.tick())
            await wait_for_sleepers(clock, 1)  # the lease keeper waits to renew
            await redis_client.set(KEY, "replica-b")
            clock.advance(10)
            assert await ticking == Tick.FAILED
        finally:
            await control.post("/_control/reset")
    (run,) = await bench.runs.runs()
    assert run["status"] == "failed" and run["errors"] == ["the schedule lease was lost"]


async def wait_for_sleepers(clock: ManualClock, count: int, timeout_s: float = 5) -> None:
    deadline = time.monotonic() + timeout_s
    while clock.sleepers < count:
        assert time.monotonic() < deadline, "nothing went to sleep on the clock"
        await asyncio.sleep(0.01)
