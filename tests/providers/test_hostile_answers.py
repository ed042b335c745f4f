"""What a provider sends back is untrusted: answers no honest provider sends are the provider's
failure (a server failure the router falls back from), never an exception of another kind, a
negative cost or a tool call named "None" (``masterx/providers/answer_checks.py``). Each answer
is sent byte for byte by a raw socket server, in the three wire formats."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, ProviderError, ProviderSpec, ProviderTimeouts
from masterx.providers.adapter import HttpProviderAdapter
from masterx.providers.base import Completion, ProviderKind, StreamEnd, StreamEvent, TextDelta
from masterx.providers.catalog import build_adapter
from masterx.providers.chat_parts import ToolCall

Serve = Callable[..., Awaitable[HttpProviderAdapter]]
MODELS: dict[ProviderKind, str] = {
    "openai": "gpt-4o-mini",
    "anthropic": "claude-haiku-4-5",
    "gemini": "gemini-2.5-flash",
}
TURNS = [ChatTurn("user", "What is 12 times 12?")]


def body(payload: Any) -> bytes:
    raw = json.dumps(payload).encode()
    head = f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(raw)}"
    return f"{head}\r\n\r\n".encode() + raw


def sse(*events: Any, named: bool = False) -> bytes:
    """A 200 event stream of ``events`` (Anthropic's ``(event, data)`` pairs when ``named``)."""
    out = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"
    for event in events:
        name, data = event if named else (None, event)
        text = data if isinstance(data, str) else json.dumps(data)
        out += (f"event: {name}\n" if name else "").encode() + f"data: {text}\n\n".encode()
    return out


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """A server answering every request with ``answer`` and then holding the connection open
    for ``hold_s``; an adapter of ``kind`` pointed at it."""
    servers: list[asyncio.Server] = []
    adapters: list[HttpProviderAdapter] = []

    async def make(
        kind: ProviderKind, answer: bytes, hold_s: float = 0.0, later: bytes = b""
    ) -> HttpProviderAdapter:
        async def reply(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
            await asyncio.sleep(hold_s)
            writer.write(later)
            writer.close()

        server = await asyncio.start_server(reply, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        spec = ProviderSpec(
            name="hostile", kind=kind, model=MODELS[kind], base_url=f"http://127.0.0.1:{port}"
        )
        adapter = build_adapter(spec, ProviderTimeouts(connect_s=1, read_s=5, total_s=10))
        assert isinstance(adapter, HttpProviderAdapter)
        adapters.append(adapter)
        return adapter

    yield make
    for adapter in adapters:
        await adapter.aclose()
    for server in servers:
        server.close()


async def streamed_events(adapter: HttpProviderAdapter) -> list[StreamEvent]:
    return [event async for event in adapter.stream(TURNS)]


def oa(message: dict[str, Any], usage: Any = None, finish: Any = "stop", **extra: Any) -> Any:
    payload = {"model": "gpt-4o-mini", "choices": [{"message": message, "finish_reason": finish}]}
    return body(payload | ({"usage": usage} if usage is not None else {}) | extra)


def an(content: list[Any], usage: Any = None, stop: Any = "end_turn") -> bytes:
    usage = usage or {"input_tokens": 10, "output_tokens": 2}
    return body(
        {"model": "claude-haiku-4-5", "content": content, "stop_reason": stop} | {"usage": usage}
    )


def gm(parts: list[Any], usage: Any = None, finish: Any = "STOP") -> bytes:
    candidate = {"content": {"role": "model", "parts": parts}, "finishReason": finish}
    usage = usage or {"promptTokenCount": 10, "candidatesTokenCount": 2}
    return body({"candidates": [candidate], "usageMetadata": usage})


TOOL = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
MALFORMED_ANSWERS: dict[str, tuple[ProviderKind, bytes]] = {
    "openai content a number": ("openai", oa({"content": 42})),
    "openai negative usage": (
        "openai",
        oa({"content": "144"}, {"prompt_tokens": -1_000_000, "completion_tokens": -5}),
    ),
    "openai usage beyond any model": (
        "openai",
        oa({"content": "144"}, {"prompt_tokens": 3_000_000_000, "completion_tokens": 2}),
    ),
    "openai usage a float": (
        "openai",
        oa({"content": "144"}, {"prompt_tokens": 1e300, "completion_tokens": 2}),
    ),
    "openai usage a string": (
        "openai",
        oa({"content": "144"}, {"prompt_tokens": "10", "completion_tokens": 2}),
    ),
    "openai finish a number": ("openai", oa({"content": "144"}, finish=7)),
    "openai tool arguments an object": (
        "openai",
        oa({"tool_calls": [TOOL | {"function": {"name": "f", "arguments": {"a": 1}}}]}),
    ),
    "openai tool without id or name": (
        "openai",
        oa({"tool_calls": [{"id": None, "function": {"name": None, "arguments": "{}"}}]}),
    ),
    "anthropic cache tokens negative": (
        "anthropic",
        an([{"type": "text", "text": "144"}], {"input_tokens": 10, "cache_read_input_tokens": -99}),
    ),
    "anthropic tool input a string": (
        "anthropic",
        an([{"type": "tool_use", "id": "t1", "name": "f", "input": "rm -rf /"}], stop="tool_use"),
    ),
    "anthropic tool id null": (
        "anthropic",
        an([{"type": "tool_use", "id": None, "name": None, "input": {}}], stop="tool_use"),
    ),
    "gemini empty object": ("gemini", body({})),
    "gemini malformed function call, nothing said": (
        "gemini",
        gm([], None, "MALFORMED_FUNCTION_CALL"),
    ),
    "gemini thoughts negative": (
        "gemini",
        gm([{"text": "144"}], {"candidatesTokenCount": 2, "thoughtsTokenCount": -1_000_000}),
    ),
    "gemini function name a number": ("gemini", gm([{"functionCall": {"name": 5, "args": {}}}])),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_ANSWERS))
async def test_a_malformed_answer_is_the_providers_failure(serve: Serve, case: str) -> None:
    kind, answer = MALFORMED_ANSWERS[case]
    adapter = await serve(kind, answer, 0.0)
    with pytest.raises(ProviderError) as failed:
        await adapter.generate(TURNS)
    assert failed.value.kind is FailureKind.SERVER and "malformed" in str(failed.value)


def oa_chunk(delta: dict[str, Any], finish: str | None = None, index: int = 0) -> dict[str, Any]:
    choice = {"index": index, "delta": delta, "finish_reason": finish}
    return {"model": "gpt-4o-mini", "choices": [choice]}


USAGE_CHUNK = {"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 2}}
MALFORMED_STREAMS: dict[str, tuple[ProviderKind, bytes]] = {
    "openai usage a list": (
        "openai",
        sse(oa_chunk({"content": "144"}, "stop"), {"choices": [], "usage": [10, 2]}, "[DONE]"),
    ),
    "openai usage negative": (
        "openai",
        sse(
            oa_chunk({"content": "144"}, "stop"),
            {"choices": [], "usage": {"prompt_tokens": -10, "completion_tokens": 2}},
        ),
    ),
    "openai tool arguments an object": (
        "openai",
        sse(
            oa_chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f"}}]}),
            oa_chunk({"tool_calls": [{"index": 0, "function": {"arguments": {"a": 1}}}]}),
            oa_chunk({}, "tool_calls"),
            USAGE_CHUNK,
        ),
    ),
    "openai tool call never named": (
        "openai",
        sse(
            oa_chunk({"tool_calls": [{"index": 3, "function": {"arguments": "{}"}}]}),
            oa_chunk({}, "tool_calls"),
            USAGE_CHUNK,
        ),
    ),
    "anthropic text a number": (
        "anthropic",
        sse(
            ("message_start", {"type": "message_start", "message": {"usage": {}}}),
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": 4},
                },
            ),
            ("message_stop", {"type": "message_stop"}),
            named=True,
        ),
    ),
    "anthropic only a message_stop": (
        "anthropic",
        sse(("message_stop", {"type": "message_stop"}), named=True),
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_STREAMS))
async def test_a_malformed_stream_is_the_providers_failure(serve: Serve, case: str) -> None:
    kind, answer = MALFORMED_STREAMS[case]
    adapter = await serve(kind, answer, 0.0)
    with pytest.raises(ProviderError) as failed:
        events = await streamed_events(adapter)
        pytest.fail(f"served {events}")
    assert failed.value.kind is FailureKind.SERVER and "malformed" in str(failed.value)


async def test_content_parts_are_joined_and_unknown_endings_are_stop(serve: Serve) -> None:
    parts = [{"type": "text", "text": "14"}, {"type": "text", "text": "4"}]
    adapter = await serve("openai", oa({"content": parts}, finish="banana"), 0.0)
    completion = await adapter.generate(TURNS)
    assert isinstance(completion, Completion)
    assert (completion.text, completion.finish_reason) == ("144", "stop")


async def test_a_whole_stream_ends_without_waiting_for_the_connection(serve: Serve) -> None:
    """The finish and the usage make the answer whole: a provider that then holds the
    connection open (no [DONE], no message_stop) is not waited for until a timeout."""
    answers: dict[ProviderKind, bytes] = {
        "openai": sse(oa_chunk({"content": "144"}, "stop"), USAGE_CHUNK),
        "anthropic": sse(
            ("message_start", {"type": "message_start", "message": {"usage": {"input_tokens": 9}}}),
            (
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": "144"},
                },
            ),
            (
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": "end_turn"},
                    "usage": {"output_tokens": 2},
                },
            ),
            named=True,
        ),
    }
    for kind, answer in answers.items():
        adapter = await serve(kind, answer, 30.0)
        events = await asyncio.wait_for(streamed_events(adapter), timeout=4)  # read_s is 5
        assert [e.text for e in events if isinstance(e, TextDelta)] == ["144"], kind
        assert isinstance(events[-1], StreamEnd) and events[-1].usage.completion_tokens == 2


