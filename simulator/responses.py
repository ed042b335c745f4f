"""The responses that are not a plain JSON body: paced SSE streams, a dropped connection, and
a request held without an answer (what a client sees as a timeout)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}
_UNFINISHED = "ASGI callable returned without completing response."
HANG_POLL_S = 0.1
SHORT_WAIT_S = 0.25


class DroppedConnection(Response):
    """Starts a 200 response, sends the first bytes of it, then lets the server close the
    connection mid-body: the client sees the connection fail under a response in progress."""

    def __init__(self, media_type: str, first_bytes: bytes) -> None:
        super().__init__(media_type=media_type)
        self._first_bytes = first_bytes
        self._streamed = media_type == "text/event-stream"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", self.media_type.encode())] if self.media_type else []
        if not self._streamed:  # a body promised but never delivered
            headers.append((b"content-length", str(len(self._first_bytes) + 4096).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self._first_bytes, "more_body": True})


class UnfinishedResponseFilter(logging.Filter):
    """Drops uvicorn's error line for a DroppedConnection, which is the intended behaviour."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _UNFINISHED


def quiet_dropped_connections() -> None:
    server_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, UnfinishedResponseFilter) for f in server_log.filters):
        server_log.addFilter(UnfinishedResponseFilter())


def paced_stream(frames: list[bytes], gap_s: float) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for frame in frames:
            yield frame
            if gap_s > 0:
                await asyncio.sleep(gap_s)

    return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)


async def wait_while_connected(request: Request, seconds: float) -> bool:
    """Wait ``seconds`` (the simulated latency, or a hang), cut short when the client gives up;
    False when it did. Short waits are one sleep, to keep the hot path lean."""
    if seconds <= SHORT_WAIT_S:
        await asyncio.sleep(seconds)
        return True
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        if await request.is_disconnected():
            return False
        await asyncio.sleep(min(HANG_POLL_S, left))
    return not await request.is_disconnected()
