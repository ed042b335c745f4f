"""The original plan's routing scenarios through the real router, simulator and stores."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import grpc
import httpx
import pytest

from masterx.chat import protocol
from masterx.domain import Category, RouteReason
from masterx.stores import connect_mongo
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc, router_pb2, router_pb2_grpc
from tooling.stack import Stack, StackConfig

pytestmark = pytest.mark.e2e

# Who is best at what, imported as benchmark scores: every category has its own winner.
BEST = {
    Category.CODING: "anthropic",
    Category.MATH: "gemini",
    Category.EMPATHY: "openai",
    Category.GENERAL: "groq",
    Category.RESEARCH: "openai",
    Category.LANGUAGE: "gemini",
}
PROVIDERS = ("openai", "anthropic", "gemini", "groq", "emergent")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    config = StackConfig(state_dir=tmp_path_factory.mktemp("routing")).with_free_ports()
    env = {
        "MASTERX_SCORES_REFRESH_SECONDS": "0.2",
        "MASTERX_BREAKER_TIMEOUT_SECONDS": "1",
        "MASTERX_BREAKER_SWEEP_SECONDS": "0.2",
        "MASTERX_BENCHMARK_SCHEDULE_ENABLED": "false",
    }
    with Stack(
        replace(config, env=env),
        components=("redis", "mongodb", "simulator", "health", "benchmark", "router"),
    ) as running:
        yield running


def _scores() -> list[benchmark_pb2.BenchmarkScore]:
    scores = []
    for category, best in BEST.items():
        for provider in PROVIDERS:
            final = 90.0 if provider == best else 50.0 + PROVIDERS.index(provider)
            scores.append(
                benchmark_pb2.BenchmarkScore(
                    provider=provider,
                    category=category.to_proto(),
                    quality_score=final,
                    speed_score=final,
                    cost_score=final,
                    final_score=final,
                    tests=50,
                    latency_p50_ms=100.0,
                    mean_cost_usd=0.001,
                )
            )
    return scores


@pytest.fixture(scope="module")
async def router(stack: Stack) -> AsyncIterator[router_pb2_grpc.RouterStub]:
    c = stack.config
    async with grpc.aio.insecure_channel(f"{c.host}:{c.benchmark_grpc_port}") as channel:
        await benchmark_pb2_grpc.BenchmarkStub(channel).ImportResults(
            benchmark_pb2.ImportResultsRequest(scores=_scores(), source="routing-test")
        )
    async with grpc.aio.insecure_channel(f"{c.host}:{c.router_grpc_port}") as channel:
        stub = router_pb2_grpc.RouterStub(channel)
        deadline = time.monotonic() + 15
        while (await stub.Route(_request("Explain bubble sort"))).reason != (
            RouteReason.BEST_BENCHMARK.to_proto()
        ):
            assert time.monotonic() < deadline, "the router never picked up the imported scores"
            await asyncio.sleep(0.1)
        yield stub


def _request(text: str, session_id: str = "", **fields: Any) -> router_pb2.ChatRequest:
    return router_pb2.ChatRequest(
        user_id="learner",
        session_id=session_id,
        messages=[router_pb2.ChatMessage(role="user", content=text)],
        **fields,
    )


def _reason(reply: router_pb2.ChatReply) -> RouteReason | None:
    return RouteReason.from_proto(reply.decision.reason)


def _control(stack: Stack, provider: str, **body: Any) -> None:
    url = f"http://{stack.config.host}:{stack.config.simulator_port}/_control/providers/{provider}"
    httpx.post(url, json=body, timeout=5).raise_for_status()


async def test_explain_bubble_sort_goes_to_the_best_coding_provider(
    router: router_pb2_grpc.RouterStub,
) -> None:
    reply = await router.Chat(_request("Explain bubble sort"))
    assert (reply.decision.provider, Category.from_proto(reply.decision.category)) == (
        "anthropic",
        Category.CODING,
    )
    assert _reason(reply) is RouteReason.BEST_BENCHMARK
    chosen = reply.decision.ranking[0]
    assert chosen.provider == "anthropic" and chosen.has_evidence and chosen.within_tolerance
    assert (chosen.quality, chosen.tests) == (90.0, 50)
    assert reply.decision.score == pytest.approx(chosen.score)
    assert reply.decision.explanation.startswith("anthropic has the best assured quality")


async def test_a_frustrated_learner_goes_to_the_best_empathy_provider(
    router: router_pb2_grpc.RouterStub,
) -> None:
    reply = await router.Chat(_request("I'm so frustrated with this!"))
    assert (reply.decision.provider, Category.from_proto(reply.decision.category)) == (
        "openai",
        Category.EMPATHY,
    )
    assert _reason(reply) is RouteReason.EMOTION_EMPATHY
    assert reply.decision.emotion.frustration >= 0.6


async def test_quicksort_then_mergesort_stay_on_one_provider(
    router: router_pb2_grpc.RouterStub,
) -> None:
    first = await router.Chat(_request("Explain quicksort", "sess1"))
    second = await router.Chat(_request("Now explain mergesort", "sess1"))
    assert first.decision.provider == second.decision.provider == "anthropic"
    assert _reason(second) is RouteReason.SESSION_CONTINUITY
    assert not second.decision.topic_changed


async def test_a_topic_change_reroutes(router: router_pb2_grpc.RouterStub) -> None:
    first = await router.Chat(_request("Explain sorting", "sess2"))
    second = await router.Chat(_request("Solve 2x+5=15", "sess2"))
    assert (first.decision.provider, second.decision.provider) == ("anthropic", "gemini")
    assert second.decision.topic_changed
    assert Category.from_proto(second.decision.category) is Category.MATH


async def test_a_provider_down_mid_session_falls_back_then_comes_back(
    stack: Stack,
    router: router_pb2_grpc.RouterStub,
) -> None:
    session = "sess-outage"
    assert (await router.Chat(_request("Explain binary search", session))).decision.provider == (
        "anthropic"
    )
    _control(stack, "anthropic", mode="error", status=503)
    try:
        served = [
            await router.Chat(_request("And what about its complexity in code?", session))
            for _ in range(7)
        ]
        assert all(r.decision.provider != "anthropic" for r in served)
        assert {_reason(r) for r in served} == {RouteReason.FALLBACK}
        assert served[0].attempts[0].provider == "anthropic" and not served[0].attempts[0].ok
    finally:
        _control(stack, "anthropic", mode="ok")
    deadline = time.monotonic() + 20
    reply = served[-1]
    while (
        reply.decision.provider != "anthropic"
    ):  # the breaker's timeout is 1 s here: HALF_OPEN probes
        assert time.monotonic() < deadline, "the session never came back to its provider"
        await asyncio.sleep(0.2)
        reply = await router.Chat(_request("Show me the recursive version in code", session))
    assert _reason(reply) is RouteReason.SESSION_CONTINUITY


async def test_streaming_falls_back_before_the_first_token(
    stack: Stack,
    router: router_pb2_grpc.RouterStub,
) -> None:
    _control(stack, "anthropic", mode="error", status=500)
    try:
        chunks = [c async for c in router.ChatStream(_request("Explain heap sort"))]
    finally:
        _control(stack, "anthropic", mode="ok")
    assert chunks[0].WhichOneof("kind") == "decision"
    assert chunks[0].decision.provider != "anthropic"
    assert RouteReason.from_proto(chunks[0].decision.reason) is RouteReason.FALLBACK
    deltas = [c.delta for c in chunks if c.WhichOneof("kind") == "delta"]
    final = chunks[-1].final
    assert deltas and "".join(deltas) == final.response
    assert final.usage.completion_tokens > 0 and final.attempts[0].provider == "anthropic"


async def test_every_provider_down_is_unavailable_with_every_attempt_listed(
    stack: Stack,
    router: router_pb2_grpc.RouterStub,
) -> None:
    for provider in PROVIDERS:
        _control(stack, provider, mode="error", status=503)
    try:
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await router.Chat(_request("hello there", provider="groq"))
    finally:
        for provider in PROVIDERS:
            _control(stack, provider, mode="ok")
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    attempts = protocol.attempts_of(failed.value)
    assert [a.provider for a in attempts] == ["groq"]


async def test_route_is_a_dry_run(stack: Stack, router: router_pb2_grpc.RouterStub) -> None:
    decision = await router.Route(_request("Translate 'good morning' into Spanish", "dry"))
    assert Category.from_proto(decision.category) is Category.LANGUAGE
    assert decision.provider == "gemini" and len(decision.ranking) == len(PROVIDERS)
    client = connect_mongo(stack.mongodb_url)
    try:
        assert await client["masterx"]["sessions"].find_one({"session_id": "dry"}) is None
    finally:
        await client.close()


async def test_a_request_id_is_the_metadatas_else_the_messages_own(
    router: router_pb2_grpc.RouterStub,
) -> None:
    """A direct gRPC caller may name its request in the message; x-request-id wins."""
    own = await router.Chat(_request("What is 2 + 2?", request_id="caller-named-1"))
    assert own.request_id == "caller-named-1"
    both = await router.Chat(
        _request("What is 3 + 3?", request_id="caller-named-2"),
        metadata=(("x-request-id", "from-metadata-2"),),
    )
    assert both.request_id == "from-metadata-2"
    made = await router.Chat(_request("What is 4 + 4?", request_id="not valid!"))
    assert made.request_id not in ("", "not valid!")


async def test_usage_and_sessions_are_recorded(
    stack: Stack, router: router_pb2_grpc.RouterStub
) -> None:
    reply = await router.Chat(
        _request("Solve 3x = 12", "sess-usage"), metadata=(("x-request-id", "usage-check-1"),)
    )
    client = connect_mongo(stack.mongodb_url)
    try:
        db = client["masterx"]
        deadline = time.monotonic() + 10
        usage = session = None
        while (usage is None or session is None) and time.monotonic() < deadline:
            usage = await db["usage"].find_one({"request_id": "usage-check-1"})
            session = await db["sessions"].find_one({"session_id": "sess-usage"})
            await asyncio.sleep(0.05)
    finally:
        await client.close()
    assert usage is not None and session is not None
    assert (usage["provider"], usage["category"], usage["status"]) == (
        reply.decision.provider,
        "math",
        "ok",
    )
    assert usage["total_tokens"] == reply.usage.total_tokens
    assert usage["cost_usd"] == pytest.approx(reply.cost_usd)
    assert (session["current_provider"], session["current_topic"]) == ("gemini", "math")


async def test_providers_and_costs(router: router_pb2_grpc.RouterStub) -> None:
    providers = await router.ListProviders(router_pb2.ListProvidersRequest())
    assert {p.name for p in providers.providers} == set(PROVIDERS)
    assert all(p.simulated for p in providers.providers)
    await router.Chat(_request("What's a good name for a cat?"))
    deadline = time.monotonic() + 10
    costs = await router.GetCosts(router_pb2.GetCostsRequest())
    while costs.total_requests == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        costs = await router.GetCosts(router_pb2.GetCostsRequest())
    assert costs.total_requests > 0 and costs.total_cost_usd > 0
    assert {b.key for b in costs.by_provider} <= set(PROVIDERS)


@pytest.mark.parametrize(
    ("since", "until"), [(0.0, float("inf")), (float("nan"), 0.0), (1e300, 2e300), (1.0, 1e12)]
)
async def test_costs_outside_any_calendar_are_refused_naming_the_field(
    router: router_pb2_grpc.RouterStub, since: float, until: float
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await router.GetCosts(router_pb2.GetCostsRequest(since=since, until=until))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    named = "until" if since == 0.0 or since == 1.0 else "since"
    assert (caught.value.details() or "").startswith(f"{named} must be unix seconds")