async def test_a_gemini_stream_is_read_to_its_end_past_an_early_finish(serve: Serve) -> None:
    """Some Gemini-format proxies say STOP before the last text: Gemini streams have no end
    marker, so the body's end is the answer's, however late the rest comes."""
    usage = {"promptTokenCount": 9, "candidatesTokenCount": 2}
    early = {"candidates": [{"content": {"parts": [{"text": "Hello "}]}, "finishReason": "STOP"}]}
    rest = {"candidates": [{"content": {"parts": [{"text": "world"}]}, "finishReason": "STOP"}]}
    answer = sse(early | {"usageMetadata": usage})
    later = sse(rest | {"usageMetadata": usage}).split(b"\r\n\r\n", 1)[1]
    adapter = await serve("gemini", answer, 1.5, later)
    events = await streamed_events(adapter)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello world"


async def test_a_blocked_prompt_streams_as_content_filtered(serve: Serve) -> None:
    blocked = {
        "promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": {"promptTokenCount": 9},
    }
    adapter = await serve("gemini", sse(blocked), 0.0)
    [end] = await streamed_events(adapter)
    assert isinstance(end, StreamEnd) and end.finish_reason == "content_filter"


async def test_a_second_choice_is_not_mixed_into_the_answer(serve: Serve) -> None:
    answer = sse(
        {
            "choices": [
                {"index": 0, "delta": {"content": "A"}},
                {"index": 1, "delta": {"content": "B"}},
            ]
        },
        oa_chunk({"content": "a"}, "stop"),
        oa_chunk({"content": "b"}, "length", index=1),
        USAGE_CHUNK,
    )
    adapter = await serve("openai", answer, 0.0)
    events = await streamed_events(adapter)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Aa"
    assert isinstance(events[-1], StreamEnd) and events[-1].finish_reason == "stop"


