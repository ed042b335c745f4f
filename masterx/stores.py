"""Clients of the two stores, built the same way by every service that uses them."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from pymongo import AsyncMongoClient

MongoClient = AsyncMongoClient[dict[str, Any]]


def connect_redis(url: str) -> aioredis.Redis:
    return aioredis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=1.0,
        socket_timeout=2.0,
        health_check_interval=5,
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
