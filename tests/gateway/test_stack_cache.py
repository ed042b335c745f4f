"""The response cache on the real stack (README, "Response cache"): a router replica with the
cache on for every category but empathy, behind a gateway in this process; real Redis and
MongoDB, the simulator as the providers.

Each test asks its own question (a nonce in the text), so entries left by another test, or by
an earlier run against the same Redis, never answer it.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from pydantic import SecretStr
from pymongo import MongoClient

from tests.gateway.conftest import STACK_ADMIN_TOKEN
from tests.gateway.running import gateway_settings, running_gateway
from tests.gateway.stack_support import poll
from tooling.stack import Stack
from tooling.stack.replica import replica

pytestmark = pytest.mark.e2e

CACHED = "coding,math,research,language,general"
CHAT = "/api/v1/chat"
KEYS = "/api/v1/admin/keys"


def _question(topic: str = "bubble sort") -> str:
    return f"Explain {topic} in Python (case {uuid.uuid4().hex[:8]})"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _gateway(stack: Stack, router_target: str, scope: str = "key") -> Any:
    host = stack.config.host
    return running_gateway(
        gateway_settings(
            router_target,
            health_target=f"{host}:{stack.config.health_grpc_port}",
            benchmark_target=f"{host}:{stack.config.benchmark_grpc_port}",
            admin_token=SecretStr(STACK_ADMIN_TOKEN),
            cache_scope=scope,
        )
    )


@pytest.fixture(scope="module")
def cached_router(gateway_stack: Stack) -> Iterator[str]:
    env = {"MASTERX_CACHE_CATEGORIES": CACHED, "MASTERX_CACHE_TTL_SECONDS": "600"}
    with replica(gateway_stack, "router", env=env) as router:
        yield router.target


@pytest.fixture(scope="module")
def gateway(gateway_stack: Stack, cached_router: str) -> Iterator[str]:
    """No key needed; callers without one share the anonymous per-key namespace."""
    with _gateway(gateway_stack, cached_router) as url:
        yield url


def _chat(url: str, message: str, **headers: str) -> httpx.Response:
    reply = httpx.post(
        url + CHAT, json={"user_id": "learner-1", "message": message}, headers=headers, timeout=30
    )
    assert reply.status_code == 200, reply.text
    return reply


def _usage_records(stack: Stack, request_id: str) -> dict[str, Any] | None:
    client: MongoClient[dict[str, Any]] = MongoClient(
        stack.mongodb_url, serverSelectionTimeoutMS=5000
    )
    with client:
        found: dict[str, Any] | None = client["masterx"]["usage"].find_one(
            {"request_id": request_id}
        )
        return found


def test_a_repeated_question_is_answered_from_the_cache_at_no_cost(
    gateway_stack: Stack, gateway: str
) -> None:
    question = _question()
    first = _chat(gateway, question)
    assert first.headers["x-masterx-cache"] == "miss"
    assert first.json()["cost_usd"] > 0 and first.json()["cached"] is False

    def hit() -> httpx.Response | None:
        reply = _chat(gateway, question)
        return reply if reply.headers["x-masterx-cache"] == "hit" else None

    second = poll(hit, 10, "the answer stored")
    body = second.json()
    assert body["response"] == first.json()["response"]
    assert (body["cached"], body["cost_usd"], body["attempts"]) == (True, 0.0, [])
    assert body["cost_saved_usd"] == pytest.approx(first.json()["cost_usd"])
    assert second.headers["x-masterx-provider"] == first.headers["x-masterx-provider"]
    assert second.headers["x-masterx-category"] == "coding"

    record = poll(lambda: _usage_records(gateway_stack, body["request_id"]), 10, "the record")
    assert (record["status"], record["cached"], record["cost_usd"]) == ("ok", True, 0.0)
    assert record["cost_saved_usd"] == pytest.approx(first.json()["cost_usd"])
    assert (record["prompt_tokens"], record["completion_tokens"]) == (0, 0)
    miss = poll(lambda: _usage_records(gateway_stack, first.json()["request_id"]), 10, "record")
    assert (miss["cached"], miss["cost_saved_usd"]) == (False, 0.0)


def test_a_hit_streams_in_the_openai_and_anthropic_formats(gateway: str) -> None:
    question = _question("insertion sort")
    assert _chat(gateway, question).headers["x-masterx-cache"] == "miss"
    client = openai.OpenAI(base_url=gateway + "/v1", api_key="unused")
    messages: Any = [{"role": "user", "content": question}]

    def streamed() -> str | None:
        with client.chat.completions.with_streaming_response.create(
            model="auto", messages=messages, stream=True, user="learner-1"
        ) as response:
            text = "".join(
                chunk.choices[0].delta.content or "" for chunk in response.parse() if chunk.choices
            )
            status = response.headers.get("x-masterx-cache", "")
        return text if status == "hit" else None

    text = poll(streamed, 10, "a streamed hit")
    assert text == _chat(gateway, question).json()["response"]
    plain = client.chat.completions.with_raw_response.create(
        model="auto", messages=messages, user="learner-1"
    )
    assert plain.headers["x-masterx-cache"] == "hit"
    assert plain.parse().choices[0].message.content == text
    anthropic = httpx.post(
        gateway + "/v1/messages",
        json={"model": "auto", "max_tokens": 1024, "messages": messages, "stream": True},
        timeout=30,
    )
    # the Anthropic API sends its own max_tokens: another request, its own entry
    assert anthropic.headers["x-masterx-cache"] in ("miss", "hit")
    assert "message_stop" in anthropic.text


def test_cache_control_no_cache_bypasses_it(gateway: str) -> None:
    question = _question("selection sort")
    _chat(gateway, question)
    poll(
        lambda: _chat(gateway, question).headers["x-masterx-cache"] == "hit" or None,
        10,
        "the answer stored",
    )
    for directive in ("no-cache", "max-age=0, No-Store"):
        fresh = _chat(gateway, question, **{"cache-control": directive})
        assert "x-masterx-cache" not in fresh.headers
        assert fresh.json()["cached"] is False and fresh.json()["attempts"]


def test_empathy_is_never_cached(gateway: str) -> None:
    message = (
        "I'm so frustrated and anxious, I keep failing and I want to give up "
        + (uuid.uuid4().hex[:6])
    )
    for _ in range(2):
        reply = _chat(gateway, message)
        assert reply.headers["x-masterx-category"] == "empathy"
        assert "x-masterx-cache" not in reply.headers
        assert reply.json()["attempts"]


def test_the_cache_is_off_by_default(gateway_stack: Stack) -> None:
    """The stack's own router and gateway: no categories, no scope."""
    question = _question("heap sort")
    for _ in range(2):
        reply = _chat(gateway_stack.gateway_url, question)
        assert "x-masterx-cache" not in reply.headers
        assert reply.json()["attempts"] and reply.json()["cost_usd"] > 0


