"""Server-sent events: OpenAI's chunk format, errors mid-stream, and a client that leaves."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

import grpc
import httpx
from openai.types.chat import ChatCompletionChunk

from masterx.chat import protocol
from masterx.providers.base import TextDelta
from masterx.v1 import common_pb2, router_pb2
from services.gateway.openai_translate import ChunkMaker
from services.gateway.sse import openai_events
from tests.gateway.fake_upstreams import Failure, FakeUpstreams, decision, stream_of

BODY = {
    "model": "auto",
    "stream": True,
    "messages": [{"role": "user", "content": "Explain bubble sort"}],
}


def _events(response: httpx.Response) -> list[Any]:
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = response.text.split("\n\n")
    assert frames[-1] == "" and frames[-2] == "data: [DONE]", frames[-3:]
    assert all(f.startswith("data: ") for f in frames[:-1])
    return [json.loads(f.removeprefix("data: ")) for f in frames[:-2]]


def test_a_stream_is_openai_chunks_ending_in_done(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    response = client.post("/v1/chat/completions", json=BODY)
    assert response.status_code == 200
    assert response.headers["x-masterx-provider"] == "anthropic"
    assert response.headers["x-masterx-category"] == "coding"
    assert response.headers["x-masterx-route-reason"] == "best_benchmark"
    events = _events(response)
    chunks = [ChatCompletionChunk.model_validate(e) for e in events]
    assert {c.id for c in chunks} == {f"chatcmpl-{response.headers['x-request-id']}"}
    assert {c.model for c in chunks} == {"anthropic/claude-sonnet-4-6"}
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Bubble sort swaps."
    assert [c.choices[0].finish_reason for c in chunks] == [None] * 4 + ["stop"]
    assert all("usage" not in e for e in events)  # only with stream_options.include_usage


def test_include_usage_adds_a_last_chunk_with_the_usage(client: httpx.Client) -> None:
    events = _events(
        client.post(
            "/v1/chat/completions", json={**BODY, "stream_options": {"include_usage": True}}
        )
    )
    assert all(e["usage"] is None for e in events[:-1])
    assert events[-1]["choices"] == []
    assert events[-1]["usage"] == {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}


def test_a_provider_failing_mid_stream_is_an_error_event_then_done(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.chunks = [
        *stream_of("Bubble ")[:2],
        router_pb2.ChatChunk(
            error=router_pb2.StreamError(
                provider="anthropic",
                message="connection reset",
                kind=common_pb2.FAILURE_KIND_CONNECTION,
            )
        ),
    ]
    events = _events(client.post("/v1/chat/completions", json=BODY))
    assert events[1]["choices"][0]["delta"] == {"content": "Bubble "}
    error = events[-1]["error"]
    assert error["code"] == "provider_failed_mid_stream"
    assert "anthropic" in error["message"] and "connection" in error["message"]


def test_the_router_failing_mid_stream_is_an_error_event_then_done(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.chunks = stream_of("Bubble ")[:2]
    fakes.router.script.fail_after_chunks = Failure(grpc.StatusCode.INTERNAL, "boom")
    events = _events(client.post("/v1/chat/completions", json=BODY))
    assert events[-1]["error"]["type"] == "api_error"


def test_a_stream_that_does_not_start_with_a_decision_is_a_json_error(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.chunks = [router_pb2.ChatChunk(delta="x")]
    response = client.post("/v1/chat/completions", json=BODY)
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"


def test_the_headers_name_the_provider_actually_streaming(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    fakes.router.script.chunks = [
        router_pb2.ChatChunk(decision=decision("groq", "llama-3.3-70b-versatile")),
        *stream_of("hi")[1:],
    ]
    response = client.post("/v1/chat/completions", json=BODY)
    assert response.headers["x-masterx-provider"] == "groq"
    assert _events(response)[0]["model"] == "groq/llama-3.3-70b-versatile"


def test_a_client_disconnect_cancels_the_router_call(
    gateway_url: str, fakes: FakeUpstreams
) -> None:
    fakes.router.script.chunks = stream_of("Bubble ", "sort ")[:2]
    fakes.router.script.hang_after_chunks = True
    with (
        httpx.Client(base_url=gateway_url, timeout=10) as http,
        http.stream("POST", "/v1/chat/completions", json=BODY) as response,
    ):
        lines = response.iter_lines()
        assert next(lines).startswith("data: ")  # the role chunk
        assert next(lines) == ""
        assert "Bubble" in next(lines)
    assert fakes.router.seen.stream_cancelled.wait(5), "the router call was not cancelled"


def test_the_session_user_and_pins_reach_the_router(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    body = {
        "model": "groq/llama-3.3-70b-versatile",
        "user": "learner-7",
        "max_completion_tokens": 50,
        "temperature": 0.2,
        "metadata": {"session_id": "from-metadata", "course": "algorithms"},
        "messages": [
            {"role": "developer", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Explain "},
                    {"type": "text", "text": "sorting"},
                ],
            },
        ],
    }
    assert client.post("/v1/chat/completions", json=body).status_code == 200
    assert (
        client.post(
            "/v1/chat/completions",
            json={**body, "model": "gemini"},
            headers={"x-session-id": "from-header"},
        ).status_code
        == 200
    )
    # (the gateway also asks ListProviders, once, for the pinned provider's default model)
    first, second = [r for r in fakes.router.seen.requests if isinstance(r, router_pb2.ChatRequest)]
    assert (first.provider, first.model, first.user_id) == (
        "groq",
        "llama-3.3-70b-versatile",
        "learner-7",
    )
    assert (first.session_id, dict(first.context)) == ("from-metadata", {"course": "algorithms"})
    assert [(m.role, m.content) for m in first.messages] == [
        ("system", "Be brief."),
        ("user", "Explain sorting"),
    ]
    assert first.max_tokens == 50 and abs(first.temperature - 0.2) < 1e-9
    assert (second.provider, second.model, second.session_id) == ("gemini", "", "from-header")


class _EndlessStream:
    def __init__(self) -> None:
        self.cancelled = False

    async def events(self) -> Any:
        for chunk in stream_of("one ", "two "):
            yield protocol.chat_event(chunk)
        while True:
            yield TextDelta("more ")

    def cancel(self) -> bool:
        self.cancelled = True
        return True


async def test_closing_the_event_generator_cancels_the_call() -> None:
    stream = _EndlessStream()
    events = openai_events(stream, ChunkMaker("p/m", 0, include_usage=False))  # type: ignore[arg-type]
    assert (await anext(events)).startswith(b"data: ")
    await anext(events)
    assert not stream.cancelled
    assert isinstance(events, AsyncGenerator)
    await events.aclose()  # what Starlette does when the client goes away at a yield
    assert stream.cancelled
