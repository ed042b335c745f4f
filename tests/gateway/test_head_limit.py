"""The request head's cap with httptools (``services/gateway/head_limit.py``): a real uvicorn
server on a free port, spoken to byte for byte."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from services.gateway.head_limit import HeadLimitedHttpTools
from tooling.stack.readiness import free_ports

LIMIT = 2048


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(len(body)).encode()})


@pytest.fixture
async def port() -> AsyncIterator[int]:
    (chosen,) = free_ports(1)
    config = uvicorn.Config(
        _echo,
        host="127.0.0.1",
        port=chosen,
        http=HeadLimitedHttpTools,
        h11_max_incomplete_event_size=LIMIT,
        log_config=None,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event for it)
        await asyncio.sleep(0.01)
    yield chosen
    server.should_exit = True
    await task


async def _exchange(port: int, *parts: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
            await asyncio.sleep(0.01)
        return await asyncio.wait_for(reader.read(1 << 20), 10)
    finally:
        writer.close()


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


async def test_a_head_past_the_cap_is_a_431_in_the_error_envelope(port: int) -> None:
    reply = await _exchange(port, b"GET / HTTP/1.1\r\nhost: x\r\nx-junk: " + b"j" * 10_000)
    assert _status(reply) == 431
    error = json.loads(reply.split(b"\r\n\r\n", 1)[1])["error"]
    assert error["code"] == "header_too_large" and str(LIMIT) in error["message"]


async def test_a_head_sent_in_small_pieces_is_counted_across_them(port: int) -> None:
    # 25 + 10 x 207 bytes: past 2048 with the last piece, which the server reads before it
    # answers (nothing unread, so its close sends no reset that could lose the answer)
    pieces = [b"GET / HTTP/1.1\r\nhost: x\r\n"] + [b"x-a: " + b"a" * 200 + b"\r\n"] * 10
    assert _status(await _exchange(port, *pieces)) == 431
    assert _status(await _exchange(port, *pieces[:9], b"\r\n")) == 200  # 1,683 bytes


async def test_heads_within_the_cap_pass_with_bodies_of_any_size(port: int) -> None:
    head = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\nx-a: " + b"a" * 1500
    reply = await _exchange(port, head + b"\r\n", b"\r\n" + b"b" * 50_000, b"b" * 50_000)
    assert _status(reply) == 200 and b"\r\n100000\r\n" in reply  # the body, read whole


async def test_the_next_request_on_a_connection_gets_its_own_count(port: int) -> None:
    one = b"GET / HTTP/1.1\r\nhost: x\r\nx-a: " + b"a" * 1500 + b"\r\n\r\n"
    reply = await _exchange(port, one, one, one)
    assert reply.count(b"HTTP/1.1 200") == 3


async def test_what_is_not_http_gets_a_400_in_the_error_envelope(port: int) -> None:
    reply = await _exchange(port, b"GET / HTTP/1.1\r\nhost: x\r\nx-a: \x01\x02\r\n\r\n")
    assert _status(reply) == 400
    error = json.loads(reply.split(b"\r\n\r\n", 1)[1])["error"]
    assert error["code"] == "invalid_http" and error["type"] == "invalid_request_error"
