"""The chat contract survives its gRPC conversion both ways; bad requests are named."""

from __future__ import annotations

import grpc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterx.chat import protocol
from masterx.chat.contract import (
    Attempt,
    ChatReply,
    ChatRequest,
    EmotionReading,
    Exclusion,
    Routing,
    StreamFailed,
    StreamStarted,
)
from masterx.domain import BreakerState, Category, FailureKind, RouteReason
from masterx.policy import Assessment
from masterx.providers.base import ChatTurn, TextDelta, Usage
from masterx.providers.chat_parts import (
    GenerationOptions,
    ImagePart,
    ResponseFormat,
    ToolCall,
    ToolCallDelta,
    ToolChoice,
    ToolSpec,
)
from masterx.selection import Candidate
from masterx.v1 import router_pb2

unit = st.floats(0, 1)
names = st.text("abcdefghij-_", min_size=1, max_size=12)
model_names = st.from_regex(r"[a-j][a-j0-9_-]{0,11}", fullmatch=True)
texts = st.text(min_size=1, max_size=40).filter(str.strip)
emotions = st.builds(
    EmotionReading,
    primary_emotion=st.sampled_from(["neutral", "frustration", "joy"]),
    frustration=unit,
    anxiety=unit,
    sadness=unit,
    confusion=unit,
    joy=unit,
)
assessments = st.builds(
    Assessment,
    quality=st.floats(0, 100),
    uncertainty=st.floats(0, 50),
    tests=st.integers(0, 500),
    speed=st.floats(0, 100),
    cost=st.floats(0, 100),
    final=st.floats(0, 100),
    within_tolerance=st.booleans(),
)


@st.composite
def candidates(draw: st.DrawFn) -> Candidate:
    assessment = draw(st.one_of(st.none(), assessments))
    return Candidate(
        draw(names),
        draw(names),
        assessment.final if assessment else None,
        draw(st.sampled_from(list(BreakerState))),
        assessment,
    )


tool_names = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)
json_objects = st.dictionaries(
    names, st.one_of(st.integers(-1000, 1000), st.text(max_size=5)), max_size=3
)
images = st.one_of(
    st.builds(ImagePart, url=st.just("https://example.org/a.png")),
    st.builds(
        ImagePart, data=st.just("aGk="), media_type=st.sampled_from(["image/png", "image/jpeg"])
    ),
)
routings = st.builds(
    Routing,
    provider=names,
    model=names,
    category=st.sampled_from(list(Category)),
    confidence=unit,
    emotion=emotions,
    reason=st.sampled_from(list(RouteReason)),
    score=st.floats(0, 100),
    ranking=st.lists(candidates(), max_size=4).map(tuple),
    topic_changed=st.booleans(),
    session_id=names,
    explanation=st.text(max_size=40),
    excluded=st.lists(st.builds(Exclusion, names, names, texts), max_size=2).map(tuple),
)
attempts = st.builds(
    Attempt,
    provider=names,
    model=names,
    ok=st.booleans(),
    kind=st.one_of(st.none(), st.sampled_from(list(FailureKind))),
    error=st.text(max_size=20),
    latency_ms=st.floats(0, 1e5),
)
replies = st.builds(
    ChatReply,
    text=st.text(max_size=40),
    routing=routings,
    usage=st.builds(Usage, st.integers(0, 10**6), st.integers(0, 10**6)),
    finish_reason=st.sampled_from(["stop", "length"]),
    cost_usd=st.floats(0, 10),
    latency_ms=st.floats(0, 1e5),
    attempts=st.lists(attempts, max_size=3).map(tuple),
    request_id=names,
    tool_calls=st.lists(
        st.builds(ToolCall, names, tool_names, st.just('{"x": 1}')), max_size=2
    ).map(tuple),
)


@st.composite
def options(draw: st.DrawFn) -> GenerationOptions:
    tools = draw(
        st.lists(
            st.builds(ToolSpec, tool_names, st.text(max_size=10), json_objects),
            max_size=3,
            unique_by=lambda t: t.name,
        )
    )
    modes = ["auto", "none"] + (["required", "tool"] if tools else [])
    mode = draw(st.one_of(st.none(), st.sampled_from(modes)))
    choice = None if mode is None else ToolChoice(mode, tools[0].name if mode == "tool" else "")  # type: ignore[arg-type]
    output = draw(
        st.one_of(
            st.none(),
            st.just(ResponseFormat("json_object")),
            st.builds(
                ResponseFormat,
                st.just("json_schema"),
                names,
                json_objects,
                st.booleans(),
            ),
        )
    )
    return GenerationOptions(
        tools=tuple(tools),
        tool_choice=choice,
        parallel_tool_calls=draw(st.one_of(st.none(), st.booleans())),
        response_format=output,
        stop=tuple(draw(st.lists(texts, max_size=3))),
        top_p=draw(st.one_of(st.none(), st.floats(0, 1))),
        seed=draw(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1))),
    )


