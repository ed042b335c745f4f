"""A raw socket server that answers every request with given bytes, as no well-behaved simulator
would, and the helpers the transport tests read its answers with (``test_transport.py``,
``test_transport_hostile.py``; the fixture itself is ``raw_server`` in ``conftest.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from masterx.providers import ProviderError, ProviderSpec
from masterx.providers.sse import SseEvent
from masterx.providers.transport import ProviderTimeouts, ProviderTransport

Serve = Callable[..., Awaitable[ProviderTransport]]


def head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers, "", ""])).encode()


async def serving() -> AsyncIterator[Serve]:
    """``make(parts, timeouts=None, gap_s=0.01)``: a server that answers every request with
    ``parts`` (a pause of ``gap_s`` between them, then closes the connection), and a transport
    (with ``timeouts``) pointed at it under a path prefix."""
    servers: list[asyncio.Server] = []
    transports: list[ProviderTransport] = []

    async def make(
        parts: list[bytes], timeouts: ProviderTimeouts | None = None, gap_s: float = 0.01
    ) -> ProviderTransport:
        async def respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            try:
                for part in parts:
                    writer.write(part)
                    await writer.drain()
                    await asyncio.sleep(gap_s)
            except ConnectionError:
                pass  # the client gave up (a deadline)
            finally:
                writer.close()

        server = await asyncio.start_server(respond, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        spec = ProviderSpec(
            name="raw", kind="openai", model="m", base_url=f"http://127.0.0.1:{port}/prefix/v1"
        )
        limits = timeouts or ProviderTimeouts(connect_s=1, read_s=2, total_s=5)
        made = ProviderTransport(spec, {}, limits)
        transports.append(made)
        return made

    yield make
    for made in transports:
        await made.aclose()
    for server in servers:
        server.close()
        await server.wait_closed()


async def events_of(transport: ProviderTransport) -> list[SseEvent]:
    return [event async for event in transport.stream_sse("/chat/completions", {})]


async def failure_of(call: Awaitable[object]) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await call
    return caught.value
