"""Timing one step many times: back to back, after sleeping pauses, after busy pauses.

A sleeping pause lets the CPU idle (or other processes run) before the step; a busy pause keeps
this process on the CPU, spinning, so a step that is still slower after it was slowed by
something other than waking up: caches and predictors that other work (here or elsewhere on
the host) took over.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from enum import Enum

from bench.stats import percentile

Step = Callable[[], Awaitable[object]]
WARM_UP_CALLS = 50


class Pause(Enum):
    NONE = "back_to_back"
    SLEEPING = "after_sleeping_pauses"
    BUSY = "after_busy_pauses"


def spin(seconds: float) -> None:
    """Stay on the CPU for ``seconds`` doing nothing useful."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def step_times(step: Step, count: int, pause: Pause, pause_s: float) -> list[float]:
    """Microseconds per call of ``step``, ``count`` calls, each after ``pause``."""
    times = []
    for _ in range(count):
        if pause is Pause.SLEEPING:
            await asyncio.sleep(pause_s)
        elif pause is Pause.BUSY:
            spin(pause_s)
        started = time.perf_counter()
        await step()
        times.append((time.perf_counter() - started) * 1e6)
    return times


async def warm_up(step: Step) -> None:
    for _ in range(WARM_UP_CALLS):
        await step()


def summary(times: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(times, 50), 1), "p90": round(percentile(times, 90), 1)}
