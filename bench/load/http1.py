"""A lean HTTP/1.1 keep-alive client: just enough to time a POST and its first streamed token.

The load generator shares the machine's cores with the stack it measures, so it avoids a full
client library: one request per connection at a time, ``Content-Length`` or chunked bodies.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

TOKEN_MARK = b'"content":"'


class ProtocolError(Exception):
    pass


@dataclass(frozen=True)
class Reply:
    status: int
    ttft_s: float  # first body bytes holding a non-empty "content" (streams); else total
    done_s: float  # monotonic time the whole body arrived
    cached: bool = False  # X-MasterX-Cache: hit (answered from the response cache)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.reusable = True

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    def close(self) -> None:
        self.reusable = False
        self._writer.close()

    async def post(self, head: bytes, body: bytes) -> Reply:
        self._writer.write(head + body)
        status, headers = await self._read_head()
        if headers.get(b"connection") == b"close":
            self.reusable = False
        if headers.get(b"transfer-encoding") == b"chunked":
            ttft = await self._read_chunked()
        else:
            length = int(headers.get(b"content-length", b"0"))
            await self._reader.readexactly(length)
            ttft = time.monotonic()
        cached = headers.get(b"x-masterx-cache") == b"hit"
        return Reply(status, ttft, time.monotonic(), cached)

    async def _read_head(self) -> tuple[int, dict[bytes, bytes]]:
        raw = await self._reader.readuntil(b"\r\n\r\n")
        lines = raw.split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise ProtocolError(f"bad status line {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if sep:
                headers[name.strip().lower()] = value.strip().lower()
        return int(parts[1]), headers

    async def _read_chunked(self) -> float:
        first_token = 0.0
        while True:
            size_line = await self._reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0], 16)
            data = await self._reader.readexactly(size + 2)
            if size == 0:
                return first_token or time.monotonic()
            if not first_token:
                at = data.find(TOKEN_MARK)
                if at >= 0 and data[at + len(TOKEN_MARK) : at + len(TOKEN_MARK) + 1] != b'"':
                    first_token = time.monotonic()


def request_head(
    host: str, port: int, path: str, body_length: int, extra: tuple[str, ...] = ()
) -> bytes:
    """The request line and headers; ``extra``: more header lines (``name: value``)."""
    lines = "".join(f"{line}\r\n" for line in extra)
    return (
        f"POST {path} HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
        f"accept: */*\r\ncontent-length: {body_length}\r\n{lines}\r\n"
    ).encode()
