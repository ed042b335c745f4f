"""Writes a stopping router could not store, kept in Redis until a router stores them.

A replica that stops while MongoDB is behind (the write buffer's flush time ran out,
``write_buffer.py``) would otherwise drop usage records, session turns and answer-index entries
it had already accepted. It hands them to Redis instead: one list per collection,
``masterx:writes:unstored:<collection>``, each item one write as canonical extended JSON (types
such as datetimes survive). The next router to start, this replica or another, takes them back
into its buffer and stores them; every buffered write is idempotent on retry (``write_buffer.py``),
so a write stored twice changes nothing. They land after the new router's own first writes: a
session that went on on another replica in between gets its older turn's fields back, its
remembered history too (the exchanges in between are forgotten; its message count, a ``$max``,
does not go back): rarer and smaller than the loss of every buffered write it replaces.

Only the operations the router buffers are encoded: ``InsertOne`` and ``UpdateOne`` by filter,
update and upsert. pymongo keeps those in private attributes (``_doc``, ``_filter``,
``_upsert``); ``tests/router/test_write_spill.py`` round-trips every kind the router submits, so a
pymongo that renames them fails there rather than at a shutdown.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import redis.asyncio as aioredis
from bson import json_util
from bson.json_util import CANONICAL_JSON_OPTIONS
from pymongo import InsertOne, UpdateOne

WriteOp = InsertOne[dict[str, Any]] | UpdateOne
KEY_PREFIX = "masterx:writes:unstored:"
CHUNK = 500  # writes per Redis command
# Datetimes come back aware, in UTC, as the router writes them (``masterx/stores.py``).
JSON_OPTIONS = CANONICAL_JSON_OPTIONS.with_options(tz_aware=True, tzinfo=UTC)


class UnencodableWrite(ValueError):
    """A write with options the spill does not carry (collation, array filters, hint, sort)."""


def encode_write(write: WriteOp) -> str:
    if isinstance(write, InsertOne):
        item: dict[str, Any] = {"insert": write._doc}
    elif isinstance(write, UpdateOne):
        extras = (write._collation, write._array_filters, write._hint, write._sort)
        if any(extra is not None for extra in extras):
            raise UnencodableWrite("an update with collation, array filters, hint or sort")
        item = {"filter": write._filter, "update": write._doc, "upsert": write._upsert}
    else:
        raise UnencodableWrite(f"a {type(write).__name__}")
    return json_util.dumps(item, json_options=JSON_OPTIONS)


def decode_write(text: str) -> WriteOp:
    """The write :func:`encode_write` encoded; ValueError for anything else."""
    item = json_util.loads(text, json_options=JSON_OPTIONS)
    if not isinstance(item, dict):
        raise ValueError("a kept write is a JSON object")
    if isinstance(item.get("insert"), dict):
        return InsertOne(item["insert"])
    if isinstance(item.get("filter"), dict) and isinstance(item.get("update"), dict):
        upsert = item.get("upsert")
        if upsert is not None and not isinstance(upsert, bool):
            raise ValueError("a kept update's 'upsert' is true, false or null")
        return UpdateOne(item["filter"], item["update"], upsert=upsert)
    raise ValueError("a kept write has neither 'insert' nor 'filter' and 'update'")


class WriteSpill:
    """One collection's list of unstored writes in Redis."""

    def __init__(self, client: aioredis.Redis, collection: str) -> None:
        self._client = client
        self.key = KEY_PREFIX + collection

    async def keep(self, writes: list[WriteOp]) -> int:
        """Append the writes; how many are kept (the rest could not be encoded, or Redis
        failed part way: the caller counts them as lost). Redis errors propagate only when
        nothing was kept."""
        encoded = []
        for write in writes:
            try:
                encoded.append(encode_write(write))
            except (UnencodableWrite, TypeError, ValueError):
                continue
        kept = 0
        for start in range(0, len(encoded), CHUNK):
            try:
                await self._client.rpush(self.key, *encoded[start : start + CHUNK])
            except Exception:
                if kept == 0:
                    raise
                break
            kept += len(encoded[start : start + CHUNK])
        return kept

    async def take(self, count: int = CHUNK) -> tuple[list[WriteOp], int]:
        """Up to ``count`` kept writes, oldest first, removed from Redis; and how many items
        could not be decoded (dropped: retrying cannot help)."""
        items = await self._client.lpop(self.key, count)
        writes: list[WriteOp] = []
        broken = 0
        for item in items or []:
            text = item.decode() if isinstance(item, bytes) else str(item)
            try:
                writes.append(decode_write(text))
            except Exception:  # json, bson or shape: whatever the item holds, it is not a write
                broken += 1
        return writes, broken
