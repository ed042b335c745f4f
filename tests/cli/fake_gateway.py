"""A local HTTP server standing in for a gateway (or for something that is not one), for the
CLI's tests of answers it cannot use: no stack needed."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[int, str, bytes]  # status, content type, body
Answer = Callable[[str, str, bytes], Reply]  # (method, path, body) -> reply


def json_reply(value: object, status: int = 200) -> Reply:
    return status, "application/json", json.dumps(value).encode()


@dataclass
class FakeServer:
    url: str
    answer: Answer = field(default=lambda method, path, body: json_reply({"ok": True}))
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)


@contextmanager
def fake_server() -> Iterator[FakeServer]:
    """An HTTP server answering every request with ``answer`` (default: 200
    ``{"ok": true}``), recording what it was asked."""
    box: list[FakeServer] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            box[0].requests.append((self.command, self.path, body))
            status, kind, content = box[0].answer(self.command, self.path, body)
            self.send_response(status)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(FakeServer(f"http://127.0.0.1:{server.server_address[1]}"))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
