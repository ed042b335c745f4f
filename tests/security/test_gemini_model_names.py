"""A pinned model name cannot steer a Gemini call to another URL, nor grow a cache for ever.

The attack (issue 20, point 6): a pinned model ``gemini/../../v1/...`` went into the URL path
unescaped, so the router POSTed to another endpoint with the operator's key; every distinct
pinned name also grew the transport's URL cache without bound.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import grpc
import httpx
import pytest

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, ProviderAdapter, ProviderError, ProviderTimeouts
from masterx.providers.adapter import HttpProviderAdapter
from masterx.providers.catalog import build_adapter, simulated_providers
from masterx.providers.transport import URL_CACHE_SIZE
from masterx.v1 import router_pb2, router_pb2_grpc
from tests.security.conftest import ALICE_KEY
from tooling.stack import Stack

pytestmark = pytest.mark.e2e

# Up out of /gemini/v1beta/models/, into the simulator's control API; the query swallows the
# ":generateContent" suffix. On the real API the same shape reaches any other endpoint.
TRAVERSAL = "../../../_control/reset?x="
TURNS = [ChatTurn("user", "Say hello")]


@pytest.fixture
def simulator(security_stack: Stack) -> Iterator[str]:
    url = f"http://{security_stack.config.host}:{security_stack.config.simulator_port}"
    httpx.post(f"{url}/_control/reset", timeout=5).raise_for_status()
    yield url
    httpx.post(f"{url}/_control/reset", timeout=5).raise_for_status()


@pytest.fixture
async def gemini(simulator: str) -> AsyncIterator[ProviderAdapter]:
    spec = next(s for s in simulated_providers(simulator) if s.name == "gemini")
    adapter = build_adapter(spec, ProviderTimeouts(connect_s=2, read_s=10))
    yield adapter
    await adapter.aclose()


def _providers(simulator: str) -> dict[str, Any]:
    providers: dict[str, Any] = httpx.get(f"{simulator}/_control/providers", timeout=5).json()[
        "providers"
    ]
    return providers


def _groq_broken(simulator: str) -> None:
    httpx.post(
        f"{simulator}/_control/providers/groq", json={"mode": "error"}, timeout=5
    ).raise_for_status()


def _groq_still_broken(simulator: str) -> bool:
    return bool(_providers(simulator)["groq"]["mode"] == "error")


async def test_a_traversing_model_name_sent_to_the_router_never_leaves_the_models_path(
    security_stack: Stack, simulator: str
) -> None:
    _groq_broken(simulator)
    request = router_pb2.ChatRequest(
        user_id="attacker",
        messages=[router_pb2.ChatMessage(role="user", content="hello")],
        provider="gemini",
        model=TRAVERSAL,
    )
    target = f"{security_stack.config.host}:{security_stack.config.router_grpc_port}"
    async with grpc.aio.insecure_channel(target) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await router_pb2_grpc.RouterStub(channel).Chat(request, timeout=20)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert "model" in (refused.value.details() or "")
    assert _groq_still_broken(simulator), "the pinned model name reached /_control/reset"


@pytest.mark.parametrize("name", [TRAVERSAL, "../../v1/files", "a/b", "x?alt=json", "%2e%2e"])
async def test_the_gemini_adapter_refuses_a_name_that_is_no_path_segment(
    gemini: ProviderAdapter, simulator: str, name: str
) -> None:
    _groq_broken(simulator)
    with pytest.raises(ProviderError, match="cannot be used in a URL path") as refused:
        await gemini.generate(TURNS, model=name)  # refused before anything is sent
    assert refused.value.kind is FailureKind.BAD_REQUEST
    assert not refused.value.kind.counts_against_provider
    assert _groq_still_broken(simulator)


@pytest.mark.parametrize(
    "model", ["gemini/../../v1/files", "gemini/..", "gemini/a//b", "gemini/x y", "gemini/é"]
)
async def test_the_gateway_answers_a_bad_pinned_model_name_with_a_400(
    security_stack: Stack, model: str
) -> None:
    body = {"model": model, "messages": [{"role": "user", "content": "hello"}]}
    async with httpx.AsyncClient(base_url=security_stack.gateway_url, timeout=20) as http:
        reply = await http.post(
            "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {ALICE_KEY}"}
        )
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["param"] == "model"


@pytest.fixture
def fast_gemini(simulator: str) -> None:
    httpx.post(
        f"{simulator}/_control/providers/gemini", json={"latency_ms": 0}, timeout=5
    ).raise_for_status()


async def test_distinct_pinned_names_do_not_grow_the_url_cache_without_bound(
    gemini: ProviderAdapter, fast_gemini: None
) -> None:
    for index in range(URL_CACHE_SIZE * 2):
        # The simulator knows none of these models (a 404), as Google would not: each call
        # still built, and cached, its own URL.
        with pytest.raises(ProviderError, match="404"):
            await gemini.generate(TURNS, model=f"gemini-pinned-{index}")
    assert isinstance(gemini, HttpProviderAdapter)
    assert len(gemini.transport._urls) <= URL_CACHE_SIZE
