"""A session's history in a real MongoDB-compatible server (README, "Conversation memory"):
bounded in the store, read from MongoDB by every replica, gone with expiry and deletion."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.providers.base import ChatTurn
from services.router.conversation import turn_tokens
from services.router.sessions import SessionState, SessionStore
from services.router.write_buffer import WriteBuffer

T0 = 1_700_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def _store(
    db: AsyncDatabase[dict[str, Any]],
    clock: Clock,
    *,
    turns: int = 20,
    tokens: int = 8000,
    start: bool = True,
    linger_s: float = 0.0,
) -> tuple[SessionStore, WriteBuffer]:
    writes = WriteBuffer(db["sessions"], 100, linger_s=linger_s)
    if start:
        writes.start()
    store = SessionStore(
        db["sessions"],
        writes,
        idle_seconds=1800,
        cache_size=100,
        cache_ttl_seconds=60,
        history_turns=turns,
        history_tokens=tokens,
        clock=clock,
    )
    return store, writes


def _pair(i: int) -> tuple[ChatTurn, ChatTurn]:
    return ChatTurn("user", f"question {i}"), ChatTurn("assistant", f"answer {i}")


def _said(state: SessionState | None) -> list[str]:
    assert state is not None and state.history is not None
    return [turn.content for turn in state.history]


async def _stored(db: AsyncDatabase[dict[str, Any]], session_id: str) -> list[str]:
    document = await db["sessions"].find_one({"_id": session_id})
    assert document is not None
    return [turn["content"] for turn in document.get("history", [])]


async def _exchange(store: SessionStore, writes: WriteBuffer, session_id: str, i: int) -> None:
    previous = await store.get_conversation(session_id)
    fresh = previous is None and i == 0
    store.record_turn(
        previous, session_id, "u1", "alpha", Category.CODING, fresh=fresh, turns=_pair(i)
    )
    await writes.flush(10)


async def test_the_stored_history_keeps_the_newest_turns_within_the_turn_bound(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store, writes = _store(mongo_db, Clock(), turns=4)
    for i in range(3):
        await _exchange(store, writes, "s-turns", i)
    expected = ["question 1", "answer 1", "question 2", "answer 2"]
    assert await _stored(mongo_db, "s-turns") == expected
    assert _said(await store.get_conversation("s-turns")) == expected
    await writes.stop()


async def test_the_stored_history_keeps_the_newest_turns_within_the_token_bound(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    per_pair = sum(turn_tokens(t) for t in _pair(0))
    store, writes = _store(mongo_db, Clock(), tokens=2 * per_pair)
    for i in range(4):
        await _exchange(store, writes, "s-tokens", i)
    assert await _stored(mongo_db, "s-tokens") == [
        "question 2",
        "answer 2",
        "question 3",
        "answer 3",
    ]
    await writes.stop()


async def test_a_remembered_read_sees_what_another_replica_wrote(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = Clock()
    one, one_writes = _store(mongo_db, clock)
    two, two_writes = _store(mongo_db, clock)
    await _exchange(one, one_writes, "s-replicas", 0)
    await _exchange(two, two_writes, "s-replicas", 1)  # replica two answers the next turn
    # replica one's cache still holds its own turn (fresh for 60 s), but the history is read
    # from MongoDB
    assert _said(await one.get_conversation("s-replicas")) == [
        "question 0",
        "answer 0",
        "question 1",
        "answer 1",
    ]
    await one_writes.stop()
    await two_writes.stop()


async def test_its_own_write_still_buffered_is_the_newest_history(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store, writes = _store(mongo_db, Clock(), start=False)  # nothing lands until started
    store.record_turn(None, "s-pending", "u1", "alpha", Category.CODING, fresh=True, turns=_pair(0))
    assert await mongo_db["sessions"].find_one({"_id": "s-pending"}) is None
    assert _said(await store.get_conversation("s-pending")) == ["question 0", "answer 0"]
    writes.start()
    await writes.flush(10)
    assert await _stored(mongo_db, "s-pending") == ["question 0", "answer 0"]
    await writes.stop()


async def test_an_expired_session_starts_again_without_its_history(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = Clock()
    store, writes = _store(mongo_db, clock)
    await _exchange(store, writes, "s-idle", 0)
    clock.now += 1801
    assert await store.get_conversation("s-idle") is None
    await _exchange(store, writes, "s-idle", 1)  # the document is still there, not purged
    assert await _stored(mongo_db, "s-idle") == ["question 1", "answer 1"]
    await writes.stop()


async def test_only_the_owner_deletes_a_session_and_its_history_goes_with_it(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store, writes = _store(mongo_db, Clock())
    store.record_turn(
        None, "s-del", "u1", "alpha", Category.CODING, key_id="k1", fresh=True, turns=_pair(0)
    )
    await writes.flush(10)
    assert not await store.delete("s-del", "u2", "k1")
    assert not await store.delete("s-del", "u1", "k2")
    assert not await store.delete("s-unknown", "u1", "k1")
    assert await store.delete("s-del", "u1", "k1")
    assert await mongo_db["sessions"].find_one({"_id": "s-del"}) is None
    assert await store.get_conversation("s-del") is None
    assert await store.get("s-del") is None
    await writes.stop()


async def test_a_delete_lets_a_buffered_turn_land_first(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store, writes = _store(mongo_db, Clock(), linger_s=0.3)
    store.record_turn(None, "s-race", "u1", "alpha", Category.CODING, fresh=True, turns=_pair(0))
    assert await store.delete("s-race", "u1", "")  # the insert was still buffered
    await writes.flush(10)
    assert await mongo_db["sessions"].count_documents({}) == 0
    await writes.stop()


async def test_a_chat_that_is_not_remembered_leaves_the_history_alone(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store, writes = _store(mongo_db, Clock())
    await _exchange(store, writes, "s-mixed", 0)
    previous = await store.get("s-mixed")
    store.record_turn(previous, "s-mixed", "u1", "beta", Category.CODING)  # e.g. the OpenAI API
    await writes.flush(10)
    assert await _stored(mongo_db, "s-mixed") == ["question 0", "answer 0"]
    assert _said(await store.get_conversation("s-mixed")) == ["question 0", "answer 0"]
    await writes.stop()


async def test_an_expired_session_continued_without_memory_drops_its_history(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    clock = Clock()
    store, writes = _store(mongo_db, clock)
    await _exchange(store, writes, "s-idle-openai", 0)
    clock.now += 1801
    assert await store.get("s-idle-openai") is None
    store.record_turn(None, "s-idle-openai", "u1", "alpha", Category.CODING)  # e.g. OpenAI API
    await writes.flush(10)
    assert await _stored(mongo_db, "s-idle-openai") == []
    assert _said(await store.get_conversation("s-idle-openai")) == []
    await writes.stop()