async def test_arguments_a_model_got_wrong_are_the_clients_to_judge(serve: Serve) -> None:
    """Invalid JSON in a call's arguments is a model's slip (or a call cut at the output
    limit): served as sent, as OpenAI's API does, never the provider's failure."""
    cut = {"id": "", "type": "function", "function": {"name": "f", "arguments": '{"city": "Par'}}
    adapter = await serve("openai", oa({"tool_calls": [cut]}, finish="length"), 0.0)
    completion = await adapter.generate(TURNS)
    assert completion.tool_calls == (ToolCall("call_0", "f", '{"city": "Par'),)
    assert completion.finish_reason == "length"
    streamed = sse(
        oa_chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f"}}]}),
        oa_chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"a": 1,}'}}]}),
        oa_chunk({}, "tool_calls"),
        USAGE_CHUNK,
    )
    adapter = await serve("openai", streamed, 0.0)
    end = (await streamed_events(adapter))[-1]
    assert isinstance(end, StreamEnd) and end.tool_calls == (ToolCall("c1", "f", '{"a": 1,}'),)


ENVELOPES: dict[ProviderKind, Any] = {
    "openai": {"error": {"message": "slow down", "type": "tokens", "code": "rate_limit_exceeded"}},
    "gemini": {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "message": "exhausted"}},
}


@pytest.mark.parametrize("kind", sorted(ENVELOPES))
async def test_an_error_envelope_under_a_200_is_classified_by_its_code(
    serve: Serve, kind: ProviderKind
) -> None:
    adapter = await serve(kind, body(ENVELOPES[kind]), 0.0)
    with pytest.raises(ProviderError) as failed:
        await adapter.generate(TURNS)
    assert failed.value.kind is FailureKind.RATE_LIMITED


def _anthropic_error_after(text: str) -> bytes:
    start = {"type": "message_start", "message": {"usage": {"input_tokens": 9}}}
    said = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": text},
    }
    error = {"type": "error", "error": {"type": "invalid_request_error", "message": "no"}}
    events = [("message_start", start)] + ([("content_block_delta", said)] if text else [])
    return sse(*events, ("error", error), named=True)


@pytest.mark.parametrize(("text", "kind"), [("", "bad_request"), ("14", "server")])
async def test_an_invalid_request_event_after_text_is_the_providers(
    serve: Serve, text: str, kind: str
) -> None:
    """Before any text an "invalid request" event is the caller's; after it the provider had
    accepted the request, so it is the provider's failure."""
    adapter = await serve("anthropic", _anthropic_error_after(text), 0.0)
    with pytest.raises(ProviderError) as failed:
        await streamed_events(adapter)
    assert failed.value.kind.value == kind
