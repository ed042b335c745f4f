"""Managed API keys on the chat path, on the real stack (real Redis and MongoDB, the simulator
as the providers): a second gateway replica (in this process) calls a second router and a
second health replica, so the limits are shared through Redis alone.

Budget numbers are printed (``-s`` shows them): the README's "Keys, budgets and limits"
quotes them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from pymongo import MongoClient

from tests.gateway.conftest import STACK_ADMIN_TOKEN
from tests.gateway.running import gateway_settings, running_gateway
from tests.gateway.stack_support import poll
from tooling.stack import Stack
from tooling.stack.replica import replica

pytestmark = pytest.mark.e2e

KEYS = "/api/v1/admin/keys"
COMPLETIONS = "/v1/chat/completions"
PINNED = "openai/gpt-4o-mini"


def _admin(stack: Stack, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {STACK_ADMIN_TOKEN}"}
    return httpx.request(method, stack.gateway_url + path, headers=headers, timeout=10, **kwargs)


def _create_key(stack: Stack, **fields: Any) -> dict[str, Any]:
    created = _admin(
        stack, "POST", KEYS, json={"name": "tutor-app", "models": ["auto", "openai/*"], **fields}
    )
    assert created.status_code == 201, created.text
    key: dict[str, Any] = created.json()
    return key


def _body(stream: bool = False, model: str = PINNED, max_tokens: int = 200) -> dict[str, Any]:
    return {
        "model": model,
        "messages": [{"role": "user", "content": "Explain bubble sort in two sentences"}],
        "max_tokens": max_tokens,
        "stream": stream,
        "user": "learner-1",
    }


def _auth(key: dict[str, Any]) -> dict[str, str]:
    return {"authorization": f"Bearer {key['key']}"}


@pytest.fixture(scope="module")
def second_gateway(gateway_stack: Stack) -> Iterator[str]:
    """A gateway replica calling its own router and health replicas (same Redis, MongoDB),
    set to require a key with no static keys: managed keys only."""
    with replica(gateway_stack, "router") as router, replica(gateway_stack, "health") as health:
        settings = gateway_settings(
            router.target,
            health_target=health.target,
            admin_token=SecretStr(STACK_ADMIN_TOKEN),
            require_api_key=True,  # managed keys only (no MASTERX_API_KEYS)
        )
        with running_gateway(settings) as url:
            yield url


def test_a_keyed_call_shows_its_limits_and_is_charged(gateway_stack: Stack) -> None:
    key = _create_key(gateway_stack, budget_day_usd=5, rpm=100, tpm=100_000)
    url = gateway_stack.gateway_url
    reply = httpx.post(url + COMPLETIONS, json=_body(), headers=_auth(key), timeout=30)
    assert reply.status_code == 200, reply.text
    headers = reply.headers
    assert headers["x-ratelimit-remaining-requests"] == "99"
    assert (headers["x-ratelimit-limit-requests"], headers["x-ratelimit-limit-tokens"]) == (
        "100",
        "100000",
    )
    assert 0 < int(headers["x-ratelimit-remaining-tokens"]) < 100_000
    assert 0 < float(headers["x-masterx-budget-remaining-usd"]) < 5
    assert headers["x-masterx-key-id"] == key["id"]
    cost = reply.json()["usage"]
    assert cost["total_tokens"] > 0

    def spent() -> float | None:
        usage = _admin(gateway_stack, "GET", f"{KEYS}/{key['id']}/usage").json()
        return usage["spent_day_usd"] if usage["held_day_usd"] == 0 else None

    assert poll(spent, 10, "the settle") > 0
    chat = httpx.post(url + "/api/v1/chat", json={"message": "hi", "user_id": "u1"},
                      headers=_auth(key), timeout=30)  # fmt: skip
    assert chat.status_code == 200, chat.text
    assert chat.headers["x-ratelimit-remaining-requests"] == "98"


def test_a_pinned_unpriced_model_is_refused_naming_it(gateway_stack: Stack) -> None:
    key = _create_key(gateway_stack, models=["openai/*"])
    for headers in (_auth(key), {}):  # a managed key, and no key (anonymous, loopback)
        refused = httpx.post(
            gateway_stack.gateway_url + COMPLETIONS,
            json=_body(model="openai/o1-pro"),
            headers=headers,
            timeout=30,
        )
        assert refused.status_code == 400, refused.text
        error = refused.json()["error"]
        assert (error["param"], error["code"]) == ("model", "unpriced_model")
        assert "'o1-pro'" in error["message"]


def test_pins_and_max_tokens_beyond_the_key_are_refused(gateway_stack: Stack) -> None:
    key = _create_key(gateway_stack, models=["auto", PINNED], max_tokens=100)
    url = gateway_stack.gateway_url + COMPLETIONS
    other = httpx.post(url, json=_body(model="groq/llama-3.3-70b-versatile", max_tokens=50),
                       headers=_auth(key), timeout=30)  # fmt: skip
    assert other.status_code == 403 and other.json()["error"]["code"] == "model_not_allowed"
    too_long = httpx.post(url, json=_body(max_tokens=101), headers=_auth(key), timeout=30)
    assert too_long.status_code == 400, too_long.text
    assert (too_long.json()["error"]["param"], too_long.json()["error"]["code"]) == (
        "max_tokens",
        "max_tokens_exceeded",
    )
    unknown = httpx.post(url, json=_body(), headers={"x-api-key": "mx-000000000000-" + "a" * 43},
                         timeout=30)  # fmt: skip
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "invalid_api_key"


def test_a_key_capped_below_the_default_max_tokens_is_served_at_its_cap(
    gateway_stack: Stack,
) -> None:
    # No max_tokens sent (and /api/v1/chat takes none): the default, 1024, is above the cap,
    # so the request goes at the cap, not refused for a field the caller never set.
    key = _create_key(gateway_stack, max_tokens=100)
    chat = httpx.post(gateway_stack.gateway_url + "/api/v1/chat",
                      json={"user_id": "u-cap", "message": "hello there"},
                      headers=_auth(key), timeout=30)  # fmt: skip
    assert chat.status_code == 200, chat.text
    body = _body()
    del body["max_tokens"]
    completion = httpx.post(gateway_stack.gateway_url + COMPLETIONS, json=body,
                            headers=_auth(key), timeout=30)  # fmt: skip
    assert completion.status_code == 200, completion.text
    assert completion.json()["usage"]["completion_tokens"] <= 100


async def _streamed(client: httpx.AsyncClient, url: str, key: dict[str, Any]) -> int:
    async with client.stream("POST", url + COMPLETIONS, json=_body(stream=True, max_tokens=400),
                             headers=_auth(key)) as response:  # fmt: skip
        await response.aread()
        if response.status_code == 429:
            error = (await response.aread()).decode()
            assert "budget_exceeded" in error and response.headers["retry-after"]
        return response.status_code


def test_fifty_concurrent_streams_stay_within_a_budget_for_ten(
    gateway_stack: Stack, second_gateway: str
) -> None:
    probe = _create_key(gateway_stack, budget_day_usd=1)
    held = httpx.post(gateway_stack.gateway_url + COMPLETIONS, json=_body(max_tokens=400),
                      headers=_auth(probe), timeout=30)  # fmt: skip
    worst = 1 - float(held.headers["x-masterx-budget-remaining-usd"])  # the one request's hold
    budget = round(10 * worst, 6)
    key = _create_key(gateway_stack, budget_day_usd=budget)

    async def burst() -> list[int]:
        async with httpx.AsyncClient(timeout=60) as client:
            urls = [gateway_stack.gateway_url, second_gateway] * 25
            return await asyncio.gather(*(_streamed(client, url, key) for url in urls))

    statuses = asyncio.run(burst())

    def settled() -> dict[str, Any] | None:
        usage: dict[str, Any] = _admin(gateway_stack, "GET", f"{KEYS}/{key['id']}/usage").json()
        return usage if usage["held_day_usd"] == 0 else None

    usage = poll(settled, 15, "every hold settled")
    admitted = statuses.count(200)
    print(
        f"\nbudget-overshoot: 50 concurrent streams over 2 gateways, worst case per request "
        f"{worst:.6f} USD, budget {budget:.6f} USD (10 worst cases): admitted {admitted}, "
        f"refused {statuses.count(429)}, spent {usage['spent_day_usd']:.6f} USD "
        f"({usage['spent_day_usd'] / budget:.1%} of the budget)"
    )
    assert set(statuses) <= {200, 429} and admitted >= 10
    assert usage["spent_day_usd"] <= budget + 1e-6  # the documented overshoot: none


def test_rpm_holds_across_two_gateway_replicas(gateway_stack: Stack, second_gateway: str) -> None:
    key = _create_key(gateway_stack, rpm=7)
    urls = [gateway_stack.gateway_url, second_gateway] * 10
    statuses = [
        httpx.post(url + COMPLETIONS, json=_body(max_tokens=20), headers=_auth(key), timeout=30)
        for url in urls
    ]
    codes = [r.status_code for r in statuses]
    print(f"\nrpm 7 over 2 gateways, 20 requests: {codes.count(200)} admitted")
    assert codes.count(200) == 7 and codes.count(429) == 13
    refused = next(r for r in statuses if r.status_code == 429)
    assert refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_a_revoked_key_is_refused_within_a_second_on_every_replica(
    gateway_stack: Stack, second_gateway: str
) -> None:
    key = _create_key(gateway_stack)
    urls = (gateway_stack.gateway_url, second_gateway)
    for url in urls:
        ok = httpx.post(
            url + COMPLETIONS, json=_body(max_tokens=20), headers=_auth(key), timeout=30
        )
        assert ok.status_code == 200, ok.text
    revoked = _admin(gateway_stack, "DELETE", f"{KEYS}/{key['id']}")
    assert revoked.status_code == 200
    since = time.monotonic()
    for url in urls:
        refused = httpx.post(url + COMPLETIONS, json=_body(max_tokens=20), headers=_auth(key),
                             timeout=30)  # fmt: skip
        assert refused.status_code == 401, refused.text
        assert refused.json()["error"]["code"] == "invalid_api_key"
    print(f"\nrevoked key refused on both replicas {time.monotonic() - since:.3f} s after revoke")


def test_costs_group_and_filter_by_key_and_user(gateway_stack: Stack) -> None:
    key = _create_key(gateway_stack)
    url = gateway_stack.gateway_url
    for user in ("learner-a", "learner-b", "learner-a"):
        body = {**_body(max_tokens=20), "user": user}
        assert httpx.post(url + COMPLETIONS, json=body, headers=_auth(key), timeout=30).is_success

    def costs(**params: str) -> dict[str, Any] | None:
        reply: dict[str, Any] = httpx.get(url + "/api/v1/costs", params=params, timeout=10).json()
        return reply if reply["total_requests"] == 3 else None

    of_key = poll(lambda: costs(key=key["id"]), 15, "the key's three usage records")
    assert [(b["key"], b["requests"]) for b in of_key["by_key"]] == [(key["id"], 3)]
    assert [(b["key"], b["requests"]) for b in of_key["by_user"]] == [
        ("learner-a", 2),
        ("learner-b", 1),
    ]
    assert of_key["total_cost_usd"] > 0
    of_user = httpx.get(url + "/api/v1/costs", params={"key": key["id"], "user": "learner-b"})
    assert of_user.json()["total_requests"] == 1
    for params, field in (({"key": "not-a-key"}, "key"), ({"user": "two words"}, "user")):
        bad = httpx.get(url + "/api/v1/costs", params=params, timeout=10)
        assert bad.status_code == 400, bad.text
        assert field in (bad.json()["error"]["param"] or ""), bad.text


@pytest.fixture
def slow_openai(gateway_stack: Stack) -> Iterator[None]:
    """The simulated openai answers over 4 s, so a stream can be cut in the middle."""
    control = f"http://{gateway_stack.config.host}:{gateway_stack.config.simulator_port}"
    slow = httpx.post(f"{control}/_control/providers/openai", json={"latency_ms": 4000})
    assert slow.is_success, slow.text
    try:
        yield
    finally:
        httpx.post(f"{control}/_control/providers/openai", json={"latency_ms": None})


def test_a_cancelled_stream_is_charged_what_it_streamed(
    gateway_stack: Stack, slow_openai: None
) -> None:
    key = _create_key(gateway_stack, budget_day_usd=1)
    body = _body(stream=True, max_tokens=2000)
    with httpx.stream("POST", gateway_stack.gateway_url + COMPLETIONS, json=body,
                      headers=_auth(key), timeout=30) as response:  # fmt: skip
        assert response.status_code == 200
        remaining = float(response.headers["x-masterx-budget-remaining-usd"])
        request_id = response.headers["x-request-id"]
        lines = (line for line in response.iter_lines() if '"content":"' in line)
        lines = (line for line in lines if '"content":""' not in line)
        next(lines)  # the first words, then hang up
    mongo: MongoClient[dict[str, Any]] = MongoClient(gateway_stack.mongodb_url)
    with mongo:
        record = poll(
            lambda: mongo["masterx"]["usage"].find_one({"request_id": request_id}),
            15,
            "the router's usage record",
        )
    assert record["status"] == "cancelled" and record["key_id"] == key["id"]

    def settled() -> dict[str, Any] | None:
        usage: dict[str, Any] = _admin(gateway_stack, "GET", f"{KEYS}/{key['id']}/usage").json()
        return usage if usage["held_day_usd"] == 0 else None

    usage = poll(settled, 15, "the cancelled stream's settle")
    worst = 1 - remaining
    print(
        f"\ncancelled stream: held {worst:.6f} USD, charged {usage['spent_day_usd']:.6f} USD "
        f"(the router recorded {record['cost_usd']:.6f} USD)"
    )
    assert 0 < usage["spent_day_usd"] < worst


@pytest.fixture
def failing_openai(gateway_stack: Stack) -> Iterator[None]:
    control = f"http://{gateway_stack.config.host}:{gateway_stack.config.simulator_port}"
    failing = httpx.post(f"{control}/_control/providers/openai", json={"mode": "error"})
    assert failing.is_success, failing.text
    try:
        yield
    finally:
        httpx.post(f"{control}/_control/providers/openai", json={"mode": "ok"})


@pytest.mark.parametrize("stream", [False, True])
def test_a_failed_call_releases_its_hold(
    gateway_stack: Stack, failing_openai: None, stream: bool
) -> None:
    key = _create_key(gateway_stack, budget_day_usd=1)
    failed = httpx.post(gateway_stack.gateway_url + COMPLETIONS, json=_body(stream=stream),
                        headers=_auth(key), timeout=30)  # fmt: skip
    assert failed.status_code >= 500, failed.text

    def settled() -> dict[str, Any] | None:
        usage: dict[str, Any] = _admin(gateway_stack, "GET", f"{KEYS}/{key['id']}/usage").json()
        return usage if usage["held_day_usd"] == 0 else None

    usage = poll(settled, 15, "the failed call's release")
    assert usage["spent_day_usd"] == 0 and usage["requests_last_minute"] == 1


def test_a_gateway_requiring_keys_serves_managed_keys_only(
    gateway_stack: Stack, second_gateway: str
) -> None:
    key = _create_key(gateway_stack)
    url = second_gateway + COMPLETIONS
    missing = httpx.post(url, json=_body(max_tokens=20), timeout=30)
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "missing_api_key")
    wrong = httpx.post(url, json=_body(max_tokens=20), headers={"x-api-key": "sk-static"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_api_key")
    served = httpx.post(url, json=_body(max_tokens=20), headers={"x-api-key": key["key"]},
                        timeout=30)  # fmt: skip
    assert served.status_code == 200, served.text
    assert served.headers["x-masterx-key-id"] == key["id"]
