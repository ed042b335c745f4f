"""The transport against a hostile provider on a raw socket server: a declared charset that is
no text encoding, a stream request answered with a JSON or HTML body, a 408, and a stream of
keep-alive pings under limits taken from an ``httpx.Timeout``. Every failure is a classified
:class:`ProviderError`, never another exception, and never a connection failure when the
connection worked."""

from __future__ import annotations

import asyncio
import codecs

import httpx
import orjson
import pytest

from masterx.domain import FailureKind
from masterx.providers import ChatTurn, ProviderError, ProviderSpec
from masterx.providers import transport as transport_module
from masterx.providers.catalog import build_adapter
from masterx.providers.errors import kind_of_status
from masterx.providers.sse import SseEvent
from masterx.providers.transport import MAX_ANSWER_BYTES, ProviderTimeouts
from tests.providers.raw_server import Serve, events_of, failure_of, head

OPENAI_STREAM = (
    b'data: {"model":"m","choices":[{"index":0,"delta":{"content":"144"}}]}\n\n'
    b'data: {"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    b"data: [DONE]\n\n"
)
EVENTS = [
    SseEvent("message", '{"model":"m","choices":[{"index":0,"delta":{"content":"144"}}]}'),
    SseEvent("message", '{"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}'),
    SseEvent("message", "[DONE]"),
]


def answer(status: str, content_type: str | None, body: bytes, *headers: str) -> list[bytes]:
    """A whole response: status line, headers (a Content-Length among them), body."""
    typed = (f"content-type: {content_type}",) if content_type is not None else ()
    return [head(status, *typed, f"content-length: {len(body)}", *headers), body]


def sse(charset: str | None, body: bytes) -> list[bytes]:
    content_type = "text/event-stream" + (f"; charset={charset}" if charset else "")
    return [head("200 OK", f"content-type: {content_type}"), body]


# F13: the charset a provider declares.


@pytest.mark.parametrize(
    "charset",
    [
        # bytes-to-bytes codecs (they raised AssertionError or TypeError)
        *("hex", "base64", "zlib", "uu", "bz2", "quopri", "rot13"),
        # text codecs that are no charset (idna raised UnicodeError; the others rewrite bytes)
        *("idna", "punycode", "unicode_escape", "raw_unicode_escape", "undefined"),
        # names Python does not know (mbcs is Windows only), a quoted one
        *("nonexistent", "mbcs", '"utf-8"'),
    ],
)
async def test_a_charset_that_is_no_text_encoding_is_read_as_utf8(
    raw_server: Serve, charset: str
) -> None:
    transport = await raw_server(sse(charset, OPENAI_STREAM))
    assert await events_of(transport) == EVENTS


async def test_a_unicode_escape_charset_cannot_forge_sse_framing(raw_server: Serve) -> None:
    forged = b'data: {"a":1}\\n\\ndata: [DONE]\\n\\n'  # literal backslashes, one line
    transport = await raw_server(sse("unicode_escape", forged))
    assert await events_of(transport) == [SseEvent("message", forged.decode()[6:])]


@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
async def test_a_wide_charset_without_a_bom_is_a_malformed_stream(
    raw_server: Serve, charset: str
) -> None:
    transport = await raw_server(sse(charset, OPENAI_STREAM))
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.SERVER and "malformed stream encoding" in str(error)


@pytest.mark.parametrize(
    ("charset", "body"),
    [
        ("utf-16", codecs.BOM_UTF16_LE + OPENAI_STREAM.decode().encode("utf-16-le")),
        ("utf-32", OPENAI_STREAM.decode().encode("utf-32")),  # with its BOM
        ("utf-8", OPENAI_STREAM),  # what the simulator declares (Starlette adds it)
        ("UTF8", OPENAI_STREAM),
        (None, OPENAI_STREAM),
    ],
)
async def test_a_real_text_charset_is_honoured(
    raw_server: Serve, charset: str | None, body: bytes
) -> None:
    transport = await raw_server(sse(charset, body))
    assert await events_of(transport) == EVENTS


async def test_a_latin1_charset_decodes_its_bytes(raw_server: Serve) -> None:
    transport = await raw_server(sse("iso-8859-1", b"data: d\xe9j\xe0\n\n"))
    assert await events_of(transport) == [SseEvent("message", "d\u00e9j\u00e0")]


# F14: a stream request answered 200 with something that is not an event stream.


@pytest.mark.parametrize(
    ("body", "kind", "code"),
    [
        # OpenAI (and OpenRouter, proxies) envelope
        ({"error": {"code": "rate_limit_exceeded", "type": "requests"}}, "rate_limited", None),
        ({"error": {"code": None, "type": "invalid_request_error"}}, "bad_request", None),
        ({"error": {"code": "invalid_api_key"}}, "auth", None),
        ({"error": {"code": "server_error"}}, "server", None),
        ({"error": {"message": "no identifier"}}, "server", None),
        # Anthropic envelope
        ({"type": "error", "error": {"type": "overloaded_error"}}, "server", None),
        ({"type": "error", "error": {"type": "rate_limit_error"}}, "rate_limited", None),
        # Gemini envelope (a numeric code is its HTTP status), bare or in an array of one
        ({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}, "rate_limited", 429),
        ([{"error": {"code": 503, "status": "UNAVAILABLE"}}], "server", 503),
        ({"error": {"code": 403, "status": "PERMISSION_DENIED"}}, "auth", 403),
        ({"error": {"code": 408}}, "timeout", 408),
        ({"error": {"code": 7, "status": "INVALID_ARGUMENT"}}, "bad_request", None),
    ],
)
async def test_an_error_envelope_answering_a_stream_is_classified_by_its_code(
    raw_server: Serve, body: object, kind: str, code: int | None
) -> None:
    transport = await raw_server(answer("200 OK", "application/json", orjson.dumps(body)))
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind(kind)
    assert error.status == (code or 200) and "error body under HTTP 200" in str(error)


