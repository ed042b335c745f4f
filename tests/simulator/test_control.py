"""The control endpoint changes a provider's behaviour at run time, in its own wire format."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.simulator.expected import SQUARE_PROMPT

CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "openai": (
        "/openai/v1/chat/completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": SQUARE_PROMPT}]},
    ),
    "anthropic": (
        "/anthropic/v1/messages",
        {
            "model": "claude-sonnet-4-6",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": SQUARE_PROMPT}],
        },
    ),
    "gemini": (
        "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
        {"contents": [{"role": "user", "parts": [{"text": SQUARE_PROMPT}]}]},
    ),
}


@pytest.fixture
async def client(simulator: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=simulator, timeout=5) as client:
        yield client


async def control(client: httpx.AsyncClient, provider: str, **change: Any) -> dict[str, Any]:
    response = await client.post(f"/_control/providers/{provider}", json=change)
    assert response.status_code == 200, response.text
    return dict(response.json()[provider])


async def call(client: httpx.AsyncClient, provider: str) -> httpx.Response:
    path, body = CALLS[provider]
    return await client.post(path, json=body)


async def test_the_listing_shows_profiles_overrides_and_counters(
    client: httpx.AsyncClient,
) -> None:
    await call(client, "openai")
    listing = (await client.get("/_control/providers")).json()
    assert set(listing["providers"]) == {"openai", "anthropic", "gemini", "groq", "emergent"}
    openai = listing["providers"]["openai"]
    assert openai["mode"] == "ok"
    assert openai["profile"]["wire"] == "openai"
    assert set(openai["profile"]["quality"]) == {
        "coding",
        "math",
        "research",
        "language",
        "empathy",
        "general",
    }
    assert openai["calls"]["total"] == openai["calls"]["ok"] == 1
    assert listing["providers"]["anthropic"]["calls"]["total"] == 0


@pytest.mark.parametrize(
    ("provider", "error_field"),
    [
        ("openai", ("error", "type")),
        ("anthropic", ("error", "type")),
        ("gemini", ("error", "status")),
    ],
)
async def test_error_mode_answers_the_status_in_the_providers_envelope(
    client: httpx.AsyncClient, provider: str, error_field: tuple[str, str]
) -> None:
    await control(client, provider, mode="error", status=503)
    response = await call(client, provider)
    assert response.status_code == 503
    outer, inner = error_field
    assert response.json()[outer][inner] in {"server_error", "api_error", "UNAVAILABLE"}
    await control(client, provider, mode="error", status=401)
    assert (await call(client, provider)).status_code == 401
    state = await control(client, provider, mode="ok")
    assert (await call(client, provider)).status_code == 200
    assert state["calls"]["error"] == 2


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_rate_limit_mode_sends_retry_after(client: httpx.AsyncClient, provider: str) -> None:
    await control(client, provider, mode="rate_limit", retry_after_s=5)
    response = await call(client, provider)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "5"


async def test_gemini_rate_limit_carries_retry_info_in_the_body(
    client: httpx.AsyncClient,
) -> None:
    await control(client, "gemini", mode="rate_limit", retry_after_s=7)
    response = await call(client, "gemini")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert error["details"][0]["retryDelay"] == "7s"


async def test_timeout_mode_holds_the_request_until_the_client_gives_up(
    client: httpx.AsyncClient,
) -> None:
    await control(client, "openai", mode="timeout")
    path, body = CALLS["openai"]
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        await client.post(path, json=body, timeout=httpx.Timeout(5, read=0.3))
    assert time.perf_counter() - started < 2.0  # the client's 0.3 s, not the server's answer


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
async def test_reset_mode_drops_the_connection_mid_response(
    client: httpx.AsyncClient, provider: str
) -> None:
    await control(client, provider, mode="reset")
    with pytest.raises(httpx.RemoteProtocolError):
        await call(client, provider)


async def test_reset_mode_drops_a_stream_after_its_first_event(client: httpx.AsyncClient) -> None:
    await control(client, "openai", mode="reset")
    path, body = CALLS["openai"]
    lines = []
    with pytest.raises(httpx.RemoteProtocolError):
        async with client.stream("POST", path, json={**body, "stream": True}) as response:
            assert response.status_code == 200
            async for line in response.aiter_lines():
                lines.append(line)
    assert lines[0].startswith("data: {")


async def test_latency_override_delays_the_answer(client: httpx.AsyncClient) -> None:
    # Bounds far apart: a busy shared machine adds tenths of a second to any round trip.
    await control(client, "groq", latency_ms=1000)
    path = "/groq/openai/v1/chat/completions"
    body = {"model": "llama-3.3-70b-versatile", "messages": [{"role": "user", "content": "hello"}]}
    started = time.perf_counter()
    assert (await client.post(path, json=body)).status_code == 200
    assert 1.0 <= time.perf_counter() - started < 2.0
    await control(client, "groq", latency_ms=None)
    started = time.perf_counter()
    assert (await client.post(path, json=body)).status_code == 200
    assert time.perf_counter() - started < 0.6


async def test_a_background_failure_rate_fails_calls_with_the_profiles_kind(
    client: httpx.AsyncClient,
) -> None:
    await control(client, "openai", failure_rate=1.0)
    assert (await call(client, "openai")).status_code == 503  # the test profile's failure kind
    state = await control(client, "openai", failure_rate=0.0)
    assert (await call(client, "openai")).status_code == 200
    assert state["override"]["failure_rate"] == 0.0


async def test_usage_can_be_withheld(client: httpx.AsyncClient) -> None:
    await control(client, "openai", report_usage=False)
    assert "usage" not in (await call(client, "openai")).json()
    await control(client, "openai", mode="ok")
    assert "usage" in (await call(client, "openai")).json()


async def test_reset_endpoint_restores_every_provider(client: httpx.AsyncClient) -> None:
    await control(client, "openai", mode="error")
    await control(client, "gemini", mode="timeout")
    await call(client, "openai")
    assert (await client.post("/_control/reset")).status_code == 200
    listing = (await client.get("/_control/providers")).json()["providers"]
    assert {p["mode"] for p in listing.values()} == {"ok"}
    assert {p["calls"]["total"] for p in listing.values()} == {0}


@pytest.mark.parametrize(
    ("provider", "change", "status"),
    [
        ("nobody", {"mode": "ok"}, 404),
        ("openai", {"mode": "down"}, 400),
        ("openai", {"mode": "error", "status": 200}, 400),
        ("openai", {"latency_ms": -1}, 400),
        ("openai", {"colour": "red"}, 400),
        ("openai", ["mode", "ok"], 400),
    ],
)
async def test_bad_control_requests_are_refused(
    client: httpx.AsyncClient, provider: str, change: Any, status: int
) -> None:
    response = await client.post(f"/_control/providers/{provider}", json=change)
    assert response.status_code == status
    assert response.json()["error"]["message"]
