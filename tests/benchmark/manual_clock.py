"""A clock that moves only when a test moves it."""

from __future__ import annotations

import asyncio


class ManualClock:
    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self._now = start
        self._monotonic = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def time(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._monotonic + seconds, future))
        await future

    @property
    def sleepers(self) -> int:
        return sum(1 for _, future in self._sleepers if not future.done())

    def advance(self, seconds: float) -> None:
        self._now += seconds
        self._monotonic += seconds
        waking = [f for due, f in self._sleepers if due <= self._monotonic and not f.done()]
        self._sleepers = [(due, f) for due, f in self._sleepers if due > self._monotonic]
        for future in waking:
            future.set_result(None)