async def test_a_rate_limit_envelope_keeps_its_retry_after(raw_server: Serve) -> None:
    openai = orjson.dumps({"error": {"code": "rate_limit_exceeded"}})
    transport = await raw_server(answer("200 OK", "application/json", openai, "retry-after: 7"))
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.RATE_LIMITED and error.retry_after_s == 7
    gemini = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "3s"}],
        }
    }
    transport = await raw_server(answer("200 OK", "application/json", orjson.dumps(gemini)))
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.RATE_LIMITED and error.retry_after_s == 3


@pytest.mark.parametrize(
    ("content_type", "body", "shown"),
    [
        ("application/json", b'{"choices":[{"message":{"content":"144"}}]}', "application/json"),
        ("application/json; charset=utf-8", b'{"error":"a string"}', "application/json"),
        ("text/html", b"<html>bad gateway</html>", "text/html"),
        ("text/plain", OPENAI_STREAM, "text/plain"),  # SSE bytes, but not declared so
        (None, OPENAI_STREAM, "no content type"),
        ("text/<script>", b"x", "an unreadable content type"),
    ],
)
async def test_a_body_that_is_no_event_stream_is_the_providers_fault(
    raw_server: Serve, content_type: str | None, body: bytes, shown: str
) -> None:
    transport = await raw_server(answer("200 OK", content_type, body))
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.SERVER and error.status == 200
    assert str(error).endswith(f"answered a stream request with {shown}")


async def test_a_non_stream_body_is_read_within_the_answer_cap(raw_server: Serve) -> None:
    huge = answer("200 OK", "application/json", b"[" + b"0," * MAX_ANSWER_BYTES + b"0]")
    error = await failure_of(events_of(await raw_server(huge)))
    assert error.kind is FailureKind.SERVER and "answer larger than 3 MiB" in str(error)


async def test_an_adapter_stream_answered_with_an_error_body_is_rate_limited(
    raw_server: Serve,
) -> None:
    """The whole path: the adapter's stream raises the transport's classified failure."""
    body = orjson.dumps({"error": {"code": "rate_limit_exceeded", "type": "requests"}})
    transport = await raw_server(answer("200 OK", "application/json", body))
    spec = ProviderSpec(
        name="hostile", kind="openai", model="gpt-4o-mini", base_url=transport._base
    )
    adapter = build_adapter(spec, ProviderTimeouts(connect_s=1, read_s=2, total_s=5))
    try:
        with pytest.raises(ProviderError) as caught:
            async for _ in adapter.stream([ChatTurn("user", "What is 12 times 12?")]):
                pass
    finally:
        await adapter.aclose()
    assert caught.value.kind is FailureKind.RATE_LIMITED


# F16: limits from an httpx.Timeout keep a whole-call deadline.


@pytest.mark.parametrize(
    ("timeout", "total"),
    [
        (httpx.Timeout(30, connect=2), 60.0),
        (httpx.Timeout(5.0), 60.0),
        (httpx.Timeout(None), 60.0),
        (httpx.Timeout(120.0, connect=5.0), 120.0),  # a benchmark test timeout past 60 s
    ],
)
def test_limits_from_httpx_keep_a_total_deadline(timeout: httpx.Timeout, total: float) -> None:
    limits = ProviderTimeouts.of(timeout)
    assert limits.total_s == total and limits.read_s == (timeout.read or 30.0)


async def test_a_ping_stream_under_httpx_limits_ends_at_the_deadline(
    raw_server: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comment every 0.05 s never trips the 0.3 s read limit; the total (the default, made
    short here) still ends the call, as a timeout."""
    monkeypatch.setattr(transport_module, "DEFAULT_TOTAL_S", 0.6)
    limits = ProviderTimeouts.of(httpx.Timeout(0.3, connect=1.0))
    pings = [head("200 OK", "content-type: text/event-stream"), *[b": ping\n\n"] * 400]
    transport = await raw_server(pings, timeouts=limits, gap_s=0.05)
    started = asyncio.get_running_loop().time()
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.TIMEOUT and "within 0.6s" in str(error)
    assert asyncio.get_running_loop().time() - started < 3


# F18: a provider's 408 and 425 are its transient state, not the request's fault.


@pytest.mark.parametrize(
    ("status", "kind"), [(408, FailureKind.TIMEOUT), (425, FailureKind.SERVER)]
)
async def test_a_408_or_425_counts_against_the_provider(
    raw_server: Serve, status: int, kind: FailureKind
) -> None:
    assert kind_of_status(status) is kind and kind.counts_against_provider
    body = orjson.dumps({"error": {"code": "timeout"}})
    parts = answer(f"{status} X", "application/json", body)
    for call in (
        (await raw_server(parts)).post_json("/chat/completions", {}),
        events_of(await raw_server(parts)),
    ):
        error = await failure_of(call)
        assert error.kind is kind and error.status == status
