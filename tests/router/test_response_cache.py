"""The response cache in a real Redis (README, "Response cache"): what it keeps and for how
long, who is eligible (never empathy, nothing by default), and Redis down is a miss."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY
from pydantic import ValidationError

from masterx.chat.contract import ChatReply, ChatRequest, EmotionReading, Routing
from masterx.domain import BreakerState, Category, RouteReason
from masterx.providers.base import ChatTurn, Usage
from masterx.providers.chat_parts import ToolCall
from masterx.selection import Candidate
from masterx.stores import connect_redis
from services.router.response_cache import CachedAnswer, CachePolicy, ResponseCache
from services.router.settings import RouterSettings

SERVED = Candidate("groq", "llama-3.3-70b-versatile", None, BreakerState.CLOSED)
REQUEST = ChatRequest(turns=(ChatTurn("user", "Explain bubble sort"),), key_id="k1", cache="key")
POLICY = CachePolicy(frozenset({Category.CODING, Category.EMPATHY}), 60.0, 0.5)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _reply(text: str = "Bubble sort swaps neighbours.", finish: str = "stop") -> ChatReply:
    routing = Routing(
        SERVED.provider,
        SERVED.model,
        Category.CODING,
        0.9,
        EmotionReading.neutral(),
        RouteReason.BEST_BENCHMARK,
        0.0,
        (SERVED,),
        False,
        "s1",
    )
    return ChatReply(
        text=text,
        routing=routing,
        usage=Usage(12, 34),
        finish_reason=finish,
        cost_usd=0.00042,
        latency_ms=50.0,
        attempts=(),
        tool_calls=(ToolCall("c1", "run", '{"n": 3}'),),
    )


def _misses(reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "masterx_cache_misses_total", {"category": "coding", "reason": reason}
    )
    return value or 0.0


async def test_a_stored_answer_comes_back_whole_and_expires_with_the_ttl(
    redis_client: aioredis.Redis,
) -> None:
    cache = ResponseCache(redis_client, POLICY)
    key = cache.key(REQUEST, Category.CODING, SERVED)
    assert key is not None
    assert await cache.lookup(key, Category.CODING) is None
    cache.store(key, _reply())
    await cache.flush()
    answer = await cache.lookup(key, Category.CODING)
    assert answer == CachedAnswer(
        "Bubble sort swaps neighbours.",
        SERVED.model,
        Usage(12, 34),
        "stop",
        0.00042,
        (ToolCall("c1", "run", '{"n": 3}'),),
    )
    assert 0 < await redis_client.pttl(key) <= 60_000


async def test_an_answer_cut_short_is_not_kept(redis_client: aioredis.Redis) -> None:
    cache = ResponseCache(redis_client, POLICY)
    key = cache.key(REQUEST, Category.CODING, SERVED)
    assert key is not None
    cache.store(key, _reply(finish="cancelled"))
    await cache.flush()
    assert await redis_client.exists(key) == 0


async def test_an_entry_it_cannot_read_is_a_miss(redis_client: aioredis.Redis) -> None:
    cache = ResponseCache(redis_client, POLICY)
    key = cache.key(REQUEST, Category.CODING, SERVED)
    assert key is not None
    await redis_client.set(key, '{"text": "from another version"}')
    before = _misses("invalid")
    assert await cache.lookup(key, Category.CODING) is None
    assert _misses("invalid") == before + 1


def test_only_opted_in_requests_of_listed_categories_are_eligible() -> None:
    cache = ResponseCache(connect_redis("redis://127.0.0.1:1/0"), POLICY)
    assert cache.key(REQUEST, Category.CODING, SERVED) is not None
    assert cache.key(REQUEST, Category.MATH, SERVED) is None  # not listed
    assert cache.key(replace(REQUEST, cache="off"), Category.CODING, SERVED) is None
    # empathy is never cached, even when a policy lists it
    assert cache.key(REQUEST, Category.EMPATHY, SERVED) is None


def test_the_cache_is_off_by_default() -> None:
    assert RouterSettings().cached_categories == frozenset()
    assert ChatRequest(turns=REQUEST.turns).cache == "off"


def test_configuring_empathy_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTERX_CACHE_CATEGORIES", "coding, empathy")
    with pytest.raises(ValidationError, match="empathy is never served from the cache"):
        RouterSettings()
    monkeypatch.setenv("MASTERX_CACHE_CATEGORIES", "coding,maths")
    with pytest.raises(ValidationError, match="unknown category 'maths'"):
        RouterSettings()
    monkeypatch.setenv("MASTERX_CACHE_CATEGORIES", " Coding ,math")
    assert RouterSettings().cached_categories == {Category.CODING, Category.MATH}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_redis_down_is_a_miss_then_a_pause_without_calls() -> None:
    clock = Clock()
    redis = connect_redis(f"redis://127.0.0.1:{_closed_port()}/0", connect_timeout_s=0.5, retries=0)
    cache = ResponseCache(redis, POLICY, clock=clock)
    key = cache.key(REQUEST, Category.CODING, SERVED)
    assert key is not None
    before = _misses("unavailable")
    assert await cache.lookup(key, Category.CODING) is None  # refused: a miss, no exception
    cache.store(key, _reply())  # paused: not even tried
    await cache.flush()
    assert await cache.lookup(key, Category.CODING) is None  # paused: not asked
    clock.now += 1.5
    assert await cache.lookup(key, Category.CODING) is None  # asked again, refused again
    assert _misses("unavailable") == before + 3
    await cache.close()
