"""The transport against a raw socket server: line endings, broken bodies and redirects, each
sent byte for byte as no well-behaved simulator would."""

from __future__ import annotations

import gzip

from masterx.domain import FailureKind
from masterx.providers.sse import SseEvent
from masterx.providers.transport import (
    MAX_ANSWER_BYTES,
    MAX_STREAM_BYTES,
)
from tests.providers.raw_server import Serve, events_of, failure_of, head


async def test_sse_lines_split_anywhere_with_any_line_ending(raw_server: Serve) -> None:
    body = "data: one\r\n\r\nevent: named\rdata: d\u00e9j\u00e0\n\ndata: tail".encode()
    cut = body.index("\u00e9".encode()) + 1  # inside a two-byte character
    transport = await raw_server(
        [head("200 OK", "content-type: text/event-stream"), body[:5], body[5:cut], body[cut:]]
    )
    assert await events_of(transport) == [
        SseEvent("message", "one"),
        SseEvent("named", "d\u00e9j\u00e0"),
        SseEvent("message", "tail"),  # no blank line after it: flushed at the end
    ]


async def test_a_body_that_does_not_decompress_is_malformed(raw_server: Serve) -> None:
    broken = gzip.compress(b"data: x\n\n")[:-12] + b"\x00" * 40
    headers = ("content-type: text/event-stream", "content-encoding: gzip")
    transport = await raw_server([head("200 OK", *headers), broken])
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.SERVER and "malformed stream encoding" in str(error)


async def test_a_body_cut_short_is_a_connection_failure(raw_server: Serve) -> None:
    transport = await raw_server([head("200 OK", "content-length: 100"), b'{"partial": '])
    error = await failure_of(transport.post_json("/chat/completions", {}))
    assert error.kind is FailureKind.CONNECTION


async def test_a_response_that_is_not_http_is_a_connection_failure(raw_server: Serve) -> None:
    transport = await raw_server([b"SSH-2.0-OpenSSH_9.6\r\n\r\n"])
    for call in (transport.post_json("/x", {}), events_of(transport)):
        assert (await failure_of(call)).kind is FailureKind.CONNECTION


async def test_a_redirect_is_not_followed(raw_server: Serve) -> None:
    location = "location: http://127.0.0.1:1/elsewhere"
    transport = await raw_server([head("302 Found", location, "content-length: 0")])
    error = await failure_of(transport.post_json("/chat/completions", {}))
    assert error.kind is FailureKind.SERVER and error.status == 302


async def test_an_answer_past_the_cap_is_the_providers_fault(raw_server: Serve) -> None:
    declared = await raw_server([head("200 OK", f"content-length: {MAX_ANSWER_BYTES + 1}")])
    error = await failure_of(declared.post_json("/chat/completions", {}))
    assert error.kind is FailureKind.SERVER and "answer larger than 3 MiB" in str(error)
    # a small gzip body that decompresses past the cap: counted as it is read, decompressed
    bomb = gzip.compress(b'{"a": "' + b"x" * (MAX_ANSWER_BYTES + 1) + b'"}')
    headers = ("content-encoding: gzip", f"content-length: {len(bomb)}")
    inflated = await raw_server([head("200 OK", *headers), bomb])
    error = await failure_of(inflated.post_json("/chat/completions", {}))
    assert error.kind is FailureKind.SERVER and "answer larger than" in str(error)
    just_under = gzip.compress(b'{"a": "' + b"x" * (MAX_ANSWER_BYTES - 16) + b'"}')
    headers = ("content-encoding: gzip", f"content-length: {len(just_under)}")
    fits = await raw_server([head("200 OK", *headers), just_under])
    assert len((await fits.post_json("/chat/completions", {}))["a"]) == MAX_ANSWER_BYTES - 16


async def test_a_stream_past_the_cap_is_the_providers_fault(raw_server: Serve) -> None:
    event = b"data: " + b"x" * 65_536 + b"\n\n"
    endless = gzip.compress(event * (MAX_STREAM_BYTES // len(event) + 1))
    headers = ("content-type: text/event-stream", "content-encoding: gzip")
    transport = await raw_server([head("200 OK", *headers), endless])
    error = await failure_of(events_of(transport))
    assert error.kind is FailureKind.SERVER and "stream larger than 32 MiB" in str(error)
    # one line without an end, past what any event needs
    line = gzip.compress(b"data: " + b"x" * (MAX_ANSWER_BYTES + 1))
    unended = await raw_server([head("200 OK", *headers), line])
    error = await failure_of(events_of(unended))
    assert error.kind is FailureKind.SERVER and "stream line larger than 3 MiB" in str(error)
