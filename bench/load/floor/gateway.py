"""The floor's gateway: ``python -m bench.load.floor.gateway PORT ROUTER_TARGET``.

A bare ASGI app, served by uvicorn as the real gateway is (uvloop, httptools): each POST's JSON
becomes one ``Router.Chat`` call, the reply an OpenAI-shaped JSON answer. ``GET /`` is readiness.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import grpc
import uvicorn
from starlette.types import Receive, Scope, Send

from masterx.v1 import router_pb2, router_pb2_grpc

JSON = [(b"content-type", b"application/json")]


class FloorGateway:
    def __init__(self, router_target: str) -> None:
        self._target = router_target
        self._stub: Any = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["method"] != "POST":
            await self._answer(send, 200, b"{}")
            return
        request = json.loads(body)
        chat = router_pb2.ChatRequest(
            user_id=request.get("user", ""),
            messages=[router_pb2.ChatMessage(**m) for m in request["messages"]],
        )
        reply = await self._stub.Chat(chat, timeout=30)
        answer = {
            "object": "chat.completion",
            "model": reply.decision.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.response},
                    "finish_reason": reply.finish_reason,
                }
            ],
        }
        await self._answer(send, 200, json.dumps(answer).encode())

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        channel: grpc.aio.Channel | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                channel = grpc.aio.insecure_channel(self._target)
                self._stub = router_pb2_grpc.RouterStub(channel)
                await send({"type": "lifespan.startup.complete"})
            else:
                if channel is not None:
                    await channel.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    @staticmethod
    async def _answer(send: Send, status: int, body: bytes) -> None:
        headers = [*JSON, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


if __name__ == "__main__":
    uvicorn.run(
        FloorGateway(sys.argv[2]),
        host="127.0.0.1",
        port=int(sys.argv[1]),
        log_config=None,
        access_log=False,
    )
