"""The Redis breaker agrees with the reference model at every step of random sequences."""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.stores import connect_redis
from services.health.breaker_store import RedisBreakerStore
from tests.health.breaker_ops import (
    CONFIGS,
    T0,
    Acquire,
    Advance,
    Report,
    Sweep,
    expand,
    operations,
)
from tests.health.reference_model import ReferenceBreaker
from tests.support.stores import StoreUrls


async def _agree(redis_url: str, config: BreakerConfig, ops: list[object]) -> None:
    provider = f"p-{uuid.uuid4().hex[:8]}"
    client = connect_redis(redis_url)
    store = RedisBreakerStore(client, BreakerPolicy(config, {}))
    model = ReferenceBreaker(provider, config)
    now = T0
    held: list[str] = []
    try:
        for step, op in enumerate(expand(ops)):
            where = f"step {step} ({op})"
            if isinstance(op, Advance):
                now += op.seconds
                continue
            if isinstance(op, Sweep):
                model.sweep(now)
                await store.sweep(provider, now=now)
            elif isinstance(op, Acquire):
                expected = model.acquire(now)
                actual = await store.acquire(provider, now=now)
                assert (actual.admitted, actual.state, actual.permit_id) == (
                    expected.admitted,
                    expected.state,
                    expected.permit_id,
                ), where
                assert abs(actual.retry_after_s - expected.retry_after_s) < 1e-6, where
                if actual.permit_id:
                    held.append(actual.permit_id)
            elif isinstance(op, Report):
                permit = ""
                if op.permit_index is not None and held and op.permit_index < len(held):
                    permit = held.pop(op.permit_index)
                kind = None if op.ok else op.kind
                model.report(now, op.ok, kind, permit, op.retry_after_s)
                await store.report(
                    provider, op.ok, kind, permit_id=permit, retry_after_s=op.retry_after_s, now=now
                )
            snapshot = await store.snapshot(provider, now=now)
            assert snapshot.state is model.state, where
            assert snapshot.consecutive_failures == model.consecutive_failures, where
            assert snapshot.consecutive_opens == model.consecutive_opens, where
            assert abs(snapshot.open_until - model.open_until) < 1e-6, where
            assert snapshot.half_open_in_flight == model.in_flight(now), where
            assert (snapshot.failures_in_window, snapshot.successes_in_window) == model.window(
                now
            ), where
    finally:
        await client.aclose()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=st.sampled_from(CONFIGS), ops=operations)
def test_redis_breaker_agrees_with_the_reference_model(
    stores: StoreUrls, config: BreakerConfig, ops: list[object]
) -> None:
    asyncio.run(_agree(stores.redis_url, config, ops))
