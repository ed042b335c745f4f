"""A pure reference model of the breaker state machine, for tests only.

Written from the README's "Circuit breakers" section, independently of the Lua implementation:
the two must agree at every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from masterx.breaker.config import BreakerConfig
from masterx.domain import BreakerState, FailureKind


@dataclass
class ModelAdmission:
    admitted: bool
    state: BreakerState
    retry_after_s: float
    permit_id: str


@dataclass
class ReferenceBreaker:
    provider: str
    config: BreakerConfig
    state: BreakerState = BreakerState.CLOSED
    consecutive_failures: int = 0
    consecutive_opens: int = 0
    open_until: float = 0.0
    half_open_successes: int = 0
    seq: int = 0
    permits: dict[str, float] = field(default_factory=dict)  # permit -> expiry
    failures: list[float] = field(default_factory=list)  # times, CLOSED window
    successes: list[float] = field(default_factory=list)

    # -- transitions ---------------------------------------------------------------------
    def _open(self, now: float, at_least: float) -> None:
        self.consecutive_opens += 1
        duration = max(self.config.open_duration(self.consecutive_opens), at_least)
        self.open_until = now + duration
        self.half_open_successes = 0
        self.permits.clear()
        self.state = BreakerState.OPEN
        self.consecutive_failures = 0

    def _close(self) -> None:
        self.failures.clear()
        self.successes.clear()
        self.permits.clear()
        self.consecutive_opens = self.consecutive_failures = self.half_open_successes = 0
        self.open_until = 0.0
        self.state = BreakerState.CLOSED

    def sweep(self, now: float) -> None:
        if self.state is BreakerState.OPEN and now >= self.open_until:
            self.state = BreakerState.HALF_OPEN
            self.half_open_successes = 0
            self.permits.clear()

    # -- operations ----------------------------------------------------------------------
    def acquire(self, now: float) -> ModelAdmission:
        self.sweep(now)
        if self.state is BreakerState.OPEN:
            return ModelAdmission(False, self.state, self.open_until - now, "")
        if self.state is BreakerState.HALF_OPEN:
            self.permits = {p: t for p, t in self.permits.items() if t > now}
            if len(self.permits) >= self.config.half_open_max_calls:
                return ModelAdmission(False, self.state, min(self.permits.values()) - now, "")
            self.seq += 1
            permit = f"{self.provider}:{self.seq}"
            self.permits[permit] = now + self.config.permit_ttl_seconds
            return ModelAdmission(True, self.state, 0.0, permit)
        return ModelAdmission(True, self.state, 0.0, "")

    def report(
        self,
        now: float,
        ok: bool,
        kind: FailureKind | None,
        permit: str = "",
        retry_after_s: float = 0.0,
    ) -> None:
        has_permit = self.permits.pop(permit, None) is not None if permit else False
        # A provider's Retry-After is honoured up to the longest open (inf included).
        retry_after_s = min(retry_after_s, self.config.max_timeout_seconds)
        counts = ok or (kind is not None and kind.counts_against_provider)
        if not counts:
            return
        if self.state is BreakerState.HALF_OPEN:
            if not has_permit:
                return
            if ok:
                self.half_open_successes += 1
                if self.half_open_successes >= self.config.success_threshold:
                    self._close()
            else:
                self._open(now, retry_after_s)
            return
        if self.state is BreakerState.OPEN:
            return
        self.seq += 1
        horizon = now - self.config.window_seconds
        self.failures = [t for t in self.failures if t > horizon]
        self.successes = [t for t in self.successes if t > horizon]
        if ok:
            self.consecutive_failures = 0
            self.successes.append(now)
            return
        self.consecutive_failures += 1
        self.failures.append(now)
        if kind is FailureKind.RATE_LIMITED and retry_after_s > 0:
            self._open(now, retry_after_s)
        elif self.consecutive_failures >= self.config.failure_threshold:
            self._open(now, 0.0)
        else:
            total = len(self.failures) + len(self.successes)
            if (
                len(self.failures) >= self.config.failure_threshold
                and len(self.failures) / total >= self.config.failure_rate
            ):
                self._open(now, 0.0)

    # -- what a status shows -------------------------------------------------------------
    def in_flight(self, now: float) -> int:
        return sum(1 for t in self.permits.values() if t > now)

    def window(self, now: float) -> tuple[int, int]:
        horizon = now - self.config.window_seconds
        return (
            sum(1 for t in self.failures if t > horizon),
            sum(1 for t in self.successes if t > horizon),
        )
