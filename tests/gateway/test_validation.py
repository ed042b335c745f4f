"""Bad input gets a clear 400 (413 for a body too large) naming the field; never a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.gateway.fake_upstreams import FakeUpstreams

USER = {"role": "user", "content": "hi"}
JSON = {"content-type": "application/json"}


def _completion(**fields: Any) -> dict[str, Any]:
    return {"model": "auto", "messages": [USER], **fields}


def _assert_400(response: httpx.Response, param: str | None, *words: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param, error
    for word in words:
        assert word in error["message"], error
    return error


@pytest.mark.parametrize(
    ("body", "param", "words"),
    [
        ({"model": "auto"}, "messages", ["Field required"]),
        ({"messages": [USER]}, "model", ["Field required"]),
        (_completion(messages=[]), "messages", ["at least 1"]),
        (_completion(messages=[{"role": "robot", "content": "x"}]), "messages.0.role", ["'user'"]),
        (_completion(messages=[{"role": "user"}]), "messages.0.content", ["empty"]),
        (
            _completion(messages=[{"role": "user", "content": None}]),
            "messages.0.content",
            ["empty"],
        ),
        (
            _completion(messages=[{"role": "user", "content": 5}]),
            "messages.0.content",
            ["string or a list of text and image_url parts"],
        ),
        (
            _completion(messages=[{"role": "user", "content": [{"type": "image_url"}]}]),
            "messages.0.content",
            ["image_url parts"],
        ),
        (
            _completion(messages=[{"role": "user", "content": "  \n "}]),
            "messages.0.content",
            ["empty"],
        ),
        (
            _completion(messages=[USER, {"role": "assistant", "content": ""}]),
            "messages.1.content",
            ["empty"],
        ),
        (
            _completion(messages=[USER, {"role": "assistant", "content": "ok"}]),
            "messages.1.role",
            ["last message"],
        ),
        (_completion(stream="yes"), "stream", ["boolean"]),
        (_completion(temperature="0.5"), "temperature", ["number"]),
        (_completion(temperature=3), "temperature", ["less than or equal to 2"]),
        (_completion(max_tokens=0), "max_tokens", ["greater than or equal to 1"]),
        (_completion(max_tokens=2**40), "max_tokens", ["less than or equal"]),
        (_completion(n=2), "n", ["only one choice"]),
        (_completion(logprobs=True), "logprobs", ["not supported"]),
        (_completion(presence_penalty=0.5), "presence_penalty", ["not supported"]),
        (_completion(modalities=["text", "audio"]), "modalities", ["only text"]),
        (_completion(audio={"voice": "alloy"}), "audio", ["not supported"]),
        (_completion(reasoning_effort="high"), "reasoning_effort", ["not supported"]),
        (_completion(functions=[{"name": "f"}]), "functions", ["use tools"]),
        (_completion(store=True), "store", ["not supported"]),
        (_completion(service_tier="flex"), "service_tier", ["auto"]),
        (_completion(verbosity="low"), "verbosity", ["not supported"]),
        (_completion(top_p=1.5), "top_p", ["less than or equal to 1"]),
        (_completion(stop=["a", "b", "c", "d", "e"]), "stop", ["up to 4"]),
        (_completion(tool_choice="required"), "tool_choice", ["needs tools"]),
        (_completion(response_format={"type": "xml"}), "response_format.type", ["json_object"]),
        (
            _completion(
                messages=[
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": {"url": "file:///x"}}],
                    }
                ]
            ),
            "messages.0.content.0.image_url.url",
            ["http(s) URL"],
        ),
        (
            _completion(messages=[{"role": "tool", "content": "4"}]),
            "messages.0.tool_call_id",
            ["tool_call_id"],
        ),
        (_completion(model=""), "model", ["at least 1"]),
        (_completion(model="/gpt-4o"), "model", ["auto"]),
        (_completion(model="no such!/x"), "model", ["auto"]),
        (_completion(model="openai/"), "model", ["nothing after"]),
        (_completion(seed=2**63), "seed", ["less than"]),
        (_completion(seed=-(2**63) - 1), "seed", ["greater than or equal"]),
        (_completion(tools=[{"type": "function"}]), "tools.0.function", ["required"]),
        (
            _completion(tools=[{"type": "function", "function": {"name": "f"}}] * 2),
            "tools",
            ["'f' is named twice"],
        ),
        (
            _completion(
                messages=[
                    USER,
                    {
                        "role": "assistant",
                        "tool_calls": [
                            {
                                "id": "c1",
                                "type": "function",
                                "function": {"name": "f", "arguments": "{not json"},
                            },
                        ],
                    },
                    {"role": "tool", "tool_call_id": "c1", "content": "4"},
                ]
            ),
            "messages.1.tool_calls.0.function.arguments",
            ["JSON object"],
        ),
        (_completion(user=5), "user", ["string"]),
        (_completion(metadata={"session_id": "bad id!"}), "metadata.session_id", ["letters"]),
        (
            _completion(messages=[{"role": "user", "content": "a\ud800b"}]),
            "messages.0.content",
            ["string or a list"],
        ),
        ([USER], None, ["dictionary"]),
    ],
)
def test_chat_completions_rejects_bad_input(
    client: httpx.Client, body: Any, param: str | None, words: list[str], fakes: FakeUpstreams
) -> None:
    raw = json.dumps(body).encode()  # ASCII escapes: a lone surrogate travels as \\ud800
    response = client.post("/v1/chat/completions", content=raw, headers=JSON)
    _assert_400(response, param, *words)
    assert fakes.router.seen.requests == []


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"user_id": "u1"}, "message"),
        ({"message": "x"}, "user_id"),
        ({"user_id": "u1", "message": "   "}, "message"),
        ({"user_id": "u1", "message": 5}, "message"),
        ({"user_id": "has space", "message": "x"}, "user_id"),
        ({"user_id": "u1", "message": "x", "surprise": 1}, "surprise"),
        ({"user_id": "u1", "message": "x", "emotion": {"frustration": 2}}, "emotion.frustration"),
        ({"user_id": "u1", "message": "x", "emotion": {"joy": "1"}}, "emotion.joy"),
        ({"user_id": "u1", "message": "x", "context": {"k": 1}}, "context.k"),
        ({"user_id": "u1", "message": "x", "session_id": ""}, "session_id"),
        ({"user_id": "u1", "message": "x", "model": "gpt-4o-mini"}, "model"),
        ({"user_id": "u1", "message": "x", "context": {"k": "v" * 1025}}, "context.k"),
    ],
)
def test_seed_chat_rejects_bad_input(
    client: httpx.Client, body: dict[str, Any], param: str
) -> None:
    _assert_400(client.post("/api/v1/chat", json=body), param)


def test_a_message_longer_than_the_limit_is_refused_naming_the_field(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    long = "x" * 32_001
    error = _assert_400(
        client.post("/api/v1/chat", json={"user_id": "u", "message": long}), "message", "32000"
    )
    assert error["code"] == "message_too_long"
    body = _completion(messages=[{"role": "user", "content": [{"type": "text", "text": long}]}])
    _assert_400(client.post("/v1/chat/completions", json=body), "messages.0.content", "32000")
    _assert_400(client.post("/api/v1/route", json={"message": long}), "message", "32000")
    assert fakes.router.seen.requests == []
    exactly = client.post("/api/v1/chat", json={"user_id": "u", "message": "x" * 32_000})
    assert exactly.status_code == 200


def test_too_many_messages_are_refused(client: httpx.Client) -> None:
    error = _assert_400(
        client.post("/v1/chat/completions", json=_completion(messages=[USER] * 257)),
        "messages",
        "257",
        "256",
    )
    assert error["code"] == "too_many_messages"


@pytest.mark.parametrize("path", ["/api/v1/chat", "/v1/chat/completions", "/api/v1/route"])
def test_malformed_json_is_a_400(client: httpx.Client, path: str) -> None:
    response = client.post(
        path, content=b'{"model": ', headers={"content-type": "application/json"}
    )
    assert _assert_400(response, None, "not valid JSON")["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"message": "\xff\xfe"}', "not UTF-8"),
        (b'{"message": "x", "n": ' + b"9" * 5000 + b"}", "more digits"),
        (b'{"message": "x",}', "line 1 column"),
    ],
)
def test_json_the_parser_refuses_is_a_400_saying_why(
    client: httpx.Client, body: bytes, reason: str
) -> None:
    response = client.post("/api/v1/chat", content=body, headers=JSON)
    assert _assert_400(response, None, "not valid JSON", reason)["code"] == "invalid_json"


def test_a_body_larger_than_the_limit_is_a_413(client: httpx.Client) -> None:
    huge = b'{"model": "auto", "messages": [], "pad": "' + b"x" * (4 * 1024 * 1024) + b'"}'
    response = client.post(
        "/v1/chat/completions", content=huge, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"

    def chunked() -> Any:
        for _ in range(5):
            yield b"x" * (1024 * 1024)

    response = client.post(
        "/api/v1/chat", content=chunked(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/benchmarks?category=cooking", "category"),
        ("/api/v1/benchmarks?max_age_hours=-1", "max_age_hours"),
        ("/api/v1/costs?since=yesterday", "since"),
        ("/api/v1/costs?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "since"),
        ("/api/v1/costs?since=9999-12-31T23:59:59Z", "since"),
        ("/api/v1/costs?since=1900-01-01T00:00:00Z", "since"),
    ],
)
def test_bad_query_parameters_are_a_400(client: httpx.Client, path: str, param: str) -> None:
    _assert_400(client.get(path), param)


def test_bad_headers_are_a_400_naming_the_header(client: httpx.Client) -> None:
    response = client.post(
        "/v1/chat/completions", json=_completion(), headers={"x-session-id": "bad id!"}
    )
    _assert_400(response, "X-Session-ID")
    response = client.post(
        "/api/v1/chat", json={"user_id": "u", "message": "x"}, headers={"x-masterx-timeout": "soon"}
    )
    _assert_400(response, "X-MasterX-Timeout")


@pytest.mark.parametrize(
    "path", ["/api/v1/chat", "/v1/chat/completions", "/api/v1/route", "/v1/messages"]
)
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_json_nested_beyond_the_parser_is_a_400_with_the_request_id(
    client: httpx.Client, path: str, opening: str
) -> None:
    closing = "]" if opening == "[" else "}"
    deep = '{"message": ' + opening * 5000 + "1" + closing * 5000 + "}"
    response = client.post(path, content=deep.encode(), headers=JSON)
    assert response.status_code == 400, response.text
    assert "nests too deeply" in response.json()["error"]["message"]  # either envelope
    assert response.headers["x-request-id"]
    assert client.post("/api/v1/route", json={"message": "hi"}).status_code == 200


def test_unknown_paths_and_methods_use_the_error_envelope(client: httpx.Client) -> None:
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found_error"
    wrong = client.get("/v1/chat/completions")
    assert wrong.status_code == 405 and wrong.json()["error"]["message"]


def test_json_beyond_64_bit_integers_is_forwarded_not_a_500(client: httpx.Client) -> None:
    """A tool's schema or a call's input may hold what orjson cannot write (json_text)."""
    huge = 2**70
    anthropic = client.post(
        "/v1/messages",
        json={
            "model": "auto",
            "max_tokens": 10,
            "messages": [
                {"role": "user", "content": "add"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "tool_use", "id": "c1", "name": "f", "input": {"a": huge}}
                    ],
                },
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "c1"}]},
            ],
        },
    )
    assert anthropic.status_code == 200, anthropic.text
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"maximum": huge}}}]
    openai = client.post("/v1/chat/completions", json=_completion(tools=tools))
    assert openai.status_code == 200, openai.text


def test_an_unknown_provider_is_a_400_naming_the_field_that_pins_it(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    error = _assert_400(
        client.post("/v1/chat/completions", json=_completion(model="nope/x")), "model", "'nope'"
    )
    assert error["code"] == "model_not_found" and "anthropic, gemini, groq" in error["message"]
    chat = {"user_id": "u1", "message": "hi", "provider": "nope", "model": "m"}
    _assert_400(client.post("/api/v1/chat", json=chat), "provider", "unknown provider")
    asked = {type(request).__name__ for request in fakes.router.seen.requests}
    assert asked <= {"ListProvidersRequest"}  # the catalogue at most (it is cached): no chat


@pytest.mark.parametrize("path", ["/api/v1/chat", "/v1/chat/completions", "/api/v1/route"])
def test_a_body_not_sent_as_json_or_not_sent_is_said_as_such(
    client: httpx.Client, path: str
) -> None:
    body = json.dumps({"user_id": "u1", "message": "hi"}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = client.post(path, content=body, headers={"content-type": content_type})
        assert response.status_code == 415, response.text
        error = response.json()["error"]
        assert error["code"] == "unsupported_media_type" and content_type in error["message"]
    empty = client.post(path, content=b"", headers=JSON)
    assert _assert_400(empty, None, "empty")["code"] == "empty_body"


def test_anthropics_envelope_names_the_field_once(client: httpx.Client) -> None:
    body = {"model": "auto", "messages": [USER]}  # no max_tokens
    response = client.post("/v1/messages", json=body)
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert message.startswith("max_tokens: ") and message.count("max_tokens") == 1, message


def test_a_text_too_long_is_counted_in_characters(client: httpx.Client) -> None:
    body = {"user_id": "u1", "message": "x", "context": {"k": "\u00e9" * 1025}}
    error = _assert_400(client.post("/api/v1/chat", json=body), "context.k")
    assert "at most 1024 characters, not 1025" in error["message"], error


def test_image_data_that_is_not_base64_is_refused_before_any_provider(
    client: httpx.Client, fakes: FakeUpstreams
) -> None:
    bad = "data:image/png;base64,!!!notbase64!!!"
    part = {"type": "image_url", "image_url": {"url": bad}}
    body = _completion(messages=[{"role": "user", "content": [part]}])
    error = _assert_400(client.post("/v1/chat/completions", json=body),
                        "messages.0.content.0.image_url.url", "not base64")  # fmt: skip
    assert error["code"] == "invalid_image_data"
    block = {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                         "data": "!!!notbase64!!!"}}  # fmt: skip
    anthropic = {"model": "auto", "max_tokens": 10,
                 "messages": [{"role": "user", "content": [block]}]}  # fmt: skip
    response = client.post("/v1/messages", json=anthropic)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].count("not base64") == 1
    assert fakes.router.seen.requests == []
    good = "data:image/png;base64,iVBORw0KGgo=\n"
    ok = _completion(messages=[{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": good}}]}])  # fmt: skip
    assert client.post("/v1/chat/completions", json=ok).status_code == 200
