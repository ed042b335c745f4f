"""Clients of the two stores, built the same way by every service that uses them."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from pymongo import AsyncMongoClient
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

MongoClient = AsyncMongoClient[dict[str, Any]]


def connect_redis(
    url: str, *, connect_timeout_s: float = 1.0, timeout_s: float = 2.0, retries: int | None = None
) -> aioredis.Redis:
    """``retries``: how often a command is retried after a connection error or timeout
    (None: redis-py's default; a cache that must answer fast or not at all sets 0)."""
    options: dict[str, Any] = {}
    if retries is not None:
        options["retry"] = Retry(NoBackoff(), retries)
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=connect_timeout_s,
        socket_timeout=timeout_s,
        health_check_interval=5,
        **options,
    )


def connect_mongo(url: str) -> MongoClient:
    """PyMongo's async API (Motor's successor); connects lazily, fails fast when unreachable."""
    return AsyncMongoClient(
        url,
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
        timeoutMS=5000,
        tz_aware=True,
        appname="masterx",
    )


async def ping_redis(client: aioredis.Redis) -> None:
    await client.ping()


async def ping_mongo(client: MongoClient) -> None:
    await client.admin.command("ping")
