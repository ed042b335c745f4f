"""Moves breakers whose OPEN timeout has passed to HALF_OPEN, so every subscriber sees it.

(Acquire makes the same move on demand; the sweeper only makes it visible without traffic.)
It also keeps this replica's ``masterx_breaker_state`` gauge equal to what Redis holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.exceptions import RedisError

from masterx.logs import log_event
from services.health.breaker_store import RedisBreakerStore
from services.health.metrics import BREAKER_STATE, STATE_VALUE
from services.health.servicer import record_step

logger = logging.getLogger("masterx.health.sweeper")


class Sweeper:
    def __init__(self, store: RedisBreakerStore, interval_seconds: float = 0.5) -> None:
        self._store = store
        self._interval = interval_seconds
        self._task: asyncio.Task[None] | None = None

    async def sweep_once(self) -> None:
        for provider in await self._store.providers():
            step = await self._store.sweep(provider)
            record_step(step)
            BREAKER_STATE.labels(provider).set(STATE_VALUE[step.after])

    async def _loop(self) -> None:
        while True:
            try:
                await self.sweep_once()
            except RedisError as error:
                log_event(logger, "sweep_failed", logging.WARNING, error=type(error).__name__)
            await asyncio.sleep(self._interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="breaker-sweeper")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
