"""Circuit breakers held in Redis: every transition is one atomic Lua step (``breaker.lua``).

Per provider ``p``: ``masterx:breaker:{p}:state`` (hash), ``...:fail`` and ``...:ok`` (the rolling
window, sorted by time), ``...:permits`` (HALF_OPEN permits by expiry). Shared: the provider set
``masterx:breaker:providers``, the capped stream ``masterx:breaker:events`` of transitions, and
the pub/sub channel ``masterx:breaker:changes`` on which every changed provider is announced.
Time is Redis's own clock (so replicas agree), unless the caller passes ``now``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import redis.asyncio as aioredis

from masterx.breaker.config import BreakerConfig, BreakerPolicy
from masterx.domain import BreakerState, FailureKind

PROVIDERS_KEY = "masterx:breaker:providers"
EVENTS_STREAM = "masterx:breaker:events"
CHANGES_CHANNEL = "masterx:breaker:changes"

_SCRIPT = resources.files("services.health").joinpath("breaker.lua").read_text()


def state_key(provider: str) -> str:
    return f"masterx:breaker:{{{provider}}}:state"


def _keys(provider: str) -> list[str]:
    base = f"masterx:breaker:{{{provider}}}"
    return [
        f"{base}:state",
        f"{base}:fail",
        f"{base}:ok",
        f"{base}:permits",
        PROVIDERS_KEY,
        EVENTS_STREAM,
        CHANGES_CHANNEL,
    ]


def _params(config: BreakerConfig) -> list[Any]:
    return [
        config.failure_threshold,
        config.success_threshold,
        config.timeout_seconds,
        config.half_open_max_calls,
        config.window_seconds,
        config.failure_rate,
        config.max_timeout_seconds,
        config.permit_ttl_seconds,
    ]


@dataclass(frozen=True)
class Step:
    """What one Lua step did: the state before and after, and why it moved."""

    provider: str
    before: BreakerState
    after: BreakerState
    reason: str

    @property
    def moved(self) -> bool:
        return self.before is not self.after


@dataclass(frozen=True)
class Outcome:
    """One provider call's outcome, as a report gives it."""

    provider: str
    ok: bool
    kind: FailureKind | None
    latency_ms: float = 0.0
    permit_id: str = ""
    retry_after_s: float = 0.0


@dataclass(frozen=True)
class Admission:
    admitted: bool
    state: BreakerState
    retry_after_s: float
    permit_id: str
    step: Step


@dataclass(frozen=True)
class BreakerSnapshot:
    provider: str
    state: BreakerState
    consecutive_failures: int
    consecutive_opens: int
    open_until: float
    last_error_kind: FailureKind | None
    last_error_at: float
    half_open_in_flight: int
    failures_in_window: int
    successes_in_window: int
    latency_ewma_ms: float
    config_problem: bool
    updated_at: float


def _float(fields: dict[str, str], key: str) -> float:
    return float(fields.get(key) or 0)


def _int(fields: dict[str, str], key: str) -> int:
    return int(fields.get(key) or 0)


