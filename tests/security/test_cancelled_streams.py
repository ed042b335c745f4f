"""A client that leaves mid-stream still leaves a usage record and a (non-failure) breaker report.

The attack (issue 20, point 5): a client that disconnected after some chunks left no usage
record and no breaker report, while the provider still billed the tokens it had sent.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.stores import connect_redis
from tests.security.conftest import ALICE_KEY
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

PROVIDER = "groq"


@pytest.fixture
def slow_provider(security_stack: Stack) -> Iterator[None]:
    """The pinned provider streams its first token after ~4.5 s and the rest over ~1.5 s."""
    simulator = f"http://{security_stack.config.host}:{security_stack.config.simulator_port}"
    httpx.post(
        f"{simulator}/_control/providers/{PROVIDER}", json={"latency_ms": 6000}, timeout=5
    ).raise_for_status()
    yield
    httpx.post(f"{simulator}/_control/reset", timeout=5).raise_for_status()


def _cancelled_reports(metrics: str) -> float:
    pattern = re.compile(
        r"^masterx_provider_outcomes_total\{(?=[^}]*kind=\"cancelled\")"
        rf"(?=[^}}]*outcome=\"cancelled\")(?=[^}}]*provider=\"{PROVIDER}\")[^}}]*\}} (\S+)$",
        re.MULTILINE,
    )
    return sum(float(value) for value in pattern.findall(metrics))


async def _health_metrics(stack: Stack) -> str:
    url = f"http://{stack.config.host}:{stack.config.health_metrics_port}/metrics"
    async with httpx.AsyncClient(timeout=5) as http:
        return (await http.get(url)).text


async def test_a_stream_abandoned_after_its_first_chunks_is_recorded_as_cancelled(
    security_stack: Stack, stack_db: AsyncDatabase[dict[str, Any]], slow_provider: None
) -> None:
    reports_before = _cancelled_reports(await _health_metrics(security_stack))
    body = {
        "model": PROVIDER,
        "stream": True,
        "messages": [{"role": "user", "content": "Explain photosynthesis in detail"}],
    }
    headers = {"Authorization": f"Bearer {ALICE_KEY}", "X-Request-ID": "left-mid-stream-1"}
    chunks = 0
    async with (
        httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=30) as http,
        http.stream("POST", "/v1/chat/completions", json=body, headers=headers) as reply,
    ):
        assert reply.status_code == 200
        async for line in reply.aiter_lines():
            if line.startswith("data: {") and json.loads(line[6:])["choices"][0]["delta"].get(
                "content"
            ):
                chunks += 1
                break  # the client leaves after its first text chunk
    assert chunks == 1
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    record = None
    while record is None and loop.time() < deadline:
        record = await stack_db["usage"].find_one({"request_id": "left-mid-stream-1"})
        await asyncio.sleep(0.1)
    assert record is not None, "the abandoned stream left no usage record"
    assert (record["status"], record["provider"]) == ("cancelled", PROVIDER)
    assert record["completion_tokens"] > 0 and record["prompt_tokens"] > 0
    assert record["cost_usd"] > 0
    assert [(a["provider"], a["ok"], a["kind"]) for a in record["attempts"]] == [
        (PROVIDER, False, "cancelled")
    ]
    # The breaker heard of it, as a cancellation, not as the provider's failure.
    while loop.time() < deadline:
        if _cancelled_reports(await _health_metrics(security_stack)) > reports_before:
            break
        await asyncio.sleep(0.1)
    assert _cancelled_reports(await _health_metrics(security_stack)) == reports_before + 1
    state = await _breaker_state(security_stack)
    assert state.get("consecutive_failures", "0") == "0"
    assert state.get("state", "closed") == "closed"


async def _breaker_state(stack: Stack) -> dict[str, str]:
    redis = connect_redis(stack.redis_url)
    try:
        raw = await redis.hgetall(f"masterx:breaker:{{{PROVIDER}}}:state")
    finally:
        await redis.aclose()
    return {
        (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
        for k, v in raw.items()
    }
