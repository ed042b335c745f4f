"""A router that stops while MongoDB is behind keeps what it accepted in Redis, and the next
router stores it (``services/router/write_spill.py``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import redis.asyncio as aioredis
from pymongo import InsertOne, UpdateOne
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import connect_mongo, connect_redis
from services.router.answer_index import answer_entry
from services.router.write_buffer import DROPPED, KEPT, RECOVERED, WriteBuffer
from services.router.write_spill import (
    UnencodableWrite,
    WriteOp,
    WriteSpill,
    decode_write,
    encode_write,
)

STAMP = datetime(2026, 12, 5, 20, 30, 1, 250000, tzinfo=UTC)


def _router_writes() -> list[WriteOp]:
    """One of each kind the router buffers (``usage_record.py``, ``answer_index.py``,
    ``sessions.py``), with the types they carry."""
    usage = {
        "_id": "u1",
        "request_id": "r1",
        "user_id": "learner",
        "key_id": "k1",
        "session_id": "s1",
        "provider": "openai",
        "model": "gpt-4o-mini",
        "category": "coding",
        "emotion": {"frustration": 0.1, "labels": ["neutral"]},
        "cost_usd": 0.00012,
        "cached": False,
        "created_at": STAMP,
        "status": "ok",
    }
    session_turn = {
        "$set": {
            "current_provider": "openai",
            "updated_at": STAMP,
            "history": [{"role": "user", "content": "hi"}],
        },
        "$max": {"message_count": 3},
        "$setOnInsert": {"session_id": "s1", "user_id": "learner", "created_at": STAMP},
        "$push": {"topic_history": "coding"},
    }
    return [
        InsertOne(usage),
        answer_entry(usage),
        UpdateOne({"_id": "s1", "user_id": "learner"}, session_turn, upsert=True),
        UpdateOne({"_id": "s1"}, {"$set": {"current_provider": ""}}),
    ]


def test_every_kind_of_router_write_survives_the_round_trip() -> None:
    for write in _router_writes():
        assert decode_write(encode_write(write)) == write


def test_writes_the_spill_cannot_carry_are_named() -> None:
    with pytest.raises(UnencodableWrite, match="hint"):
        encode_write(UpdateOne({"_id": 1}, {"$set": {"a": 1}}, hint="_id_"))
    for broken in ("[1, 2]", '{"neither": 1}', '{"filter": {}, "update": {}, "upsert": "yes"}'):
        with pytest.raises(ValueError):
            decode_write(broken)


async def _stored(db: AsyncDatabase[dict[str, Any]], collection: str, expected: int) -> int:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    count = -1
    while loop.time() < deadline:
        count = await db[collection].count_documents({})
        if count >= expected:
            break
        await asyncio.sleep(0.05)
    return count


async def test_what_a_stopping_router_could_not_store_is_stored_by_the_next_one(
    mongo_db: AsyncDatabase[dict[str, Any]], redis_client: aioredis.Redis
) -> None:
    name = f"usage-{uuid.uuid4().hex[:8]}"
    spill = WriteSpill(redis_client, name)
    unreachable = connect_mongo("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=30000")
    kept_before, lost_before = KEPT.labels(name)._value.get(), DROPPED.labels(name, "shutdown")
    try:
        stopping = WriteBuffer(unreachable["masterx"][name], capacity=100, spill=spill)
        stopping.start()
        for index in range(5):
            stopping.submit(InsertOne({"_id": f"r{index}", "created_at": STAMP}))
        await asyncio.sleep(0.2)  # the writer has taken a batch: in flight, not stored
        stopping.submit(UpdateOne({"_id": "r0"}, {"$set": {"rated": True}}))
        await stopping.stop(0.2)
    finally:
        await unreachable.close()
    assert KEPT.labels(name)._value.get() - kept_before == 6
    assert lost_before._value.get() == 0
    assert await redis_client.llen(spill.key) == 6

    recovered_before = RECOVERED.labels(name)._value.get()
    starting = WriteBuffer(mongo_db[name], capacity=100, spill=spill)
    starting.start()
    assert await _stored(mongo_db, name, 5) == 5
    assert await starting.flush(10)
    await starting.stop()
    assert RECOVERED.labels(name)._value.get() - recovered_before == 6
    assert await redis_client.llen(spill.key) == 0
    first = await mongo_db[name].find_one({"_id": "r0"})
    assert first is not None and first["rated"] is True  # the update landed after the insert
    assert first["created_at"] == STAMP


async def test_a_kept_item_that_does_not_decode_is_counted_and_the_rest_stored(
    mongo_db: AsyncDatabase[dict[str, Any]], redis_client: aioredis.Redis
) -> None:
    name = f"usage-{uuid.uuid4().hex[:8]}"
    spill = WriteSpill(redis_client, name)
    await spill.keep([InsertOne({"_id": "a"})])
    await redis_client.rpush(spill.key, "not a write")
    await spill.keep([InsertOne({"_id": "b"})])
    before = DROPPED.labels(name, "unstorable")._value.get()
    buffer = WriteBuffer(mongo_db[name], capacity=10, spill=spill)
    buffer.start()
    assert await _stored(mongo_db, name, 2) == 2
    await buffer.stop()
    assert DROPPED.labels(name, "unstorable")._value.get() - before == 1


async def test_with_redis_down_too_a_shutdown_counts_what_it_loses() -> None:
    name = f"usage-{uuid.uuid4().hex[:8]}"
    redis_down = connect_redis("redis://127.0.0.1:9", connect_timeout_s=0.2, retries=0)
    unreachable = connect_mongo("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=30000")
    before = DROPPED.labels(name, "shutdown")._value.get()
    try:
        buffer = WriteBuffer(
            unreachable["masterx"][name], capacity=10, spill=WriteSpill(redis_down, name)
        )
        for index in range(3):
            buffer.submit(InsertOne({"_id": f"r{index}"}))
        await buffer.stop(0.1)
    finally:
        await unreachable.close()
        await redis_down.aclose()
    assert DROPPED.labels(name, "shutdown")._value.get() - before == 3


async def test_a_router_stopped_while_taking_kept_writes_back_keeps_every_one_of_them(
    redis_client: aioredis.Redis,
) -> None:
    name = f"usage-{uuid.uuid4().hex[:8]}"
    spill = WriteSpill(redis_client, name)
    await spill.keep([InsertOne({"_id": f"k{index}"}) for index in range(10)])
    unreachable = connect_mongo("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=30000")
    lost = DROPPED.labels(name, "shutdown")._value.get()
    try:
        # a small buffer MongoDB never drains: the recovery waits for room when it is stopped
        buffer = WriteBuffer(unreachable["masterx"][name], capacity=3, spill=spill)
        buffer.start()
        deadline = asyncio.get_running_loop().time() + 5
        while not (buffer.pending == 3 and await redis_client.llen(spill.key) == 0):
            assert asyncio.get_running_loop().time() < deadline, (buffer.pending, "pending")
            await asyncio.sleep(0.05)
        await buffer.stop(0.1)
    finally:
        await unreachable.close()
    assert await redis_client.llen(spill.key) == 10
    assert DROPPED.labels(name, "shutdown")._value.get() == lost
