"""Breakers held in real Redis: the plan's thresholds, moved by an injected clock."""

from __future__ import annotations

import redis.asyncio as aioredis

from masterx.domain import BreakerState, FailureKind
from services.health.breaker_store import BreakerConfig, RedisBreakerStore

T0 = 1_000_000.0


async def _fail(store: RedisBreakerStore, times: int, now: float = T0) -> BreakerState:
    state = BreakerState.CLOSED
    for _ in range(times):
        state = (await store.report("p", False, FailureKind.SERVER, now=now)).after
    return state


async def test_five_consecutive_failures_open_the_breaker(redis_client: aioredis.Redis) -> None:
    store = RedisBreakerStore(redis_client, BreakerConfig())
    assert await _fail(store, 4) is BreakerState.CLOSED
    assert await _fail(store, 1) is BreakerState.OPEN
    admission = await store.acquire("p", now=T0 + 1)
    assert not admission.admitted
    assert admission.retry_after_s == 59


async def test_a_success_resets_the_consecutive_count(redis_client: aioredis.Redis) -> None:
    store = RedisBreakerStore(redis_client, BreakerConfig())
    await _fail(store, 4)
    await store.report("p", True, None, now=T0)
    assert await _fail(store, 4) is BreakerState.CLOSED


async def test_after_the_timeout_half_open_admits_limited_probes_then_closes(
    redis_client: aioredis.Redis,
) -> None:
    store = RedisBreakerStore(redis_client, BreakerConfig())
    await _fail(store, 5)
    later = T0 + 61
    admissions = [await store.acquire("p", now=later) for _ in range(4)]
    assert [a.admitted for a in admissions] == [True, True, True, False]
    assert admissions[0].state is BreakerState.HALF_OPEN
    await store.report("p", True, None, now=later)
    assert (await store.report("p", True, None, now=later)).after is BreakerState.CLOSED


async def test_a_failed_probe_opens_again(redis_client: aioredis.Redis) -> None:
    store = RedisBreakerStore(redis_client, BreakerConfig())
    await _fail(store, 5)
    assert (await store.acquire("p", now=T0 + 61)).admitted
    assert await _fail(store, 1, now=T0 + 61) is BreakerState.OPEN


async def test_request_errors_do_not_count_against_the_provider(
    redis_client: aioredis.Redis,
) -> None:
    store = RedisBreakerStore(redis_client, BreakerConfig())
    for _ in range(10):
        await store.report("p", False, FailureKind.BAD_REQUEST, now=T0)
        await store.report("p", False, FailureKind.AUTH, now=T0)
    snapshot = await store.snapshot("p")
    assert snapshot.state is BreakerState.CLOSED
    assert snapshot.last_error_kind is FailureKind.AUTH
