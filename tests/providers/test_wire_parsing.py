"""SSE framing, error classification and stream decoding, on bytes the providers send."""

from __future__ import annotations

import email.utils
import time

import aiohttp
import orjson
import pytest

from masterx.domain import FailureKind
from masterx.providers.anthropic import AnthropicMessagesFormat
from masterx.providers.errors import (
    error_code_of,
    error_from_response,
    error_from_transport,
    kind_of_status,
    parse_retry_after,
)
from masterx.providers.gemini import GeminiFormat
from masterx.providers.openai_compat import OpenAIChatFormat
from masterx.providers.sse import SseEvent, SseParser
from masterx.providers.wire import StreamFailure, StreamIncomplete


def parse(text: str) -> list[SseEvent]:
    parser = SseParser()
    events = [e for line in text.split("\n") if (e := parser.feed(line)) is not None]
    last = parser.flush()
    return events + ([last] if last else [])


def test_sse_events_names_comments_and_multiline_data() -> None:
    events = parse(": keep-alive\nevent: ping\ndata: {}\n\ndata: a\ndata: b\n\n\ndata: tail")
    assert events == [
        SseEvent("ping", "{}"),
        SseEvent("message", "a\nb"),
        SseEvent("message", "tail"),
    ]


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, FailureKind.RATE_LIMITED),
        (401, FailureKind.AUTH),
        (403, FailureKind.AUTH),
        (400, FailureKind.BAD_REQUEST),
        (404, FailureKind.BAD_REQUEST),
        (422, FailureKind.BAD_REQUEST),
        (500, FailureKind.SERVER),
        (503, FailureKind.SERVER),
        (529, FailureKind.SERVER),
    ],
)
def test_status_classification(status: int, kind: FailureKind) -> None:
    assert kind_of_status(status) is kind


def test_retry_after_as_seconds_date_or_milliseconds() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30, abs=1)
    headers = {"retry-after-ms": "1500", "retry-after": "2"}
    assert error_from_response("p", 429, headers, b"").retry_after_s == 1.5
    assert error_from_response("p", 429, {"retry-after": date}, b"").retry_after_s == (
        pytest.approx(30, abs=2)
    )
    retry_info = {"error": {"status": "RESOURCE_EXHAUSTED", "details": [{"retryDelay": "17s"}]}}
    gemini = error_from_response("p", 429, {}, orjson.dumps(retry_info))
    assert gemini.retry_after_s == 17.0 and str(gemini).endswith("HTTP 429 (RESOURCE_EXHAUSTED)")
    assert error_from_response("p", 503, headers, b"").retry_after_s is None


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (aiohttp.ServerTimeoutError("read"), FailureKind.TIMEOUT),
        (aiohttp.ConnectionTimeoutError("connect"), FailureKind.TIMEOUT),
        (aiohttp.SocketTimeoutError("read"), FailureKind.TIMEOUT),
        (TimeoutError(), FailureKind.TIMEOUT),
        (aiohttp.ServerDisconnectedError(), FailureKind.CONNECTION),
        (aiohttp.ClientPayloadError("Response payload is not completed"), FailureKind.CONNECTION),
        (aiohttp.ClientConnectionError("Connection lost"), FailureKind.CONNECTION),
        (aiohttp.ClientOSError(104, "reset"), FailureKind.CONNECTION),
        (ConnectionResetError(104, "reset"), FailureKind.CONNECTION),
    ],
)
def test_transport_failure_classification(error: Exception, kind: FailureKind) -> None:
    failure = error_from_transport("p", error)
    assert failure.kind is kind and str(failure).endswith(type(error).__name__)


def test_only_a_plain_error_code_reaches_the_message() -> None:
    quoted = {
        "error": {
            "message": "your prompt 'SECRET' is too long",
            "code": "a b c",
            "type": "invalid_request_error",
        }
    }
    assert error_code_of(quoted) == "invalid_request_error"
    error = error_from_response("p", 400, {}, orjson.dumps(quoted))
    assert "SECRET" not in str(error) and "invalid_request_error" in str(error)
    assert error_code_of("not json") is None


def test_auth_headers_of_each_format() -> None:
    assert OpenAIChatFormat().headers("k") == {"authorization": "Bearer k"}
    assert AnthropicMessagesFormat().headers("k") == {
        "x-api-key": "k",
        "anthropic-version": "2023-06-01",
    }
    assert GeminiFormat().headers("k") == {"x-goog-api-key": "k"}
    assert OpenAIChatFormat().headers("") == {}


def event(data: object, name: str = "message") -> SseEvent:
    return SseEvent(name, orjson.dumps(data).decode())


@pytest.mark.parametrize(
    ("decoder_of", "error_event", "code"),
    [
        (OpenAIChatFormat, {"error": {"type": "server_error", "message": "x"}}, "server_error"),
        (
            AnthropicMessagesFormat,
            {"type": "error", "error": {"type": "overloaded_error", "message": "x"}},
            "overloaded_error",
        ),
        (
            GeminiFormat,
            {"error": {"code": 503, "status": "UNAVAILABLE", "message": "x"}},
            "UNAVAILABLE",
        ),
    ],
)
def test_an_error_event_mid_stream_is_a_stream_failure(
    decoder_of: type[OpenAIChatFormat | AnthropicMessagesFormat | GeminiFormat],
    error_event: dict[str, object],
    code: str,
) -> None:
    decoder = decoder_of().decoder()
    with pytest.raises(StreamFailure) as caught:
        decoder.feed(event(error_event, "error"))
    assert caught.value.code == code


def test_a_stream_cut_before_its_finish_is_incomplete() -> None:
    decoder = OpenAIChatFormat().decoder()
    decoder.feed(event({"model": "m", "choices": [{"delta": {"content": "hi"}}]}))
    with pytest.raises(StreamIncomplete):
        decoder.result()


def test_groq_usage_under_x_groq_is_read() -> None:
    decoder = OpenAIChatFormat().decoder()
    decoder.feed(
        event(
            {
                "model": "m",
                "choices": [{"delta": {"content": "hi"}, "finish_reason": "stop"}],
                "x_groq": {"usage": {"prompt_tokens": 4, "completion_tokens": 1}},
            }
        )
    )
    decoder.feed(SseEvent("message", "[DONE]"))
    answer = decoder.result()
    assert decoder.finished and (answer.prompt_tokens, answer.completion_tokens) == (4, 1)


def test_gemini_thinking_tokens_are_billed_as_output_and_thoughts_are_not_text() -> None:
    answer = GeminiFormat().answer(
        {
            "candidates": [
                {
                    "content": {"parts": [{"text": "plan", "thought": True}, {"text": "answer"}]},
                    "finishReason": "STOP",
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 3,
                "candidatesTokenCount": 2,
                "thoughtsTokenCount": 10,
            },
        }
    )
    assert (answer.text, answer.completion_tokens, answer.finish_reason) == ("answer", 12, "stop")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b'{"error": {"message": "no such model", "code": "model_not_found"}}', "bad_request"),
        (b'{"error": "model \'x\' not found"}', "bad_request"),  # Ollama
        (b'{"object": "error", "message": "no model x", "code": 404}', "bad_request"),  # vLLM
        (b"<html><body>404 Not Found</body></html>", "server"),  # a wrong base URL, a proxy
        (b"", "server"),
    ],
)
def test_a_404_is_the_requests_fault_only_when_an_api_says_so(content: bytes, kind: str) -> None:
    """An API answers "no such model" in JSON; a page or nothing means the provider's URL is
    wrong, which must open its breaker rather than count as every caller's mistake."""
    assert error_from_response("p", 404, {}, content).kind.value == kind
