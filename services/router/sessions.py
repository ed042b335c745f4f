"""Topic-scoped sessions in MongoDB (``sessions``), read through a small in-process cache.

The plan's schema: ``session_id, user_id, current_provider, current_topic, topic_history,
provider_history, message_count, updated_at``, plus ``key_id``. Reads happen on the hot path
(cache first); writes go through the write buffer after the reply. A session idle for longer
than ``idle_seconds`` is expired: read as absent, and purged in the background.

A session belongs to the user and the API key that created it (``user_id``, ``key_id``, set
once, on insert): ``services/router/chat_flow.py`` gives another caller who sends its id a
fresh session instead, and every update is filtered on the owner, so even a racing write of
another caller cannot change it (it fails as a duplicate ``_id``).

Conversation memory (``conversation.py``): a session of the router's own chat API also keeps
its recent turns, ``history`` (user and assistant text), within ``history_turns`` turns and
``history_tokens`` tokens, the oldest dropped first. Each write sets the whole bounded history
(computed from the history the request read plus its new turns) rather than ``$push`` with
``$each``/``$slice``: a set is idempotent when the write buffer sends a batch again, and
FerretDB 1.x ignores ``$slice`` (the array would grow without bound). The price: two chats of
one session answered at the same moment keep the exchange of the later write only.

A remembered chat reads its session by ``_id`` from MongoDB every time (another replica may
have answered the previous turn), not from the cache, unless this replica's own last write of
that session has not landed yet (its write-buffer ticket is unsettled): then the cached state
is the newer one. A deleted or expired session takes its history with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, InsertOne, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import PyMongoError

from masterx.domain import Category
from masterx.logs import log_event
from masterx.providers.base import ChatTurn
from services.router.conversation import REMEMBERED_ROLES, bounded
from services.router.write_buffer import WriteBuffer

logger = logging.getLogger("masterx.router.sessions")


@dataclass(frozen=True)
class SessionState:
    session_id: str
    user_id: str
    current_provider: str
    current_topic: Category | None
    message_count: int
    updated_at: float  # unix seconds
    key_id: str = ""
    # The remembered turns, oldest first; None when not read (a routing-only read).
    history: tuple[ChatTurn, ...] | None = field(default=None, repr=False)

    def owned_by(self, user_id: str, key_id: str) -> bool:
        """Whether this caller created the session (same user id, same API key)."""
        return self.user_id == user_id and self.key_id == key_id


# What routing reads of a session; the histories stay in MongoDB for analysis.
_ROUTING_FIELDS = {
    "user_id": True,
    "key_id": True,
    "current_provider": True,
    "current_topic": True,
    "message_count": True,
    "updated_at": True,
}
# What a remembered chat reads: the routing fields and the history.
_CONVERSATION_FIELDS = {**_ROUTING_FIELDS, "history": True}
FLUSH_BEFORE_DELETE_SECONDS = 2.0


def _topic(value: object) -> Category | None:
    try:
        return Category(str(value))
    except ValueError:
        return None


def _history(value: object) -> tuple[ChatTurn, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(
        ChatTurn(turn["role"], turn["content"])
        for turn in value
        if isinstance(turn, dict)
        and turn.get("role") in REMEMBERED_ROLES
        and isinstance(turn.get("content"), str)
    )


def _history_documents(turns: Sequence[ChatTurn]) -> list[dict[str, str]]:
    return [{"role": turn.role, "content": turn.content} for turn in turns]


def _from_document(document: dict[str, Any], *, with_history: bool = False) -> SessionState:
    updated = document.get("updated_at")
    return SessionState(
        session_id=str(document["_id"]),
        user_id=document.get("user_id", ""),
        current_provider=document.get("current_provider", ""),
        current_topic=_topic(document.get("current_topic")),
        message_count=int(document.get("message_count", 0)),
        updated_at=updated.timestamp() if isinstance(updated, datetime) else 0.0,
        key_id=str(document.get("key_id") or ""),
        history=(_history(document.get("history")) or ()) if with_history else None,
    )


class SessionStore:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        writes: WriteBuffer,
        *,
        idle_seconds: float,
        cache_size: int,
        cache_ttl_seconds: float,
        history_turns: int = 20,
        history_tokens: int = 8000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._collection = collection
        self._writes = writes
        self._idle = idle_seconds
        # session id -> (read or written at, state, the write-buffer ticket of its last write)
        self._cache: OrderedDict[str, tuple[float, SessionState | None, int]] = OrderedDict()
        # Ids whose cached owner is only claimed: a caller-named id this replica upserted,
        # which another caller may have created first (its write then fails as a duplicate).
        # Not trusted until read back from MongoDB; meanwhile written only owner-filtered.
        self._claimed: set[str] = set()
        self._history_turns = history_turns
        self._history_tokens = history_tokens
        self._cache_size = cache_size
        self._cache_ttl = cache_ttl_seconds
        self._clock = clock
        self._purger: asyncio.Task[None] | None = None

    async def ensure_indexes(self) -> None:
        # Documents are keyed by ``_id = session_id``: the lookup every request makes is an
        # ``_id`` equality, which every MongoDB-compatible server answers from its primary key
        # (FerretDB pushes it down to SQLite's `_id_` index, with the fix
        # scripts/install-ferretdb.sh applies; a secondary-index lookup there scans).
        await self._collection.create_index([("updated_at", ASCENDING)], name="updated_at")

    def _remember(
        self, session_id: str, state: SessionState | None, ticket: int = 0, claimed: bool = False
    ) -> None:
        self._cache[session_id] = (self._clock(), state, ticket)
        self._cache.move_to_end(session_id)
        (self._claimed.add if claimed else self._claimed.discard)(session_id)
        while len(self._cache) > self._cache_size:
            self._claimed.discard(self._cache.popitem(last=False)[0])

    def _fresh(self, state: SessionState | None) -> SessionState | None:
        if state is not None and self._clock() - state.updated_at > self._idle:
            return None
        return state

    async def get(self, session_id: str) -> SessionState | None:
        """The live session, or None (new, expired, or MongoDB unreachable: routing goes on)."""
        cached = self._cache.get(session_id)
        if cached is not None and session_id in self._claimed and self._writes.settled(cached[2]):
            cached = None  # its upsert is done: MongoDB says whose the session is
        if cached is not None and self._clock() - cached[0] < self._cache_ttl:
            return self._fresh(cached[1])
        try:
            document = await self._collection.find_one({"_id": session_id}, _ROUTING_FIELDS)
        except PyMongoError as error:
            log_event(logger, "session_read_failed", logging.WARNING, error=type(error).__name__)
            return self._fresh(cached[1]) if cached else None
        state = _from_document(document) if document else None
        self._remember(session_id, state)
        return self._fresh(state)

    async def get_conversation(self, session_id: str) -> SessionState | None:
        """The live session with its history (a remembered chat's one session read): from
        MongoDB by ``_id``, unless this replica's own last write of it is still buffered."""
        cached = self._cache.get(session_id)
        if cached is not None and not self._writes.settled(cached[2]):
            state = cached[1]
            if state is not None and state.history is not None:
                return self._fresh(state)
        try:
            document = await self._collection.find_one({"_id": session_id}, _CONVERSATION_FIELDS)
        except PyMongoError as error:
            log_event(logger, "session_read_failed", logging.WARNING, error=type(error).__name__)
            return self._fresh(cached[1]) if cached else None
        state = _from_document(document, with_history=True) if document else None
        self._remember(session_id, state)
        return self._fresh(state)

    async def delete(self, session_id: str, user_id: str, key_id: str) -> bool:
        """Forget a live session this caller (user and key) owns, its history with it; False
        when there is none (unknown, expired, or another caller's: not told apart)."""
        cached = self._cache.pop(session_id, None)
        if cached is not None and not self._writes.settled(cached[2]):
            # its last turn is still buffered: let it land first, or it would recreate it
            await self._writes.flush(FLUSH_BEFORE_DELETE_SECONDS)
        cutoff = datetime.fromtimestamp(self._clock() - self._idle, UTC)
        result = await self._collection.delete_one(
            {
                "_id": session_id,
                "user_id": user_id,
                "key_id": key_id,
                "updated_at": {"$gte": cutoff},
            }
        )
        self._cache.pop(session_id, None)
        return result.deleted_count > 0

    def _kept_history(
        self, previous: SessionState | None, turns: Sequence[ChatTurn]
    ) -> tuple[ChatTurn, ...] | None:
        """The history to store after this exchange; None: leave the stored one as it is
        (a live session's chat that is not remembered, or one read without its history)."""
        if previous is None and not turns:
            return ()  # no live session: an expired one's stored history must not come back
        if not turns:
            return None
        if previous is not None and previous.history is None:
            return None  # read from the cache while MongoDB failed: do not overwrite blind
        earlier = previous.history or () if previous is not None else ()
        return bounded((*earlier, *turns), self._history_turns, self._history_tokens)

    def record_turn(
        self,
        previous: SessionState | None,
        session_id: str,
        user_id: str,
        provider: str,
        topic: Category,
        *,
        key_id: str = "",
        fresh: bool = False,
        turns: Sequence[ChatTurn] = (),
    ) -> None:
        """After a reply: the session's provider and topic now, written off the hot path.
        The owner (user and key) is written once, when the session is created.

        ``fresh``: the router made the id itself for this request (no one else can hold it).
        Three writes, each found by ``_id`` where it can be (FerretDB's SQLite backend uses
        its index only for a filter on ``_id`` alone; with the owner in the filter it scans
        the collection):
        - a fresh session is inserted;
        - a live session this caller owns (``previous``, checked when it was read) is
          updated by ``_id``: its owner never changes; unless its owner is only claimed (this
          replica upserted the caller-named id and has not read it back: another caller may
          have created it first), then as the next case;
        - a caller-named id with no live session behind it (new, or expired) is an upsert
          filtered on the owner, so it can never update another caller's session (that
          write fails as a duplicate ``_id`` and is counted as unstorable).

        ``turns``: a remembered chat's new turns (user and assistant text), added to the
        session's history within its bounds; the history is set whole (module docstring).
        """
        now = self._clock()
        count = (previous.message_count if previous else 0) + 1
        stamp = datetime.fromtimestamp(now, UTC)
        history = self._kept_history(previous, turns)
        known = history if history is not None else (previous.history if previous else None)
        state = SessionState(session_id, user_id, provider, topic, count, now, key_id, known)
        if fresh:
            document: dict[str, Any] = {
                "_id": session_id,
                "session_id": session_id,
                "user_id": user_id,
                "key_id": key_id,
                "current_provider": provider,
                "current_topic": topic.value,
                "message_count": count,
                "topic_history": [topic.value],
                "provider_history": [provider],
                "created_at": stamp,
                "updated_at": stamp,
            }
            if history is not None:
                document["history"] = _history_documents(history)
            self._submit(session_id, state, InsertOne(document))
            return
        fields: dict[str, Any] = {
            "current_provider": provider,
            "current_topic": topic.value,
            "updated_at": stamp,
        }
        if history is not None:
            fields["history"] = _history_documents(history)
        update: dict[str, Any] = {
            "$set": fields,
            "$max": {"message_count": count},
            "$setOnInsert": {
                "session_id": session_id,
                "user_id": user_id,
                "key_id": key_id,
                "created_at": stamp,
            },
        }
        pushes = {}
        if previous is None or previous.current_topic is not topic:
            pushes["topic_history"] = topic.value
        if previous is None or previous.current_provider != provider:
            pushes["provider_history"] = provider
        if pushes:
            update["$push"] = pushes
        if previous is not None and session_id not in self._claimed:
            self._submit(session_id, state, UpdateOne({"_id": session_id}, update, upsert=True))
            return
        owner: dict[str, Any] = {"_id": session_id, "user_id": user_id}
        if key_id:
            owner["key_id"] = key_id
        self._submit(session_id, state, UpdateOne(owner, update, upsert=True), claimed=True)

    def _submit(
        self,
        session_id: str,
        state: SessionState,
        write: InsertOne[dict[str, Any]] | UpdateOne,
        claimed: bool = False,
    ) -> None:
        """Buffer the write; the cache holds the state it writes, with its ticket."""
        ticket = self._writes.last_ticket if self._writes.submit(write) else 0
        self._remember(session_id, state, ticket, claimed)

    async def release_provider(self, session_id: str, provider: str) -> bool:
        """A down-rated answer of ``provider``: the session stops keeping it, so its next
        message is decided afresh by the policy (its topic stays). Only while ``provider`` is
        still the session's (it may have moved since); True when released.

        The session is read by ``_id`` (this replica's cache first, never caching a miss: the
        session's own turn may still be in its write buffer), cleared in this replica's cache,
        and in MongoDB through the same write buffer as the turns, so it lands after the turn
        it follows. Another replica that cached the session sees the release when its cache
        entry expires (``session_cache_ttl_seconds``)."""
        cached = self._cache.get(session_id)
        fresh = cached is not None and self._clock() - cached[0] < self._cache_ttl
        state = cached[1] if cached is not None and fresh else None
        if state is None:
            try:
                document = await self._collection.find_one({"_id": session_id}, _ROUTING_FIELDS)
            except PyMongoError as error:
                log_event(
                    logger, "session_read_failed", logging.WARNING, error=type(error).__name__
                )
                return False
            state = _from_document(document) if document else None
        if state is None or state.current_provider != provider:
            return False
        claimed = session_id in self._claimed
        found: dict[str, Any] = {"_id": session_id}
        if claimed:  # not known to be this owner's yet: never another's
            found |= {"user_id": state.user_id, "key_id": state.key_id}
        released = UpdateOne(found, {"$set": {"current_provider": ""}})
        self._submit(session_id, replace(state, current_provider=""), released, claimed)
        return True

    async def purge_idle(self) -> int:
        cutoff = datetime.fromtimestamp(self._clock() - self._idle, UTC)
        result = await self._collection.delete_many({"updated_at": {"$lt": cutoff}})
        return result.deleted_count

    async def _purge_forever(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                removed = await self.purge_idle()
            except PyMongoError as error:
                log_event(
                    logger, "session_purge_failed", logging.WARNING, error=type(error).__name__
                )
                continue
            if removed:
                log_event(logger, "sessions_expired", count=removed)

    def start(self) -> None:
        self._purger = asyncio.create_task(
            self._purge_forever(min(self._idle, 300.0)), name="session-purge"
        )

    async def stop(self) -> None:
        if self._purger is not None:
            self._purger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._purger
