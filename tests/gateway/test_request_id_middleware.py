"""The request id middleware (``services/gateway/middleware.py``): a bug's 500 still carries
the id, in the error envelope, and leaves the connection to the server."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from services.gateway.middleware import RequestIdMiddleware


async def _broken(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a bug")


async def _half_sent(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise RuntimeError("a bug after the answer began")


async def test_an_unhandled_error_is_a_500_with_the_request_id() -> None:
    transport = httpx.ASGITransport(app=RequestIdMiddleware(_broken))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        response = await client.post("/api/v1/chat", headers={"x-request-id": "req-1"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-1"
    assert response.json()["error"] == {
        "message": "internal error",
        "type": "api_error",
        "param": None,
        "code": None,
    }


async def test_an_error_after_the_answer_began_is_left_to_the_server() -> None:
    transport = httpx.ASGITransport(app=RequestIdMiddleware(_half_sent))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        with pytest.raises(RuntimeError, match="after the answer began"):
            await client.get("/healthz")