class RedisBreakerStore:
    def __init__(self, client: aioredis.Redis, policy: BreakerPolicy) -> None:
        self._redis = client
        self._policy = policy
        self._script = client.register_script(_SCRIPT)

    def _call(
        self, op: str, provider: str, now: float | None, *extra: Any
    ) -> tuple[list[str], list[Any]]:
        """The keys and arguments of one Lua step."""
        config = self._policy.for_provider(provider)
        args = [op, provider, "" if now is None else repr(now), *_params(config), *extra]
        return _keys(provider), args

    async def _run(self, op: str, provider: str, now: float | None, *extra: Any) -> list[str]:
        keys, args = self._call(op, provider, now, *extra)
        reply = await self._script(keys=keys, args=args)
        return [str(part) for part in reply]

    @staticmethod
    def _step(provider: str, reply: list[str]) -> Step:
        return Step(provider, BreakerState(reply[2]), BreakerState(reply[1]), reply[3])

    async def acquire(self, provider: str, now: float | None = None) -> Admission:
        reply = await self._run("acquire", provider, now)
        return Admission(
            admitted=reply[0] == "1",
            state=BreakerState(reply[1]),
            retry_after_s=max(0.0, float(reply[4] or 0)),
            permit_id=reply[5],
            step=self._step(provider, reply),
        )

    def _report_call(self, outcome: Outcome, now: float | None) -> tuple[list[str], list[Any]]:
        kind = outcome.kind
        counts = outcome.ok or (kind is not None and kind.counts_against_provider)
        return self._call(
            "report",
            outcome.provider,
            now,
            "1" if outcome.ok else "0",
            kind.value if kind else "",
            "1" if counts else "0",
            outcome.latency_ms,
            outcome.permit_id,
            outcome.retry_after_s,
        )

    async def report(
        self,
        provider: str,
        ok: bool,
        kind: FailureKind | None,
        *,
        latency_ms: float = 0.0,
        permit_id: str = "",
        retry_after_s: float = 0.0,
        now: float | None = None,
    ) -> Step:
        outcome = Outcome(provider, ok, kind, latency_ms, permit_id, retry_after_s)
        (step,) = await self.report_many([outcome], now)
        return step

    async def report_many(
        self, outcomes: Sequence[Outcome], now: float | None = None
    ) -> list[Step]:
        """Apply the outcomes in order in one round trip, all or none (MULTI/EXEC when there
        are several); each is one Lua step."""
        if len(outcomes) == 1:
            keys, args = self._report_call(outcomes[0], now)
            replies = [await self._script(keys=keys, args=args)]
        elif outcomes:
            async with self._redis.pipeline(transaction=True) as pipe:
                for outcome in outcomes:
                    keys, args = self._report_call(outcome, now)
                    await self._script(keys=keys, args=args, client=pipe)
                replies = await pipe.execute()
        else:
            return []
        return [
            self._step(outcome.provider, [str(part) for part in reply])
            for outcome, reply in zip(outcomes, replies, strict=True)
        ]

    async def sweep(self, provider: str, now: float | None = None) -> Step:
        """Move an OPEN breaker whose timeout has passed to HALF_OPEN (and announce it)."""
        return self._step(provider, await self._run("sweep", provider, now))

    async def snapshot(self, provider: str, now: float | None = None) -> BreakerSnapshot:
        keys = _keys(provider)
        moment = time.time() if now is None else now
        window_start = f"({moment - self._policy.for_provider(provider).window_seconds!r}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(keys[0])
            pipe.zcount(keys[1], window_start, "+inf")
            pipe.zcount(keys[2], window_start, "+inf")
            pipe.zcount(keys[3], f"({moment!r}", "+inf")
            raw, failures, successes, permits = await pipe.execute()
        fields = {str(k): str(v) for k, v in raw.items()}
        kind = fields.get("last_error_kind")
        return BreakerSnapshot(
            provider=provider,
            state=BreakerState(fields.get("state") or "closed"),
            consecutive_failures=_int(fields, "consecutive_failures"),
            consecutive_opens=_int(fields, "consecutive_opens"),
            open_until=_float(fields, "open_until"),
            last_error_kind=FailureKind(kind) if kind else None,
            last_error_at=_float(fields, "last_error_at"),
            half_open_in_flight=int(permits),
            failures_in_window=int(failures),
            successes_in_window=int(successes),
            latency_ewma_ms=_float(fields, "latency_ewma_ms"),
            config_problem=fields.get("config_problem") == "1",
            updated_at=_float(fields, "updated_at"),
        )

    async def providers(self) -> list[str]:
        return sorted(str(name) for name in await self._redis.smembers(PROVIDERS_KEY))

    async def snapshots(self) -> list[BreakerSnapshot]:
        return [await self.snapshot(p) for p in await self.providers()]

    async def events(self, count: int = 100) -> list[dict[str, str]]:
        """The newest transitions, newest first."""
        entries = await self._redis.xrevrange(EVENTS_STREAM, count=count) or []
        return [{str(k): str(v) for k, v in (fields or {}).items()} for _, fields in entries]
