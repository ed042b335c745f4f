"""Size limits: the request body (ASGI middleware), its JSON, and the messages' text.

The middleware reads the body (at most ``max_body_bytes``, within ``read_timeout_s``) and, when
it is JSON, parses it once with a cap on the number of objects it may hold (messages, content
parts ...): a 4 MiB body of 150k tiny parts is refused after a few hundred, instead of growing
into 100+ MiB of Python objects. Large bodies are parsed a few at a time
(:data:`LARGE_PARSES_AT_ONCE`). The parsed value travels in the ASGI scope
(:data:`PARSED_JSON`) so the route does not parse it again (``direct_route.py``).
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.errors import GatewayError, bad_request, error_response

_CONTENT_LENGTH = b"content-length"
_CONTENT_TYPE = b"content-type"
PARSED_JSON = "masterx.parsed_json"  # ASGI scope key: the body's JSON, parsed once here
LARGE_BODY_BYTES = 64 * 1024
LARGE_PARSES_AT_ONCE = 2
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


def _too_slow(seconds: float) -> GatewayError:
    return GatewayError(
        408,
        f"the request body did not arrive within {seconds:g} s",
        "invalid_request_error",
        code="body_timeout",
    )


def _too_many_objects(limit: int) -> GatewayError:
    return bad_request(
        f"the body holds more than {limit} JSON objects: at most MASTERX_MAX_MESSAGES messages "
        "and MASTERX_MAX_CONTENT_PARTS content parts in all",
        "messages",
        "too_many_parts",
    )


def _not_json(reason: str) -> GatewayError:
    return bad_request(f"the request body is not valid JSON: {reason}", None, "invalid_json")


def _too_deep() -> GatewayError:
    return bad_request(
        "the body's JSON nests too deeply (arrays and objects inside one another, some hundreds "
        "of levels); no field of this API nests more than a few levels",
        None,
        "json_too_deep",
    )


class _TooManyObjectsError(Exception):
    pass


def parse_capped(body: bytes, max_objects: int) -> Any:
    """``json.loads`` that stops at the ``max_objects + 1``-th object (_TooManyObjectsError)."""
    seen = 0

    def count(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal seen
        seen += 1
        if seen > max_objects:
            raise _TooManyObjectsError
        return dict(pairs)

    return json.loads(body, object_pairs_hook=count)


def _is_json(scope: Scope) -> bool:
    content_type = next((v for k, v in scope["headers"] if k == _CONTENT_TYPE), b"")
    return content_type.partition(b";")[0].strip().lower() == b"application/json"


class BodyLimitMiddleware:
    """Reads the body up to the limit and replays it; larger bodies get a 413 at once, a body
    that does not arrive in time a 408, JSON with too many objects a 400.

    After the replay, ``receive`` is the server's again, so a client disconnect still reaches
    streaming responses.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        read_timeout_s: float = 30.0,
        max_json_objects: int = 1 << 30,
    ) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.read_timeout = read_timeout_s
        self.max_objects = max_json_objects
        self._large_parses = asyncio.Semaphore(LARGE_PARSES_AT_ONCE)

    async def _parsed(self, scope: Scope, body: bytes) -> GatewayError | None:
        """Parse a JSON body into the scope; the error to answer (bad JSON, too many objects,
        too deep), or None."""
        if not body or not _is_json(scope):
            return None
        try:
            if len(body) > LARGE_BODY_BYTES:
                async with self._large_parses:
                    scope[PARSED_JSON] = parse_capped(body, self.max_objects)
            else:
                scope[PARSED_JSON] = parse_capped(body, self.max_objects)
        except _TooManyObjectsError:
            return _too_many_objects(self.max_objects)
        except RecursionError:  # the parser's own limit: the route's parse would fail alike
            return _too_deep()
        except json.JSONDecodeError as error:
            return _not_json(f"{error.msg} at line {error.lineno} column {error.colno}")
        except UnicodeDecodeError:
            return _not_json("it is not UTF-8")
        except ValueError:  # Python's cap on an integer's digits (4,300)
            return _not_json("a number has more digits than a JSON number here may (4300)")
        return None

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
                await error_response(error, scope.get("path", ""))(scope, receive, send)
                return
            if size > self.limit:
                await error_response(_too_large(self.limit), scope.get("path", ""))(
                    scope, receive, send
                )
                return
        chunks: list[bytes] = []
        received = 0
        try:
            async with asyncio.timeout(self.read_timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":  # the client left mid-body
                        await self.app(scope, _replay([], message, receive), send)
                        return
                    chunk = message.get("body", b"")
                    received += len(chunk)
                    if received > self.limit:
                        await error_response(_too_large(self.limit), scope.get("path", ""))(
                            scope, receive, send
                        )
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await error_response(_too_slow(self.read_timeout), scope.get("path", ""))(
                scope, receive, send
            )
            return
        raw = b"".join(chunks)
        del chunks
        refused = await self._parsed(scope, raw)
        if refused is not None:
            await error_response(refused, scope.get("path", ""))(scope, receive, send)
            return
        body: Message = {"type": "http.request", "body": raw, "more_body": False}
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
