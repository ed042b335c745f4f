"""The router's in-process breaker agrees with the reference model too."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.breaker.local import LocalBreakers
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


@settings(max_examples=400, deadline=None)
@given(config=st.sampled_from(CONFIGS), ops=operations)
def test_local_breaker_agrees_with_the_reference_model(
    config: BreakerConfig, ops: list[object]
) -> None:
    local = LocalBreakers(BreakerPolicy(config, {}))
    model = ReferenceBreaker("p", config)
    now = T0
    held: list[tuple[str, str]] = []  # (model permit, local permit)
    for step, op in enumerate(expand(ops)):
        where = f"step {step} ({op})"
        if isinstance(op, Advance):
            now += op.seconds
            continue
        if isinstance(op, Sweep):
            model.sweep(now)
            local.state("p", now)
        elif isinstance(op, Acquire):
            expected = model.acquire(now)
            actual = local.acquire("p", now)
            assert (actual.admitted, actual.state) == (expected.admitted, expected.state), where
            if actual.permit_id:
                held.append((expected.permit_id, actual.permit_id))
        elif isinstance(op, Report):
            model_permit = local_permit = ""
            if op.permit_index is not None and held and op.permit_index < len(held):
                model_permit, local_permit = held.pop(op.permit_index)
            kind = None if op.ok else op.kind
            model.report(now, op.ok, kind, model_permit, op.retry_after_s)
            local.report("p", now, kind, local_permit, op.retry_after_s)
        model.sweep(now)  # reading the local state moves a due OPEN to HALF_OPEN: mirror it
        assert local.state("p", now) is model.state, where
        assert local.open_until("p") == model.open_until, where
