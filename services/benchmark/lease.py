"""A lease in Redis: at most one replica holds it, and it expires when its holder dies.

``SET key holder NX PX ttl`` takes it; a holder renews it every third of the time to live
(compare-and-extend in one Lua script) and releases it with compare-and-delete, so a replica
never extends or deletes a lease that has passed to another. A holder that cannot renew within
the time to live assumes it has lost the lease and stops the work it guarded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from masterx.logs import log_event
from services.benchmark.clock import Clock

logger = logging.getLogger("masterx.benchmark.lease")

T = TypeVar("T")

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class LeaseLost(Exception):
    """The lease passed to another holder (or could not be renewed in time)."""


class RedisLease:
    def __init__(
        self, client: aioredis.Redis, key: str, holder: str, ttl_s: float, clock: Clock
    ) -> None:
        self.key = key
        self.holder = holder
        self._client = client
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self._clock = clock

    @property
    def ttl_s(self) -> float:
        return self._ttl_ms / 1000

    async def acquire(self) -> bool:
        return bool(await self._client.set(self.key, self.holder, nx=True, px=self._ttl_ms))

    async def renew(self) -> bool:
        result = await self._client.eval(_RENEW, 1, self.key, self.holder, self._ttl_ms)
        return bool(result)

    async def release(self) -> None:
        await self._client.eval(_RELEASE, 1, self.key, self.holder)

    async def holder_now(self) -> str | None:
        value = await self._client.get(self.key)
        return None if value is None else str(value)

    async def keep(self, on_lost: Callable[[], None]) -> None:
        """Renew until cancelled; call ``on_lost`` (once) when the lease is gone."""
        last_renewed = self._clock.monotonic()
        while True:
            await self._clock.sleep(self.ttl_s / 3)
            try:
                if await self.renew():
                    last_renewed = self._clock.monotonic()
                    continue
                reason = "held by another replica or expired"
            except RedisError as error:
                if self._clock.monotonic() - last_renewed < self.ttl_s * 2 / 3:
                    continue  # retry: the lease is still ours for a while
                reason = f"not renewed in time ({type(error).__name__})"
            log_event(
                logger,
                "benchmark_lease_lost",
                logging.WARNING,
                key=self.key,
                holder=self.holder,
                reason=reason,
            )
            on_lost()
            return

    async def hold_while(
        self,
        work: Callable[[], Awaitable[T]],
        stop_work: Callable[[], None],
    ) -> T:
        """Run ``work`` while renewing the lease; ``stop_work`` is called if it is lost."""
        keeper = asyncio.create_task(self.keep(stop_work), name=f"lease-{self.key}")
        try:
            return await work()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            with contextlib.suppress(RedisError):
                await self.release()