def _key(stack: Stack, cache: str) -> dict[str, Any]:
    created = httpx.post(
        stack.gateway_url + KEYS,
        json={"name": "cache-app", "cache": cache, "budget_day_usd": 5},
        headers={"authorization": f"Bearer {STACK_ADMIN_TOKEN}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    assert key["cache"] == cache
    return key


def _spent(stack: Stack, key: dict[str, Any]) -> float | None:
    usage = httpx.get(
        f"{stack.gateway_url}{KEYS}/{key['id']}/usage",
        headers={"authorization": f"Bearer {STACK_ADMIN_TOKEN}"},
        timeout=10,
    ).json()
    return float(usage["spent_day_usd"]) if usage["held_day_usd"] == 0 else None


def test_per_key_answers_never_reach_another_key_and_a_hit_is_not_charged(
    gateway_stack: Stack, gateway: str
) -> None:
    one, other = _key(gateway_stack, "key"), _key(gateway_stack, "key")
    question = _question("quick sort")

    def ask(key: dict[str, Any]) -> httpx.Response:
        return _chat(gateway, question, authorization=f"Bearer {key['key']}")

    assert ask(one).headers["x-masterx-cache"] == "miss"
    spent = poll(lambda: _spent(gateway_stack, one) or None, 10, "the miss settled")
    assert spent > 0
    poll(lambda: ask(one).headers["x-masterx-cache"] == "hit" or None, 10, "a hit for the key")
    assert poll(lambda: _spent(gateway_stack, one), 10, "the hits settled") == spent
    assert ask(other).headers["x-masterx-cache"] == "miss"  # its own namespace


def test_shared_keys_share_answers_and_a_key_can_turn_it_off(
    gateway_stack: Stack, gateway: str
) -> None:
    first, second = _key(gateway_stack, "shared"), _key(gateway_stack, "shared")
    question = _question("merge sort")

    def ask(key: dict[str, Any]) -> httpx.Response:
        return _chat(gateway, question, authorization=f"Bearer {key['key']}")

    assert ask(first).headers["x-masterx-cache"] == "miss"
    poll(lambda: ask(second).headers["x-masterx-cache"] == "hit" or None, 10, "a shared hit")
    patched = httpx.patch(
        f"{gateway_stack.gateway_url}{KEYS}/{second['id']}",
        json={"cache": "off"},
        headers={"authorization": f"Bearer {STACK_ADMIN_TOKEN}"},
        timeout=10,
    )
    assert patched.status_code == 200 and patched.json()["cache"] == "off"
    poll(lambda: "x-masterx-cache" not in ask(second).headers or None, 10, "the key's cache off")


def test_redis_unavailable_is_a_miss_not_an_error(gateway_stack: Stack) -> None:
    env = {
        "MASTERX_CACHE_CATEGORIES": CACHED,
        "MASTERX_CACHE_REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
    }
    with (
        replica(gateway_stack, "router", env=env) as router,
        _gateway(gateway_stack, router.target) as url,
    ):
        question = _question("counting sort")
        for _ in range(2):
            reply = _chat(url, question)
            assert reply.headers["x-masterx-cache"] == "miss"
            assert reply.json()["cost_usd"] > 0
        metrics = httpx.get(f"http://127.0.0.1:{router.metrics_port}/metrics", timeout=5).text
    assert 'masterx_cache_misses_total{category="coding",reason="unavailable"} 2.0' in metrics
