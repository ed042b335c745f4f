"""Random operation sequences for breaker state machines (shared by the model tests)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import strategies as st

from masterx.breaker.config import BreakerConfig
from masterx.domain import FailureKind

T0 = 1_000_000.0
CONFIGS = [
    BreakerConfig(),
    BreakerConfig(
        failure_threshold=2,
        success_threshold=1,
        timeout_seconds=10,
        half_open_max_calls=1,
        window_seconds=20,
        failure_rate=0.4,
        max_timeout_seconds=35,
        permit_ttl_seconds=5,
    ),
]


@dataclass(frozen=True)
class Advance:
    seconds: float


@dataclass(frozen=True)
class Acquire:
    pass


@dataclass(frozen=True)
class Sweep:
    pass


@dataclass(frozen=True)
class Report:
    ok: bool
    kind: FailureKind | None
    permit_index: int | None  # which held permit it returns (-1: the newest), if any
    retry_after_s: float


@dataclass(frozen=True)
class Burst:
    """Several reports in a row (reaching thresholds needs runs, not isolated reports)."""

    report: Report
    times: int


@dataclass(frozen=True)
class Probe:
    """Acquire, and report the outcome with the permit it gave."""

    ok: bool
    kind: FailureKind


reports = st.builds(
    Report,
    ok=st.booleans(),
    kind=st.sampled_from(list(FailureKind)),
    permit_index=st.sampled_from([0, 0, 0, 1, 2, None]),
    retry_after_s=st.sampled_from([0.0, 0.0, 0.0, 4.0, 90.0, math.inf]),
)
operations = st.lists(
    st.one_of(
        st.builds(Advance, st.sampled_from([0.5, 1.0, 4.0, 6.0, 11.0, 21.0, 61.0, 700.0])),
        st.just(Acquire()),
        st.just(Sweep()),
        reports,
        reports,
        st.builds(Burst, reports, st.integers(2, 6)),
        st.builds(Probe, st.booleans(), st.sampled_from(list(FailureKind))),
    ),
    min_size=1,
    max_size=40,
)


def expand(ops: list[object]) -> list[object]:
    """Bursts and probes as the plain operations they stand for."""
    expanded: list[object] = []
    for op in ops:
        if isinstance(op, Burst):
            expanded.extend([op.report] * op.times)
        elif isinstance(op, Probe):
            expanded.extend([Acquire(), Report(op.ok, op.kind, -1, 0.0)])
        else:
            expanded.append(op)
    return expanded