calls_made = st.lists(
    st.builds(ToolCall, names, tool_names, st.just("{}")),
    min_size=1,
    max_size=2,
    unique_by=lambda c: c.id,
).map(tuple)
history_turns = st.one_of(
    st.builds(ChatTurn, st.sampled_from(["system", "user", "assistant"]), texts).map(lambda t: [t]),
    st.builds(ChatTurn, st.just("user"), texts, st.lists(images, max_size=2).map(tuple)).map(
        lambda t: [t]
    ),
    # an assistant turn's tool calls, then the result of its first call
    st.tuples(calls_made, st.text(max_size=10)).map(
        lambda made: [
            ChatTurn("assistant", "", (), made[0]),
            ChatTurn("tool", made[1], tool_call_id=made[0][0].id),
        ]
    ),
)
requests = st.builds(
    ChatRequest,
    turns=st.lists(history_turns, max_size=3).map(
        lambda groups: (*(t for group in groups for t in group), ChatTurn("user", "last"))
    ),
    user_id=names,
    session_id=st.one_of(st.just(""), names),
    provider=st.one_of(st.just(""), names),
    model=st.one_of(st.just(""), model_names),
    emotion=st.one_of(st.none(), emotions),
    context=st.dictionaries(names, st.text(max_size=10), max_size=3),
    max_tokens=st.one_of(st.none(), st.integers(1, 10**6)),
    temperature=st.one_of(st.none(), st.floats(0, 2)),
    request_id=names,
    key_id=st.one_of(st.just(""), names),
    options=options(),
).filter(lambda r: r.provider or not r.model)  # a model is always some provider's


@given(requests)
def test_a_request_survives_the_round_trip(request: ChatRequest) -> None:
    assert protocol.chat_request(protocol.request_message(request)) == request


@given(replies)
def test_a_reply_survives_the_round_trip(reply: ChatReply) -> None:
    again = protocol.chat_reply(protocol.reply_message(reply))
    assert again == ChatReply(**{**reply.__dict__, "usage": Usage(*_tokens(reply.usage))})


def _tokens(usage: Usage) -> tuple[int, int]:
    return usage.prompt_tokens, usage.completion_tokens


@given(
    st.one_of(
        routings.map(StreamStarted),
        texts.map(TextDelta),
        st.builds(ToolCallDelta, st.integers(0, 5), names, tool_names, st.text(max_size=10)),
    )
)
def test_stream_events_survive_the_round_trip(
    event: StreamStarted | TextDelta | ToolCallDelta,
) -> None:
    assert protocol.chat_event(protocol.event_message(event)) == event


