"""Session-wide fixtures: real stores, and clients of them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import MongoClient, connect_mongo, connect_redis
from tests.support.stores import StoreUrls, real_stores


@pytest.fixture(scope="session")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreUrls]:
    state_dir: Path = tmp_path_factory.mktemp("stores")
    with real_stores(state_dir) as urls:
        yield urls


@pytest.fixture
async def redis_client(stores: StoreUrls) -> AsyncIterator[aioredis.Redis]:
    client = connect_redis(stores.redis_url)
    await client.flushdb()
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
async def mongo_client(stores: StoreUrls) -> AsyncIterator[MongoClient]:
    client = connect_mongo(stores.mongodb_url)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
async def mongo_db(mongo_client: MongoClient) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    name = f"test_{uuid.uuid4().hex[:12]}"
    try:
        yield mongo_client[name]
    finally:
        await mongo_client.drop_database(name)
