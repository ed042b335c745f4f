"""The answer index: collection ``answers``, one small document per usage record
(``usage_record.py``), keyed by who asked and the request id, so that a rating
(``feedback.py``) finds the answer it rates with an ``_id`` lookup.

Why not a query on ``usage`` by ``request_id``: FerretDB 1.x on SQLite uses an index only for a
filter on ``_id`` alone (scripts/install-ferretdb.sh) and scans the collection for any other,
which at 20 ratings a second starved the router's MongoDB connection pool in the quality drift
drill (``bench/drills/quality_drift.py``). The key is the owner's too: a request id is not
unique across callers (a client may choose it), so another caller's request can never be found
under it; the same owner reusing an id rates its latest request.
"""

from __future__ import annotations

from typing import Any

from pymongo import UpdateOne

from services.router.usage_record import CATEGORY, CREATED_AT, KEY_ID, PROVIDER, USER_ID

COLLECTION = "answers"
# What a rating reads of the answer (and the usage record's ``_id``, to join the two).
FIELDS = ("usage_id", PROVIDER, "model", CATEGORY, "session_id", "status", CREATED_AT)


def answer_key(key_id: str, user_id: str, request_id: str) -> str:
    """``<key id>/<user id>/<request id>``: none of the three can hold a ``/``."""
    return f"{key_id}/{user_id}/{request_id}"


def answer_entry(usage: dict[str, Any]) -> UpdateOne:
    """The index entry of a usage record, as an idempotent upsert (the write buffer may send it
    twice); the latest record of a reused request id replaces the earlier one's entry."""
    key = answer_key(usage[KEY_ID], usage[USER_ID], usage["request_id"])
    entry = {
        "usage_id": usage["_id"],
        PROVIDER: usage[PROVIDER],
        "model": usage["model"],
        CATEGORY: usage[CATEGORY],
        "session_id": usage["session_id"],
        "status": usage["status"],
        CREATED_AT: usage[CREATED_AT],
    }
    return UpdateOne({"_id": key}, {"$set": entry}, upsert=True)
