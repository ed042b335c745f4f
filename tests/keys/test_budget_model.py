"""Random admit / settle sequences against the Redis limiter and a plain reference model.

The reference is the rule of ``services/health/keys/redis_limiter.py`` written the obvious
way: admit when ``spent + held + worst <= budget``, then hold ``worst``; settle releases the
hold and charges the actual cost. The model also checks the overshoot bound: spend never passes
the budget by more than the sum of the settled calls' excess over their worst case.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from masterx.keys.admission import ActualUsage, RequestEstimate, Reservation
from masterx.keys.policy import KeyPolicy
from masterx.stores import connect_redis
from services.health.keys.redis_limiter import RedisSpendLimiter
from tests.support.stores import StoreUrls

T0 = 1_780_000_000_000
BUDGET_MICROS = 1_000


@dataclass(frozen=True)
class Admit:
    worst: int  # micro-USD


@dataclass(frozen=True)
class Settle:
    index: int  # which held reservation
    actual: int  # micro-USD; may exceed the worst case (a provider ignoring max_tokens)


operations = st.lists(
    st.one_of(
        # Round amounts, so that a request exactly filling the budget is common.
        st.builds(Admit, st.sampled_from([0, 100, 250, 400, 500, 1000, 1001])),
        st.builds(Settle, st.integers(0, 20), st.sampled_from([0, 50, 100, 250, 600])),
    ),
    max_size=40,
)


async def _agree(redis_url: str, ops: list[Admit | Settle]) -> None:
    # 150 examples, a connection each: a loaded CI machine once took over the 1 s default
    client = connect_redis(redis_url, connect_timeout_s=10.0, timeout_s=10.0)
    limiter = RedisSpendLimiter(client)
    key_id = uuid.uuid4().hex[:12]
    policy = KeyPolicy(name="model", budget_day_usd=BUDGET_MICROS / 1e6)
    spent = held = excess = 0
    holds: list[tuple[Reservation, int]] = []
    try:
        for step, op in enumerate(ops):
            where = f"step {step} ({op})"
            if isinstance(op, Admit):
                estimate = RequestEstimate(1, 1, op.worst / 1e6)
                answer = await limiter.admit(key_id, policy, estimate, T0)
                expected = spent + held + op.worst <= BUDGET_MICROS
                assert answer.admitted is expected, where
                if answer.reservation is not None:
                    held += op.worst
                    holds.append((answer.reservation, op.worst))
            elif holds:
                reservation, worst = holds.pop(op.index % len(holds))
                assert await limiter.settle(reservation, ActualUsage(1, 1, op.actual / 1e6)), where
                held -= worst
                spent += op.actual
                excess += max(0, op.actual - worst)
            usage = await limiter.usage(key_id, T0)
            assert round(usage.spent_day_usd * 1e6) == spent, where
            assert round(usage.held_day_usd * 1e6) == held, where
            assert spent + held <= BUDGET_MICROS + excess, where
    finally:
        await client.aclose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations)
def test_redis_budget_agrees_with_the_reference_and_overshoots_only_by_excess(
    stores: StoreUrls, ops: list[Admit | Settle]
) -> None:
    asyncio.run(_agree(stores.redis_url, ops))