def test_a_mid_stream_failure_survives_the_round_trip() -> None:
    failed = StreamFailed("groq", FailureKind.CONNECTION, "reset")
    assert protocol.chat_event(protocol.event_message(failed)) == failed
    assert protocol.chat_event(router_pb2.ChatChunk()) is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"messages": []}, "messages must not be empty"),
        ({"messages": [router_pb2.ChatMessage(role="robot", content="x")]}, "messages[0].role"),
        ({"messages": [router_pb2.ChatMessage(role="user", content="  ")]}, "messages[0].content"),
        ({"messages": [router_pb2.ChatMessage(role="assistant", content="x")]}, "from the user"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"temperature": 2.5}, "temperature"),
        ({"emotion": router_pb2.EmotionState(frustration=1.5)}, "emotion.frustration"),
        ({"model": "../../v1/models"}, "model"),
        ({"model": "gpt-4o"}, "give its provider too"),
        ({"session_id": "s" * 513}, "session_id is longer than 512"),
        ({"user_id": "u" * 100_000}, "user_id is longer than 512"),
        (
            {
                "messages": [
                    router_pb2.ChatMessage(
                        role="user",
                        content="x",
                        images=[router_pb2.ImagePart(data="!!not base64", media_type="image/png")],
                    )
                ]
            },
            "messages[0].images[0].data is not base64",
        ),
        ({"cache": "x" * 100_000}, "(100000 chars)"),
        ({"tools": [router_pb2.Tool(name="a b", parameters_json="{}")]}, "tools[0].name"),
        ({"tools": [router_pb2.Tool(name="f", parameters_json="[1]")]}, "tools[0].parameters"),
        ({"tool_choice": router_pb2.ToolChoice(mode="required")}, "tool_choice"),
        (
            {
                "tools": [router_pb2.Tool(name="f", parameters_json="{}")],
                "tool_choice": router_pb2.ToolChoice(mode="tool", name="g"),
            },
            "not among the tools",
        ),
        ({"response_format": router_pb2.ResponseFormat(type="xml")}, "response_format.type"),
        (
            {"response_format": router_pb2.ResponseFormat(type="json_schema", schema_json="3")},
            "response_format.json_schema.schema",
        ),
        ({"top_p": 1.5}, "top_p"),
        ({"stop": [""]}, "stop"),
        (
            {
                "messages": [
                    router_pb2.ChatMessage(
                        role="user", images=[router_pb2.ImagePart(url="file:///etc/passwd")]
                    )
                ]
            },
            "messages[0].images[0].url",
        ),
        (
            {
                "messages": [
                    router_pb2.ChatMessage(
                        role="user",
                        content="x",
                        images=[router_pb2.ImagePart(data="aGk=", media_type="text/html")],
                    )
                ]
            },
            "messages[0].images[0].media_type",
        ),
        ({"messages": [router_pb2.ChatMessage(role="tool", content="4")]}, "tool_call_id"),
        (
            {"messages": [router_pb2.ChatMessage(role="tool", content="4", tool_call_id="c1")]},
            "answers no earlier tool call",
        ),
        (
            {
                "messages": [
                    router_pb2.ChatMessage(
                        role="user",
                        content="x",
                        tool_calls=[router_pb2.ToolCall(id="c", name="f", arguments="{}")],
                    )
                ]
            },
            "only assistant messages",
        ),
    ],
)
def test_a_bad_request_is_refused_naming_the_field(change: dict[str, object], named: str) -> None:
    fields: dict[str, object] = {"messages": [router_pb2.ChatMessage(role="user", content="hi")]}
    fields.update(change)
    with pytest.raises(protocol.InvalidChatRequest, match=named.replace("[", r"\[")):
        protocol.chat_request(router_pb2.ChatRequest(**fields))  # type: ignore[arg-type]


async def test_every_attempt_travels_in_the_status_of_a_failed_call() -> None:
    """A real gRPC server aborts with the typed status; the client reads the attempts back."""
    listed = (
        Attempt("openai", "gpt-4o", False, FailureKind.TIMEOUT, "slow", 60000.0),
        Attempt("groq", "llama", False, None, "breaker open", 0.0),
    )

    async def chat(request: bytes, context: grpc.aio.ServicerContext[bytes, bytes]) -> bytes:
        await context.abort_with_status(protocol.all_failed_status("every provider failed", listed))
        return b""

    handler = grpc.method_handlers_generic_handler(
        "test.Chat", {"Chat": grpc.unary_unary_rpc_method_handler(chat)}
    )
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            call = channel.unary_unary("/test.Chat/Chat")
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await call(b"")
    finally:
        await server.stop(None)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    assert caught.value.details() == "every provider failed"
    assert protocol.attempts_of(caught.value) == listed


def test_a_request_every_provider_refused_is_invalid_not_unavailable() -> None:
    """Retrying cannot help a request every provider called its own fault: INVALID_ARGUMENT
    (with the attempts), where any other failure is UNAVAILABLE."""
    refused = Attempt("openai", "gpt-4o", False, FailureKind.BAD_REQUEST, "HTTP 400", 3.0)
    failed = Attempt("groq", "llama", False, FailureKind.SERVER, "HTTP 500", 3.0)
    assert (
        protocol.all_failed_status("x", (refused, refused)).code is grpc.StatusCode.INVALID_ARGUMENT
    )
    assert protocol.all_failed_status("x", (refused, failed)).code is grpc.StatusCode.UNAVAILABLE
    assert protocol.all_failed_status("x", ()).code is grpc.StatusCode.UNAVAILABLE
