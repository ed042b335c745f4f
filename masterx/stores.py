"""Clients of the two stores, built the same way by every service that uses them."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from pymongo import AsyncMongoClient
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from masterx.settings import MONGO_MAX_POOL_SIZE

MongoClient = AsyncMongoClient[dict[str, Any]]


REDIS_MAX_CONNECTIONS = 128  # per client (a service has one or two; a server takes 10,000)


def connect_redis(
    url: str, *, connect_timeout_s: float = 1.0, timeout_s: float = 2.0, retries: int | None = None
) -> aioredis.Redis:
    """``retries``: how often a command is retried after a connection error or timeout
    (None: redis-py's default; a cache that must answer fast or not at all sets 0).

    The pool holds at most :data:`REDIS_MAX_CONNECTIONS`, and a command beyond them waits for
    one within ``timeout_s``: redis-py's own pool (100 since 8.0) raises at once when full, so
    a burst of concurrent calls (200 breaker reports on two health replicas) failed as "Redis
    unavailable" while Redis was fine."""
    options: dict[str, Any] = {}
    if retries is not None:
        options["retry"] = Retry(NoBackoff(), retries)
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=timeout_s,
        decode_responses=True,
        socket_connect_timeout=connect_timeout_s,
        socket_timeout=timeout_s,
        health_check_interval=5,
        **options,
    )
    return aioredis.Redis.from_pool(pool)


def connect_mongo(url: str, *, max_pool_size: int = MONGO_MAX_POOL_SIZE) -> MongoClient:
    """PyMongo's async API (Motor's successor); connects lazily, fails fast when unreachable.

    ``max_pool_size`` bounds the operations one service has in flight (pymongo's default is
    100): an operation over the bound waits for a connection, within its time limit. FerretDB
    1.x on SQLite has 100 SQL connections, and an update statement keeps its read open (one
    connection) until its whole command ends: once 100 are held, every operation waits for
    good (the quality drift drill's goroutine dumps: 100 reads open for minutes, hundreds of
    queries waiting, every command timing out until restart). With this bound and the write
    buffers' 16 writes per command (``services/router/write_buffer.py``) the services stay far
    under it (README, "Configuration")."""
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
        timeoutMS=5000,
        maxPoolSize=max_pool_size,
        tz_aware=True,
        appname="masterx",
    )


async def ping_redis(client: aioredis.Redis) -> None:
    await client.ping()


async def ping_mongo(client: MongoClient) -> None:
    await client.admin.command("ping")
