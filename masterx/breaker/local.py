"""An in-process breaker with the shared semantics, for a router cut off from the health service.

It is fed every outcome the router sees, so it is warm the moment it has to decide. Same
parameters and rules as the Redis breaker (README, "Circuit breakers"), for one process only.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState, FailureKind


@dataclass
class _Breaker:
    config: BreakerConfig
    state: BreakerState = BreakerState.CLOSED
    consecutive_failures: int = 0
    consecutive_opens: int = 0
    open_until: float = 0.0
    half_open_successes: int = 0
    permits: dict[str, float] = field(default_factory=dict)
    window: deque[tuple[float, bool]] = field(default_factory=deque)  # (time, failed)
    window_failures: int = 0  # failures in ``window``, kept as outcomes enter and leave it

    def open(self, now: float, at_least: float) -> None:
        self.consecutive_opens += 1
        duration = max(self.config.open_duration(self.consecutive_opens), at_least)
        self.state, self.open_until = BreakerState.OPEN, now + duration
        self.half_open_successes = self.consecutive_failures = 0
        self.permits.clear()

    def close(self) -> None:
        self.state, self.open_until = BreakerState.CLOSED, 0.0
        self.consecutive_opens = self.consecutive_failures = self.half_open_successes = 0
        self.permits.clear()
        self.window.clear()
        self.window_failures = 0

    def due(self, now: float) -> None:
        if self.state is BreakerState.OPEN and now >= self.open_until:
            self.state, self.half_open_successes = BreakerState.HALF_OPEN, 0
            self.permits.clear()

    def record_in_window(self, now: float, failed: bool) -> tuple[int, int]:
        horizon = now - self.config.window_seconds
        while self.window and self.window[0][0] <= horizon:
            self.window_failures -= self.window.popleft()[1]
        self.window.append((now, failed))
        self.window_failures += failed
        return self.window_failures, len(self.window)


@dataclass(frozen=True)
class LocalAdmission:
    admitted: bool
    state: BreakerState
    permit_id: str = ""


class LocalBreakers:
    def __init__(self, policy: BreakerPolicy) -> None:
        self._policy = policy
        self._breakers: dict[str, _Breaker] = {}
        self._ids = itertools.count(1)

    def _get(self, provider: str) -> _Breaker:
        breaker = self._breakers.get(provider)
        if breaker is None:
            breaker = self._breakers[provider] = _Breaker(self._policy.for_provider(provider))
        return breaker

    def state(self, provider: str, now: float) -> BreakerState:
        breaker = self._get(provider)
        breaker.due(now)
        return breaker.state

    def open_until(self, provider: str) -> float:
        return self._get(provider).open_until

    def adopt(self, provider: str, state: BreakerState, open_until: float) -> None:
        """Take the shared breaker's state (from the health service) as this one's own, so the
        local breaker is current the moment it has to decide alone."""
        breaker = self._get(provider)
        if state is breaker.state and (
            state is not BreakerState.OPEN or open_until == breaker.open_until
        ):
            return
        if state is BreakerState.CLOSED:
            breaker.close()
            return
        breaker.state, breaker.permits = state, {}
        breaker.half_open_successes = breaker.consecutive_failures = 0
        if state is BreakerState.OPEN:
            breaker.open_until = open_until

    def acquire(self, provider: str, now: float) -> LocalAdmission:
        breaker = self._get(provider)
        breaker.due(now)
        if breaker.state is BreakerState.OPEN:
            return LocalAdmission(False, breaker.state)
        if breaker.state is BreakerState.HALF_OPEN:
            breaker.permits = {p: t for p, t in breaker.permits.items() if t > now}
            if len(breaker.permits) >= breaker.config.half_open_max_calls:
                return LocalAdmission(False, breaker.state)
            permit = f"local:{provider}:{next(self._ids)}"
            breaker.permits[permit] = now + breaker.config.permit_ttl_seconds
            return LocalAdmission(True, breaker.state, permit)
        return LocalAdmission(True, breaker.state)

    def report(
        self,
        provider: str,
        now: float,
        kind: FailureKind | None,
        permit_id: str = "",
        retry_after_s: float = 0.0,
    ) -> BreakerState:
        """Record one outcome (``kind`` None: success); returns the state after it."""
        breaker = self._get(provider)
        retry_after_s = breaker.config.bounded_retry_after(retry_after_s)
        has_permit = breaker.permits.pop(permit_id, None) is not None if permit_id else False
        if kind is not None and not kind.counts_against_provider:
            return breaker.state
        if breaker.state is BreakerState.HALF_OPEN:
            if has_permit and kind is None:
                breaker.half_open_successes += 1
                if breaker.half_open_successes >= breaker.config.success_threshold:
                    breaker.close()
            elif has_permit:
                breaker.open(now, retry_after_s)
            return breaker.state
        if breaker.state is BreakerState.OPEN:
            return breaker.state
        failures, total = breaker.record_in_window(now, kind is not None)
        if kind is None:
            breaker.consecutive_failures = 0
            return breaker.state
        breaker.consecutive_failures += 1
        if kind is FailureKind.RATE_LIMITED and retry_after_s > 0:
            breaker.open(now, retry_after_s)
        elif breaker.consecutive_failures >= breaker.config.failure_threshold or (
            failures >= breaker.config.failure_threshold
            and failures / total >= breaker.config.failure_rate
        ):
            breaker.open(now, 0.0)
        return breaker.state
