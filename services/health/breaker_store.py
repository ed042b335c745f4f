"""Circuit breakers held in Redis: every transition is one atomic Lua step.

Keys: ``masterx:breaker:{provider}`` (a hash), the set ``masterx:breaker:providers``, and the
pub/sub channel ``masterx:breaker:changes`` on which every transition is announced.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis

from masterx.domain import BreakerState, FailureKind

KEY_PREFIX = "masterx:breaker:"
PROVIDERS_KEY = "masterx:breaker:providers"
CHANGES_CHANNEL = "masterx:breaker:changes"

_ACQUIRE = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local max_calls = tonumber(ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
local state = redis.call('HGET', key, 'state') or 'closed'
local changed = 0
if state == 'open' then
  local open_until = tonumber(redis.call('HGET', key, 'open_until') or '0')
  if now < open_until then return {0, state, tostring(open_until - now), 0} end
  state = 'half_open'
  changed = 1
  redis.call('HSET', key, 'state', state, 'half_open_successes', 0, 'in_flight', 0,
             'updated_at', tostring(now))
end
if state == 'half_open' then
  local in_flight = tonumber(redis.call('HGET', key, 'in_flight') or '0')
  if in_flight >= max_calls then return {0, state, '1', changed} end
  redis.call('HINCRBY', key, 'in_flight', 1)
  return {1, state, '0', changed}
end
return {1, state, '0', changed}
"""

_REPORT = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local ok = ARGV[2] == '1'
local counts = ARGV[3] == '1'
local failure_threshold = tonumber(ARGV[4])
local success_threshold = tonumber(ARGV[5])
local timeout = tonumber(ARGV[6])
local kind = ARGV[7]
redis.call('SADD', KEYS[2], ARGV[8])
local state = redis.call('HGET', key, 'state') or 'closed'
local before = state
if state == 'half_open' then
  local in_flight = tonumber(redis.call('HGET', key, 'in_flight') or '0')
  if in_flight > 0 then redis.call('HINCRBY', key, 'in_flight', -1) end
end
if ok then
  redis.call('HSET', key, 'consecutive_failures', 0)
  if state == 'half_open' then
    local successes = redis.call('HINCRBY', key, 'half_open_successes', 1)
    if successes >= success_threshold then state = 'closed' end
  end
elseif counts then
  redis.call('HSET', key, 'last_error_kind', kind, 'last_error_at', tostring(now))
  local failures = redis.call('HINCRBY', key, 'consecutive_failures', 1)
  if state == 'half_open' or (state == 'closed' and failures >= failure_threshold) then
    state = 'open'
    redis.call('HSET', key, 'open_until', tostring(now + timeout))
    redis.call('HINCRBY', key, 'consecutive_opens', 1)
  end
else
  redis.call('HSET', key, 'last_error_kind', kind, 'last_error_at', tostring(now))
end
if state ~= before then
  redis.call('HSET', key, 'state', state, 'updated_at', tostring(now))
  if state == 'closed' then redis.call('HSET', key, 'consecutive_opens', 0) end
end
return {state, before}
"""


@dataclass(frozen=True)
class BreakerConfig:
    failure_threshold: int = 5
    success_threshold: int = 2
    timeout_seconds: float = 60.0
    half_open_max_calls: int = 3


@dataclass(frozen=True)
class Admission:
    admitted: bool
    state: BreakerState
    retry_after_s: float


@dataclass(frozen=True)
class Transition:
    provider: str
    before: BreakerState
    after: BreakerState


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
    updated_at: float


def _float(fields: dict[str, Any], key: str) -> float:
    return float(fields.get(key) or 0)


class RedisBreakerStore:
    def __init__(self, client: aioredis.Redis, config: BreakerConfig) -> None:
        self._redis = client
        self._config = config
        self._acquire = client.register_script(_ACQUIRE)
        self._report = client.register_script(_REPORT)

    async def acquire(self, provider: str, now: float | None = None) -> Admission:
        now = time.time() if now is None else now
        admitted, state, retry_after, changed = await self._acquire(
            keys=[KEY_PREFIX + provider, PROVIDERS_KEY],
            args=[now, self._config.half_open_max_calls, provider],
        )
        if int(changed):
            await self._redis.publish(CHANGES_CHANNEL, provider)
        return Admission(bool(int(admitted)), BreakerState(state), float(retry_after))

    async def report(
        self, provider: str, ok: bool, kind: FailureKind | None, now: float | None = None
    ) -> Transition:
        now = time.time() if now is None else now
        counts = kind is not None and kind.counts_against_provider
        after, before = await self._report(
            keys=[KEY_PREFIX + provider, PROVIDERS_KEY],
            args=[
                now,
                int(ok),
                int(counts),
                self._config.failure_threshold,
                self._config.success_threshold,
                self._config.timeout_seconds,
                kind.value if kind else "",
                provider,
            ],
        )
        transition = Transition(provider, BreakerState(before), BreakerState(after))
        if transition.before != transition.after:
            await self._redis.publish(CHANGES_CHANNEL, provider)
        return transition

    async def snapshot(self, provider: str) -> BreakerSnapshot:
        fields: dict[str, Any] = {
            str(k): str(v) for k, v in (await self._redis.hgetall(KEY_PREFIX + provider)).items()
        }
        kind = fields.get("last_error_kind")
        return BreakerSnapshot(
            provider=provider,
            state=BreakerState(fields.get("state") or "closed"),
            consecutive_failures=int(fields.get("consecutive_failures") or 0),
            consecutive_opens=int(fields.get("consecutive_opens") or 0),
            open_until=_float(fields, "open_until"),
            last_error_kind=FailureKind(kind) if kind else None,
            last_error_at=_float(fields, "last_error_at"),
            half_open_in_flight=int(fields.get("in_flight") or 0),
            updated_at=_float(fields, "updated_at"),
        )

    async def providers(self) -> list[str]:
        return sorted(str(name) for name in await self._redis.smembers(PROVIDERS_KEY))

    async def snapshots(self) -> list[BreakerSnapshot]:
        return [await self.snapshot(p) for p in await self.providers()]
