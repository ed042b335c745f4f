"""The router's buffered writer survives a write it cannot store and counts every loss.

The attack (issue 20, point 9): a document bson cannot encode (``InvalidDocument``, not a
``PyMongoError``) killed the writer task for good, so every later usage record and session
update waited in the buffer until it overflowed; the batch in flight at shutdown was lost
without being counted.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import connect_mongo
from services.router.write_buffer import DROPPED, WRITTEN, WriteBuffer


def _dropped(collection: str, reason: str) -> float:
    value: float = DROPPED.labels(collection, reason)._value.get()
    return value


async def _stored(db: AsyncDatabase[dict[str, Any]], expected: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    count = -1
    while loop.time() < deadline:
        count = await db["usage"].count_documents({})
        if count >= expected:
            break
        await asyncio.sleep(0.05)
    return count


async def test_a_document_bson_cannot_encode_is_counted_and_the_writer_goes_on(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    buffer = WriteBuffer(mongo_db["usage"], capacity=100)
    before = _dropped("usage", "unstorable")
    buffer.start()
    try:
        buffer.submit(InsertOne({"_id": "r0"}))
        buffer.submit(InsertOne({"_id": "poison", "tags": {"a", "b"}}))  # a set: InvalidDocument
        for index in range(1, 5):
            buffer.submit(InsertOne({"_id": f"r{index}"}))
        assert await buffer.flush(10), "the writer stopped writing"
        # Still alive afterwards.
        buffer.submit(InsertOne({"_id": "after"}))
        assert await buffer.flush(10), "the writer died"
    finally:
        await buffer.stop(1)
    assert await _stored(mongo_db, 6) == 6
    assert await mongo_db["usage"].find_one({"_id": "poison"}) is None
    assert _dropped("usage", "unstorable") - before == 1


async def test_a_write_the_server_refuses_is_counted_and_skipped(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    await mongo_db["usage"].insert_one({"_id": "s1", "n": "text"})
    buffer = WriteBuffer(mongo_db["usage"], capacity=100)
    before = _dropped("usage", "unstorable")
    written = WRITTEN.labels("usage")._value.get()
    buffer.start()
    try:
        buffer.submit(InsertOne({"_id": "w0"}))
        buffer.submit(UpdateOne({"_id": "s1"}, {"$inc": {"n": 1}}))  # $inc on a string: refused
        buffer.submit(InsertOne({"_id": "w1"}))
        assert await buffer.flush(10), "the writer retried a refused write for ever"
    finally:
        await buffer.stop(1)
    assert await _stored(mongo_db, 3) == 3
    assert _dropped("usage", "unstorable") - before == 1
    assert WRITTEN.labels("usage")._value.get() - written == 2


async def test_the_batch_in_flight_at_shutdown_is_counted_as_lost() -> None:
    unreachable = connect_mongo("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=30000")
    buffer = WriteBuffer(unreachable["masterx"]["usage"], capacity=100)
    before = _dropped("usage", "shutdown")
    try:
        for index in range(3):
            buffer.submit(InsertOne({"_id": f"in-flight-{index}"}))
        buffer.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while loop.time() < deadline:
            if buffer.pending == 0:  # the writer has taken them all
                break
            await asyncio.sleep(0.01)
        assert buffer.pending == 0
        buffer.submit(InsertOne({"_id": "queued"}))
        await buffer.stop(0.2)
    finally:
        await unreachable.close()
    assert _dropped("usage", "shutdown") - before == 4
