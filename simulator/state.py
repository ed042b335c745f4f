"""Each simulated provider's live state: its profile, the control override, its counters.

Every call draws its outcome (and latency) from a random generator seeded with the simulator
seed and the provider's name, so a given sequence of calls plays out the same way every run.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from simulator.formats.base import SimRequest
from simulator.profiles import Category, ProviderProfile

Mode = Literal["ok", "error", "timeout", "reset", "rate_limit"]
MODES: tuple[Mode, ...] = ("ok", "error", "timeout", "reset", "rate_limit")
RECEIVED_LIMIT = 50  # requests whose messages each provider keeps for a test to read
COUNTERS = ("total", "stream", "ok", "error", "timeout", "reset", "rate_limit", "bad_request")


@dataclass(frozen=True)
class Override:
    """What the control endpoint set; ``mode="ok"`` with no other field is the plain profile."""

    mode: Mode = "ok"
    status: int = 503  # of mode "error"
    retry_after_s: float = 5.0  # of mode "rate_limit"
    latency_ms: float | None = None  # a fixed latency replacing the profile's distribution
    failure_rate: float | None = None  # replaces the profile's background failure rate
    report_usage: bool = True  # False: answer without token usage, as some servers do
    quality: dict[Category, float] = field(default_factory=dict)  # replaces the profile's


@dataclass(frozen=True)
class Outcome:
    kind: Mode
    latency_s: float
    status: int = 200
    retry_after_s: float = 0.0


class ProviderState:
    def __init__(self, profile: ProviderProfile, seed: int) -> None:
        self.profile = profile
        self.answering = profile  # the profile with the override's quality: what answers
        self.override = Override()
        self.calls: Counter[str] = Counter(dict.fromkeys(COUNTERS, 0))
        self._seed = seed
        self._rng = random.Random(f"{seed}/{profile.name}")
        self.received: deque[dict[str, Any]] = deque(maxlen=RECEIVED_LIMIT)

    def record(self, call: SimRequest) -> None:
        """Keep what a call sent (its model and messages): the last RECEIVED_LIMIT calls."""
        self.received.append(
            {
                "model": call.model,
                "stream": call.stream,
                "messages": [{"role": role, "content": text} for role, text in call.messages],
            }
        )

    def next_outcome(self, category: Category, *, stream: bool) -> Outcome:
        self.calls["total"] += 1
        if stream:
            self.calls["stream"] += 1
        outcome = self._draw(category)
        self.calls[outcome.kind] += 1
        return outcome

    def count_bad_request(self) -> None:
        self.calls["total"] += 1
        self.calls["bad_request"] += 1

    def apply(self, override: Override) -> None:
        self.override = override
        self.answering = replace(self.profile, quality={**self.profile.quality, **override.quality})

    def restore(self) -> None:
        """Back to the profile, counters at zero, the random sequence from its start."""
        self.apply(Override())
        self.calls = Counter(dict.fromkeys(COUNTERS, 0))
        self._rng = random.Random(f"{self._seed}/{self.profile.name}")
        self.received.clear()

    def describe(self) -> dict[str, Any]:
        return {
            "mode": self.override.mode,
            "override": asdict(self.override),
            "profile": self.profile.describe(),
            "quality": dict(self.answering.quality),  # the profile's, with the override's
            "calls": dict(self.calls),
        }

    def _draw(self, category: Category) -> Outcome:
        override, failure = self.override, self.profile.failure
        if override.latency_ms is not None:
            latency_s = override.latency_ms / 1000
        else:
            spread = self.profile.latency[category]
            jitter = self._rng.uniform(-spread.jitter_ms, spread.jitter_ms)
            latency_s = max(0.0, spread.mean_ms + jitter) / 1000
        if override.mode == "error":
            return Outcome("error", latency_s, status=override.status)
        if override.mode == "rate_limit":
            return Outcome("rate_limit", latency_s, 429, override.retry_after_s)
        if override.mode in ("timeout", "reset"):
            return Outcome(override.mode, latency_s)
        rate = failure.rate if override.failure_rate is None else override.failure_rate
        if rate > 0 and self._rng.random() < rate:
            background = Outcome(
                failure.kind, latency_s, status=failure.status, retry_after_s=failure.retry_after_s
            )
            return replace(background, status=429) if failure.kind == "rate_limit" else background
        return Outcome("ok", latency_s)
