"""The response cache: answers kept in Redis and served again for the same request.

Off by default. A request is *eligible* when its caller's scope (``ChatRequest.cache``, set by
the gateway from the API key, ``MASTERX_CACHE_SCOPE`` or ``Cache-Control``) is not ``off``,
its category is one of ``MASTERX_CACHE_CATEGORIES`` and is not empathy (never cached). Only an
eligible request touches Redis:

- **lookup** (before any provider call): one ``GET`` bounded by
  ``MASTERX_CACHE_LOOKUP_TIMEOUT_MS``. It is the one synchronous Redis call the router makes on
  the hot path, and only for requests that opted in. Redis down, slow or answering nonsense is
  a miss, never a failure (``masterx_cache_misses_total{reason="unavailable"}``), and for
  ``UNAVAILABLE_PAUSE_S`` after such a miss the cache is not asked again (so an unreachable
  Redis costs one timeout per pause, not one per request);
- **store** (after a successful answer, off the hot path): ``SET`` with
  ``MASTERX_CACHE_TTL_SECONDS``, in a background task; a failure is counted, never raised.

An entry holds the answer (text, tool calls, finish reason, model, usage) and what the call
cost. Its key (``cache_key.py``) names the served provider and model and the namespace, so an
answer never crosses keys that must not share it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from masterx.chat.contract import ChatReply, ChatRequest
from masterx.domain import Category
from masterx.logs import log_event
from masterx.providers.base import Usage
from masterx.providers.chat_parts import ToolCall
from masterx.selection import Candidate
from services.router.cache_key import NEVER_CACHED, cache_key
from services.router.metrics import (
    CACHE_HITS,
    CACHE_LOOKUP,
    CACHE_MISSES,
    CACHE_STORE_FAILURES,
)

logger = logging.getLogger("masterx.router.cache")
UNAVAILABLE_PAUSE_S = 1.0
STORE_TIMEOUT_S = 2.0
REDIS_DOWN = (RedisError, OSError, TimeoutError)


@dataclass(frozen=True)
class CachedAnswer:
    """What an entry holds: the answer as the provider gave it, and what it cost then."""

    text: str
    model: str
    usage: Usage
    finish_reason: str
    cost_usd: float
    tool_calls: tuple[ToolCall, ...] = ()

    @classmethod
    def of(cls, reply: ChatReply) -> CachedAnswer:
        return cls(
            reply.text,
            reply.routing.model,
            reply.usage,
            reply.finish_reason,
            reply.cost_usd,
            reply.tool_calls,
        )

    def encoded(self) -> bytes:
        return orjson.dumps(
            {
                "text": self.text,
                "model": self.model,
                "prompt_tokens": self.usage.prompt_tokens,
                "completion_tokens": self.usage.completion_tokens,
                "usage_source": self.usage.source,
                "finish_reason": self.finish_reason,
                "cost_usd": self.cost_usd,
                "tool_calls": [[c.id, c.name, c.arguments] for c in self.tool_calls],
            }
        )

    @classmethod
    def decoded(cls, raw: str | bytes) -> CachedAnswer:
        """The entry; ``ValueError`` when it is not one (written by another version)."""
        try:
            value: dict[str, Any] = orjson.loads(raw)
            usage = Usage(
                int(value["prompt_tokens"]), int(value["completion_tokens"]), value["usage_source"]
            )
            return cls(
                str(value["text"]),
                str(value["model"]),
                usage,
                str(value["finish_reason"]),
                float(value["cost_usd"]),
                tuple(ToolCall(str(i), str(n), str(a)) for i, n, a in value["tool_calls"]),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a cache entry: {type(error).__name__}") from None


@dataclass(frozen=True)
class CachePolicy:
    """Which requests the cache serves, and how long an answer is kept."""

    categories: frozenset[Category]
    ttl_seconds: float
    lookup_timeout_s: float

    def admits(self, request: ChatRequest, category: Category) -> bool:
        return (
            request.cache != "off" and category in self.categories and category is not NEVER_CACHED
        )


class ResponseCache:
    def __init__(
        self,
        redis: aioredis.Redis,
        policy: CachePolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._redis = redis
        self._policy = policy
        self._clock = clock
        self._paused_until = -float("inf")
        self._stores: set[asyncio.Task[None]] = set()

    def key(self, request: ChatRequest, category: Category, served: Candidate) -> str | None:
        """The entry's key for ``request`` answered by ``served``; None: not eligible."""
        if not self._policy.admits(request, category):
            return None
        return cache_key(request, served.provider, served.model)

    def _available(self) -> bool:
        return self._clock() >= self._paused_until

    def _unavailable(self, operation: str, error: BaseException) -> None:
        if self._available():
            log_event(
                logger,
                "cache_unavailable",
                logging.WARNING,
                operation=operation,
                error=type(error).__name__,
                pause_s=UNAVAILABLE_PAUSE_S,
            )
        self._paused_until = self._clock() + UNAVAILABLE_PAUSE_S

    async def lookup(self, key: str, category: Category) -> CachedAnswer | None:
        """The answer filed under ``key``; None (a miss) when there is none or Redis cannot
        say in time."""
        if not self._available():
            CACHE_MISSES.labels(category.value, "unavailable").inc()
            return None
        started = time.perf_counter()
        try:
            raw = await asyncio.wait_for(self._redis.get(key), self._policy.lookup_timeout_s)
        except REDIS_DOWN as error:
            self._unavailable("lookup", error)
            CACHE_MISSES.labels(category.value, "unavailable").inc()
            return None
        finally:
            CACHE_LOOKUP.observe(time.perf_counter() - started)
        if raw is None:
            CACHE_MISSES.labels(category.value, "absent").inc()
            return None
        try:
            answer = CachedAnswer.decoded(raw)
        except ValueError:
            CACHE_MISSES.labels(category.value, "invalid").inc()
            return None
        CACHE_HITS.labels(category.value).inc()
        return answer

    def store(self, key: str, reply: ChatReply) -> None:
        """File ``reply`` under ``key`` in the background; an answer cut short is not kept."""
        if reply.finish_reason == "cancelled" or not (reply.text or reply.tool_calls):
            return
        if not self._available():
            CACHE_STORE_FAILURES.inc()
            return
        task = asyncio.get_running_loop().create_task(
            self._store(key, CachedAnswer.of(reply).encoded())
        )
        self._stores.add(task)
        task.add_done_callback(self._stores.discard)

    async def _store(self, key: str, entry: bytes) -> None:
        ttl_ms = max(1, round(self._policy.ttl_seconds * 1000))
        try:
            await asyncio.wait_for(self._redis.set(key, entry, px=ttl_ms), STORE_TIMEOUT_S)
        except REDIS_DOWN as error:
            self._unavailable("store", error)
            CACHE_STORE_FAILURES.inc()

    async def flush(self) -> None:
        """Wait (a moment at most) for the stores in flight."""
        if self._stores:
            await asyncio.wait(set(self._stores), timeout=STORE_TIMEOUT_S)

    async def close(self) -> None:
        await self.flush()
        await self._redis.aclose()
