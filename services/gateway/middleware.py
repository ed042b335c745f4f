"""Request id middleware (pure ASGI): reads or creates ``X-Request-ID`` and echoes it back.

A given id must match ``masterx.request_context.REQUEST_ID_PATTERN``; anything else (too long,
spaces, non-ASCII bytes ...) is a 400 naming the header, answered with a fresh id.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masterx.request_context import (
    REQUEST_ID_RULE,
    is_valid_request_id,
    new_request_id,
    request_id_var,
)
from services.gateway.errors import bad_request, error_response, internal_error

_HEADER = b"x-request-id"


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == _HEADER), None)
        valid = given is None or is_valid_request_id(given.decode("latin-1"))
        request_id = given.decode("ascii") if given is not None and valid else new_request_id()
        token = request_id_var.set(request_id)

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (_HEADER, request_id.encode())]
            await send(message)

        try:
            if not valid:
                error = bad_request(
                    f"X-Request-ID: {REQUEST_ID_RULE}", "X-Request-ID", "invalid_request_id"
                )
                await error_response(error, scope.get("path", ""))(scope, receive, send_with_id)
                return
            try:
                await self.app(scope, receive, send_with_id)
            except Exception as error:  # a bug: a 500 that still carries the id, and the
                if started:  # connection stays usable (the server would close it)
                    raise
                await internal_error(error, scope.get("path", ""))(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)
