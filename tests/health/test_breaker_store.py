"""Breakers held in real Redis: the plan's rules, moved by an injected clock."""

from __future__ import annotations

import redis.asyncio as aioredis

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState, FailureKind
from services.health.breaker_store import Outcome, RedisBreakerStore

T0 = 1_000_000.0


def _store(client: aioredis.Redis, **overrides: float) -> RedisBreakerStore:
    return RedisBreakerStore(client, BreakerPolicy(BreakerConfig(**overrides), {}))  # type: ignore[arg-type]


async def _report(
    store: RedisBreakerStore,
    ok: bool,
    times: int = 1,
    now: float = T0,
    kind: FailureKind = FailureKind.SERVER,
) -> BreakerState:
    state = BreakerState.CLOSED
    for _ in range(times):
        state = (await store.report("p", ok, None if ok else kind, now=now)).after
    return state


async def _trip(store: RedisBreakerStore, now: float = T0) -> None:
    assert await _report(store, False, 5, now) is BreakerState.OPEN


async def test_five_consecutive_failures_open_the_breaker(redis_client: aioredis.Redis) -> None:
    store = _store(redis_client)
    assert await _report(store, False, 4) is BreakerState.CLOSED
    assert await _report(store, False) is BreakerState.OPEN
    admission = await store.acquire("p", now=T0 + 1)
    assert not admission.admitted and admission.retry_after_s == 59


async def test_the_failure_rate_rule_opens_without_a_consecutive_run(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    for _ in range(4):  # F S F S ...: never 5 in a row
        await _report(store, False)
        await _report(store, True)
    assert await _report(store, False) is BreakerState.OPEN  # 5 of 9 failed in the window


async def test_failures_leave_the_window_after_it_passes(redis_client: aioredis.Redis) -> None:
    store = _store(redis_client)
    await _report(store, False, 4)
    await _report(store, True, 2)
    assert await _report(store, False, 4, now=T0 + 61) is BreakerState.CLOSED
    snapshot = await store.snapshot("p", now=T0 + 61)
    assert (snapshot.failures_in_window, snapshot.successes_in_window) == (4, 0)


async def test_after_the_timeout_half_open_admits_three_probes_then_two_successes_close(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    await _trip(store)
    later = T0 + 60
    admissions = [await store.acquire("p", now=later) for _ in range(4)]
    assert [a.admitted for a in admissions] == [True, True, True, False]
    assert admissions[0].state is BreakerState.HALF_OPEN and admissions[0].step.moved
    permits = [a.permit_id for a in admissions[:3]]
    await store.report("p", True, None, permit_id=permits[0], now=later)
    closed = await store.report("p", True, None, permit_id=permits[1], now=later)
    assert (closed.before, closed.after, closed.reason) == (
        BreakerState.HALF_OPEN,
        BreakerState.CLOSED,
        "probes_succeeded",
    )


async def test_reports_without_a_permit_do_not_decide_half_open(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    await _trip(store)
    await store.sweep("p", now=T0 + 60)
    assert await _report(store, True, 5, now=T0 + 60) is BreakerState.HALF_OPEN


async def test_a_failed_probe_reopens_with_doubled_timeout_capped_at_ten_minutes(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    await _trip(store)
    now, durations = T0, []
    for _ in range(6):
        now = (await store.snapshot("p")).open_until
        probe = await store.acquire("p", now=now)
        await store.report("p", False, FailureKind.TIMEOUT, permit_id=probe.permit_id, now=now)
        durations.append((await store.snapshot("p")).open_until - now)
    assert durations == [120, 240, 480, 600, 600, 600]


async def test_a_forgotten_permit_expires(redis_client: aioredis.Redis) -> None:
    store = _store(redis_client, half_open_max_calls=1, permit_ttl_seconds=30)
    await _trip(store)
    assert (await store.acquire("p", now=T0 + 60)).admitted
    refused = await store.acquire("p", now=T0 + 70)
    assert not refused.admitted and refused.retry_after_s == 20
    assert (await store.acquire("p", now=T0 + 90.5)).admitted


async def test_rate_limited_with_retry_after_opens_for_at_least_that_long(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    step = await store.report("p", False, FailureKind.RATE_LIMITED, retry_after_s=90, now=T0)
    assert (step.after, step.reason) == (BreakerState.OPEN, "rate_limited")
    assert (await store.snapshot("p")).open_until == T0 + 90


async def test_request_errors_do_not_count_and_auth_is_a_configuration_problem(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    await _report(store, False, 10, kind=FailureKind.BAD_REQUEST)
    await _report(store, False, 10, kind=FailureKind.AUTH)
    snapshot = await store.snapshot("p", now=T0)
    assert snapshot.state is BreakerState.CLOSED and snapshot.failures_in_window == 0
    assert snapshot.last_error_kind is FailureKind.AUTH and snapshot.config_problem
    await _report(store, True)
    assert not (await store.snapshot("p", now=T0)).config_problem


async def test_transitions_are_recorded_in_the_capped_stream(redis_client: aioredis.Redis) -> None:
    store = _store(redis_client)
    await _trip(store)
    await store.sweep("p", now=T0 + 60)
    events = await store.events()
    assert [(e["from"], e["to"], e["reason"]) for e in events] == [
        ("open", "half_open", "timeout_elapsed"),
        ("closed", "open", "consecutive_failures"),
    ]
    assert events[1]["failures"] == "5"


async def test_per_provider_overrides_apply(redis_client: aioredis.Redis) -> None:
    policy = BreakerPolicy(BreakerConfig(), {"fragile": BreakerConfig(failure_threshold=2)})
    store = RedisBreakerStore(redis_client, policy)
    for _ in range(2):
        await store.report("fragile", False, FailureKind.SERVER, now=T0)
        await store.report("p", False, FailureKind.SERVER, now=T0)
    assert (await store.snapshot("fragile")).state is BreakerState.OPEN
    assert (await store.snapshot("p")).state is BreakerState.CLOSED


async def test_a_batch_of_outcomes_ends_where_the_same_reports_one_by_one_end(
    redis_client: aioredis.Redis,
) -> None:
    store = _store(redis_client)
    kinds = [None, FailureKind.SERVER, None, FailureKind.TIMEOUT] + [FailureKind.SERVER] * 5
    batch = [Outcome("batched", k is None, k, latency_ms=10.0 * i) for i, k in enumerate(kinds)]
    steps = await store.report_many(batch)
    one_by_one = [
        await store.report("single", k is None, k, latency_ms=10.0 * i) for i, k in enumerate(kinds)
    ]
    assert [(s.before, s.after, s.reason) for s in steps] == [
        (s.before, s.after, s.reason) for s in one_by_one
    ]
    assert steps[-1].after is BreakerState.OPEN
    batched, single = await store.snapshot("batched"), await store.snapshot("single")
    same = ("state", "failures_in_window", "successes_in_window", "consecutive_opens")
    assert [getattr(batched, f) for f in same] == [getattr(single, f) for f in same]
    assert batched.latency_ewma_ms == single.latency_ewma_ms > 0
    assert await store.report_many([]) == []
