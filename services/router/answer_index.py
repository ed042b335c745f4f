"""The answer index: collection ``answers``, one small document per usage record
(``usage_record.py``), keyed by who asked and the request id, so that a rating
(``feedback.py``) finds the answer it rates with an ``_id`` lookup.

Why not a query on ``usage`` by ``request_id``: FerretDB 1.x on SQLite uses an index only for a
filter on ``_id`` alone (scripts/install-ferretdb.sh) and scans the collection for any other,
which at 20 ratings a second starved the router's MongoDB connection pool in the quality drift
drill (``bench/drills/quality_drift.py``). The key is the owner's too: a request id is not
unique across callers (a client may choose it), so another caller's request can never be found
under it; the same owner reusing an id rates its latest request.

:class:`AnswerIndex` writes the entries (through the write buffer, after the reply) and finds
them: the entries this replica wrote lately from its own memory (the last
:data:`RECENT_ANSWERS`: most ratings come within minutes, to the replica that answered, so they
cost MongoDB no read and need not wait for the buffer), any other from MongoDB. One case
reads an older answer: an owner who reuses a request id on another replica within those
entries, and rates it on the first one.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from services.router.usage_record import CATEGORY, CREATED_AT, KEY_ID, PROVIDER, USER_ID
from services.router.write_buffer import WriteBuffer

COLLECTION = "answers"
# What a rating reads of the answer (and the usage record's ``_id``, to join the two).
FIELDS = ("usage_id", PROVIDER, "model", CATEGORY, "session_id", "status", CREATED_AT)
# Entries kept in memory: about 8 minutes of answers at 20 a second, a few MB.
RECENT_ANSWERS = 10_000


def answer_key(key_id: str, user_id: str, request_id: str) -> str:
    """``<key id>/<user id>/<request id>``: none of the three can hold a ``/``."""
    return f"{key_id}/{user_id}/{request_id}"


def answer_entry(usage: dict[str, Any]) -> UpdateOne:
    """The index entry of a usage record, as an idempotent upsert (the write buffer may send it
    twice); the latest record of a reused request id replaces the earlier one's entry."""
    return _upsert(*_entry(usage))


def _upsert(key: str, entry: dict[str, Any]) -> UpdateOne:
    return UpdateOne({"_id": key}, {"$set": entry}, upsert=True)


def _entry(usage: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    key = answer_key(usage[KEY_ID], usage[USER_ID], usage["request_id"])
    return key, {
        "usage_id": usage["_id"],
        PROVIDER: usage[PROVIDER],
        "model": usage["model"],
        CATEGORY: usage[CATEGORY],
        "session_id": usage["session_id"],
        "status": usage["status"],
        CREATED_AT: usage[CREATED_AT],
    }


class AnswerIndex:
    def __init__(
        self,
        writes: WriteBuffer,
        collection: AsyncCollection[dict[str, Any]],
        recent: int = RECENT_ANSWERS,
    ) -> None:
        self._writes = writes
        self._collection = collection
        self._recent: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._capacity = recent

    def record(self, usage: dict[str, Any]) -> None:
        """Index the answer of a usage record: in memory now, in MongoDB through the buffer."""
        key, entry = _entry(usage)
        self._writes.submit(_upsert(key, entry))
        self._recent[key] = entry
        self._recent.move_to_end(key)
        while len(self._recent) > self._capacity:
            self._recent.popitem(last=False)

    async def find(self, key: str) -> dict[str, Any] | None:
        """The entry under ``key`` (:data:`FIELDS`), or None; a PyMongoError when it is not
        in memory and MongoDB fails."""
        entry = self._recent.get(key)
        if entry is not None:
            return dict(entry)
        return await self._collection.find_one({"_id": key}, list(FIELDS))
