"""uvicorn's httptools protocol with a cap on the request head (``MASTERX_MAX_HEADER_BYTES``).

uvicorn bounds a request's line and headers only in its h11 parser
(``h11_max_incomplete_event_size``); with httptools, the faster one it picks, a 50 MB header was
read whole and answered 200. This protocol counts the bytes of each request head as they arrive
(from the first byte of a message to the blank line that ends its head) and answers a head
past the cap with a 431 in the gateway's error envelope, then closes the connection, having
held at most the cap and one read of the socket. What httptools cannot parse gets a 400 in the
same envelope (uvicorn's own is plain text).
"""

from __future__ import annotations

from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_ENDS = (b"\r\n\r\n", b"\n\n")  # the blank line that ends a head (LF-only heads too)
_KEPT = 3  # bytes of the last read kept to find an end split between two reads


def _refusal(status: str, message: str, code: str) -> bytes:
    """A whole HTTP response in the gateway's error envelope, closing the connection."""
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    body = orjson.dumps({"error": error})
    head = (
        f"HTTP/1.1 {status}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeadLimitedHttpTools(HttpToolsProtocol):
    """Reads ``config.h11_max_incomplete_event_size`` as the head's cap, as h11 does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_limit: int = self.config.h11_max_incomplete_event_size or 16 * 1024
        self._in_head = True  # a connection starts with a request head
        self._head_bytes = 0
        self._tail = b""
        self._refused = False

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head and self._head_too_large(data):
            self._refused = True
            message = f"the request line and headers are larger than {self.head_limit} bytes"
            refusal = _refusal("431 Request Header Fields Too Large", message, "header_too_large")
            self.transport.write(refusal)
            self.transport.close()
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        """What httptools cannot parse (a control character in a header, a negative
        Content-Length ...): uvicorn's plain-text 400, in the gateway's envelope."""
        message = "the request is not valid HTTP/1.1 (its request line or headers)"
        self.transport.write(_refusal("400 Bad Request", message, "invalid_http"))
        self.transport.close()

    def _head_too_large(self, data: bytes) -> bool:
        seen = self._tail + data
        ends = [i + len(end) for end in _ENDS if (i := seen.find(end)) >= 0]
        if ends:  # the head ends in this read: its exact size
            size = self._head_bytes - len(self._tail) + min(ends)
            self._in_head, self._head_bytes, self._tail = False, 0, b""
            return size > self.head_limit
        self._head_bytes += len(data)
        self._tail = seen[-_KEPT:]
        return self._head_bytes > self.head_limit

    def on_headers_complete(self) -> None:
        self._in_head = False  # a pipelined request's head can end in the read before
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""
