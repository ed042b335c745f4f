"""Session-wide fixtures: real stores, and clients of them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
from hypothesis import HealthCheck, settings
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import MongoClient, connect_mongo, connect_redis
from tests.support.stores import StoreUrls, real_stores

# Property tests judge results, not speed: on a busy shared machine one example can take longer
# than Hypothesis's default 200 ms deadline (speed is `make bench`'s business).
settings.register_profile("masterx", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("masterx")


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
