"""Size limits: the request body (ASGI middleware) and the messages' text."""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.errors import GatewayError, bad_request, error_response

_CONTENT_LENGTH = b"content-length"
# Unicode White_Space, spelled out: the same set in Python and in JSON Schema's regexes
# (Python's own \s and str.strip() also count the separators \x1c-\x1f as space).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{WHITESPACE}]"
_NOT_BLANK = re.compile(NOT_BLANK)


def _too_large(limit: int) -> GatewayError:
    return GatewayError(
        413,
        f"the request body is larger than {limit} bytes",
        "invalid_request_error",
        code="body_too_large",
    )


class BodyLimitMiddleware:
    """Reads the body up to the limit and replays it; larger bodies get a 413 at once.

    After the replay, ``receive`` is the server's again, so a client disconnect still reaches
    streaming responses.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.limit = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == _CONTENT_LENGTH), None)
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                error = bad_request("Content-Length is not a number", None, "bad_content_length")
                await error_response(error)(scope, receive, send)
                return
            if size > self.limit:
                await error_response(_too_large(self.limit))(scope, receive, send)
                return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left before sending it all
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.limit:
                await error_response(_too_large(self.limit))(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], None, receive), send)


def _replay(messages: list[Message], last: Message | None, receive: Receive) -> Receive:
    pending = [*messages, *([last] if last is not None else [])]

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


def check_text(text: str, param: str, max_chars: int) -> None:
    """A 400 naming ``param`` when the text is blank or longer than ``max_chars``."""
    if not _NOT_BLANK.search(text):
        raise bad_request(f"{param} must not be empty or blank", param, "empty_content")
    if len(text) > max_chars:
        raise bad_request(
            f"{param} is {len(text)} characters long; the limit is {max_chars}",
            param,
            "message_too_long",
        )


def check_count(count: int, param: str, max_count: int) -> None:
    if count > max_count:
        raise bad_request(
            f"{param} has {count} items; the limit is {max_count}", param, "too_many_messages"
        )
