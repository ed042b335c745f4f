"""Sessions in a real MongoDB-compatible server: the plan's schema, cache, expiry."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from services.router.sessions import SessionStore
from services.router.write_buffer import WriteBuffer

T0 = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


async def _store(
    db: AsyncDatabase[dict[str, Any]], clock: Clock, cache_ttl: float = 60
) -> tuple[SessionStore, WriteBuffer]:
    writes = WriteBuffer(db["sessions"], 100)
    writes.start()
    store = SessionStore(
        db["sessions"],
        writes,
        idle_seconds=1800,
        cache_size=100,
        cache_ttl_seconds=cache_ttl,
        clock=clock,
    )
    await store.ensure_indexes()
    return store, writes


async def test_turns_build_the_plans_schema(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    clock = Clock()
    store, writes = await _store(mongo_db, clock, cache_ttl=0)
    store.record_turn(None, "s1", "u1", "alpha", Category.CODING)
    await writes.flush(10)
    first = await store.get("s1")
    store.record_turn(first, "s1", "u1", "alpha", Category.CODING)
    await writes.flush(10)
    second = await store.get("s1")
    store.record_turn(second, "s1", "u1", "beta", Category.MATH)
    await writes.flush(10)
    document = await mongo_db["sessions"].find_one({"session_id": "s1"})
    assert document is not None
    assert {
        k: document[k]
        for k in (
            "session_id",
            "user_id",
            "current_provider",
            "current_topic",
            "topic_history",
            "provider_history",
            "message_count",
        )
    } == {
        "session_id": "s1",
        "user_id": "u1",
        "current_provider": "beta",
        "current_topic": "math",
        "topic_history": ["coding", "math"],
        "provider_history": ["alpha", "beta"],
        "message_count": 3,
    }
    assert document["updated_at"].timestamp() == T0
    await writes.stop()


async def test_reads_come_from_the_cache_until_it_ages(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = Clock()
    store, writes = await _store(mongo_db, clock)
    store.record_turn(None, "s2", "u", "alpha", Category.CODING, fresh=True)
    state = await store.get("s2")  # answered from the cache before the write lands
    assert state is not None and state.current_provider == "alpha"
    await writes.flush(10)
    await mongo_db["sessions"].update_one(
        {"session_id": "s2"}, {"$set": {"current_provider": "elsewhere"}}
    )
    assert (await store.get("s2")).current_provider == "alpha"  # type: ignore[union-attr]
    clock.now += 61
    assert (await store.get("s2")).current_provider == "elsewhere"  # type: ignore[union-attr]
    await writes.stop()


async def test_a_caller_named_session_another_created_first_is_never_written(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    """Two owners name one new session at once: the first write wins, the second fails as a
    duplicate. The loser's cache claims the session, so its later turns go owner-filtered, and
    its first read after its write landed asks MongoDB, which names the real owner."""
    clock = Clock()
    winner, winner_writes = await _store(mongo_db, clock)
    loser, loser_writes = await _store(mongo_db, clock)
    winner.record_turn(None, "named", "alice", "gemini", Category.MATH, key_id="ka")
    await winner_writes.flush(10)
    loser.record_turn(None, "named", "mallory", "anthropic", Category.MATH, key_id="kb")
    claimed = await loser.get("named")  # before its write is sent: its own claim
    assert claimed is not None and claimed.user_id == "mallory"
    loser.record_turn(claimed, "named", "mallory", "anthropic", Category.MATH, key_id="kb")
    await loser_writes.flush(10)
    document = await mongo_db["sessions"].find_one({"_id": "named"})
    assert document is not None
    assert (document["user_id"], document["key_id"]) == ("alice", "ka")
    assert (document["current_provider"], document["message_count"]) == ("gemini", 1)
    confirmed = await loser.get("named")  # its writes are done: MongoDB names the owner
    assert confirmed is not None and not confirmed.owned_by("mallory", "kb")
    await winner_writes.stop()
    await loser_writes.stop()


async def test_idle_sessions_expire_and_are_purged(mongo_db: AsyncDatabase[dict[str, Any]]) -> None:
    clock = Clock()
    store, writes = await _store(mongo_db, clock)
    store.record_turn(None, "old", "u", "alpha", Category.GENERAL)
    await writes.flush(10)
    clock.now += 1801
    assert await store.get("old") is None
    assert await store.purge_idle() == 1
    assert await mongo_db["sessions"].count_documents({}) == 0
    await writes.stop()
