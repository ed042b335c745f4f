"""Buffered writes reach MongoDB after the reply, idempotently, and are never dropped silently."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import InsertOne
from pymongo.asynchronous.database import AsyncDatabase

from services.router.write_buffer import DROPPED, WriteBuffer


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


async def test_buffered_writes_are_all_stored(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    buffer = WriteBuffer(mongo_db["usage"], capacity=1000)
    buffer.start()
    for i in range(250):
        assert buffer.submit(InsertOne({"_id": f"r{i}", "status": "ok"}))
    assert await buffer.flush(10)
    assert await _count_eventually(mongo_db, 250) == 250
    await buffer.stop()


async def test_a_write_already_stored_is_not_stored_twice(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    await mongo_db["usage"].insert_one({"_id": "r1"})  # as if an earlier attempt's reply was lost
    buffer = WriteBuffer(mongo_db["usage"], capacity=10)
    buffer.start()
    for name in ("r0", "r1", "r2"):
        buffer.submit(InsertOne({"_id": name}))
    assert await buffer.flush(10)
    assert sorted(d["_id"] for d in await mongo_db["usage"].find({}).to_list()) == [
        "r0",
        "r1",
        "r2",
    ]
    await buffer.stop()


async def test_a_full_buffer_counts_what_it_drops(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    buffer = WriteBuffer(mongo_db["usage"], capacity=3)  # writer not started: nothing drains
    before = DROPPED.labels("usage", "buffer_full")._value.get()
    accepted = [buffer.submit(InsertOne({"_id": f"r{i}"})) for i in range(5)]
    assert accepted == [True, True, True, False, False]
    assert DROPPED.labels("usage", "buffer_full")._value.get() - before == 2
    buffer.start()
    assert await _count_eventually(mongo_db, 3) == 3
    await buffer.stop()
