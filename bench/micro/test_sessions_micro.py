"""Session lookup: the in-process cache, and the cold path against a real MongoDB-compatible server.

Each lookup is one ``run_until_complete`` on a private event loop, which adds some tens of
microseconds the router (already inside its loop) does not pay.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.micro.fixtures import PROVIDERS
from masterx.domain import Category
from masterx.stores import connect_mongo
from services.router.sessions import SessionStore
from services.router.write_buffer import WriteBuffer
from tooling.stack import Stack, StackConfig

SESSIONS = 500


@dataclass
class Stores:
    loop: asyncio.AbstractEventLoop
    cold: SessionStore  # cache off: every get reads MongoDB
    warm: SessionStore  # every session already cached


async def _stores(mongodb_url: str) -> tuple[Stores, Any, WriteBuffer]:
    client = connect_mongo(mongodb_url)
    collection = client["bench_micro"]["sessions"]
    writes = WriteBuffer(collection, SESSIONS + 10)
    writes.start()
    cold = SessionStore(collection, writes, idle_seconds=3600, cache_size=10, cache_ttl_seconds=0)
    warm = SessionStore(
        collection, writes, idle_seconds=3600, cache_size=SESSIONS, cache_ttl_seconds=3600
    )
    await cold.ensure_indexes()
    for i in range(SESSIONS):
        cold.record_turn(None, f"s{i}", "u", PROVIDERS[i % len(PROVIDERS)], Category.CODING)
    if not await writes.flush(120):
        raise RuntimeError("session writes did not land within 120 s")
    for i in range(SESSIONS):
        await warm.get(f"s{i}")
    return Stores(asyncio.get_running_loop(), cold, warm), client, writes


@pytest.fixture(scope="module")
def stores() -> Iterator[Stores]:
    config = StackConfig(state_dir=Path(tempfile.mkdtemp(prefix="bench-micro-"))).with_free_ports()
    with Stack(config, components=("mongodb",)) as stack:
        loop = asyncio.new_event_loop()
        try:
            ready, client, writes = loop.run_until_complete(_stores(stack.mongodb_url))
            yield ready
            loop.run_until_complete(writes.stop())
            loop.run_until_complete(client.drop_database("bench_micro"))
            loop.run_until_complete(client.close())
        finally:
            loop.close()


class Ids:
    def __init__(self) -> None:
        self._i = 0

    def __call__(self) -> str:
        self._i += 1
        return f"s{self._i % SESSIONS}"


def test_session_get_cached(benchmark: Any, stores: Stores) -> None:
    ids = Ids()
    benchmark.pedantic(lambda: stores.loop.run_until_complete(stores.warm.get(ids())), rounds=5_000)


def test_session_get_mongodb(benchmark: Any, stores: Stores) -> None:
    ids = Ids()
    benchmark.pedantic(
        lambda: stores.loop.run_until_complete(stores.cold.get(ids())), rounds=SESSIONS
    )
