"""The floor's router: ``python -m bench.load.floor.router PORT SIMULATOR_URL``.

Serves ``Router.Chat`` (and ``grpc.health.v1`` for readiness) and nothing else: the request's
messages go to the simulator in OpenAI's format, its answer comes back as a ``ChatReply``.
"""

from __future__ import annotations

import json
import sys

import aiohttp
import grpc
import uvloop
from grpc_health.v1 import health, health_pb2_grpc

from masterx.v1 import router_pb2, router_pb2_grpc

MODEL = "llama-3.3-70b-versatile"


class FloorRouter(router_pb2_grpc.RouterServicer):
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self._session = session
        self._url = url

    async def Chat(
        self, request: router_pb2.ChatRequest, context: grpc.aio.ServicerContext
    ) -> router_pb2.ChatReply:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        body = json.dumps({"model": MODEL, "messages": messages}).encode()
        headers = {"content-type": "application/json"}
        async with self._session.post(self._url, data=body, headers=headers) as reply:
            answer = json.loads(await reply.read())
        return router_pb2.ChatReply(
            response=answer["choices"][0]["message"]["content"],
            finish_reason=answer["choices"][0]["finish_reason"],
            decision=router_pb2.RouteDecision(provider="groq", model=answer["model"]),
        )


async def serve(port: int, url: str) -> None:
    async with aiohttp.ClientSession() as session:
        server = grpc.aio.server()
        router_pb2_grpc.add_RouterServicer_to_server(FloorRouter(session, url), server)
        health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
        server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        await server.wait_for_termination()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1]), sys.argv[2]))
