"""Usage records reach MongoDB after the reply, and are never dropped silently."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.router.usage_recorder import USAGE_DROPPED, UsageRecorder


async def _count_eventually(db: AsyncDatabase[dict[str, Any]], expected: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    count = -1
    while loop.time() < deadline:
        count = await db["usage"].count_documents({})
        if count >= expected:
            return count
        await asyncio.sleep(0.05)
    return count


async def test_buffered_records_are_all_written(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    recorder = UsageRecorder(mongo_db["usage"], capacity=1000)
    recorder.start()
    for i in range(250):
        recorder.record({"request_id": f"r{i}", "status": "ok"})
    assert await _count_eventually(mongo_db, 250) == 250
    await recorder.stop()


async def test_a_full_buffer_counts_what_it_drops(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    recorder = UsageRecorder(mongo_db["usage"], capacity=3)  # writer not started: nothing drains
    before = USAGE_DROPPED._value.get()
    for i in range(5):
        recorder.record({"request_id": f"r{i}"})
    assert USAGE_DROPPED._value.get() - before == 2
    recorder.start()
    assert await _count_eventually(mongo_db, 3) == 3
    await recorder.stop()
