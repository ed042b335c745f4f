"""The far end of the hop benchmark: ``python -m bench.hops.peer TCP_PORT GRPC_PORT``.

A plain TCP echo (asyncio, uvloop) and a grpc.aio server answering one unary method and one
bidirectional stream with a fixed ``ChatReply``: round trips with nothing behind them, in the
router's own message types. ``grpc.health.v1`` answers for readiness.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import grpc
import uvloop
from grpc_health.v1 import health, health_pb2_grpc

from masterx.v1 import router_pb2

HOST = "127.0.0.1"
SERVICE = "masterx.bench.Hops"
UNARY = f"/{SERVICE}/Unary"
STREAM = f"/{SERVICE}/Stream"
REPLY = router_pb2.ChatReply(
    response="Bubble sort walks the list and swaps neighbours that are out of order. " * 3,
    finish_reason="stop",
    decision=router_pb2.RouteDecision(provider="groq", model="llama-3.3-70b-versatile"),
)


class Echo(asyncio.Protocol):
    transport: asyncio.WriteTransport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a TCP transport writes

    def data_received(self, data: bytes) -> None:
        self.transport.write(data)


async def unary(request: router_pb2.ChatRequest, context: object) -> router_pb2.ChatReply:
    return REPLY


async def stream(
    requests: AsyncIterator[router_pb2.ChatRequest], context: object
) -> AsyncIterator[router_pb2.ChatReply]:
    async for _ in requests:
        yield REPLY


def handlers() -> grpc.GenericRpcHandler:
    decode, encode = router_pb2.ChatRequest.FromString, router_pb2.ChatReply.SerializeToString
    return grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "Unary": grpc.unary_unary_rpc_method_handler(unary, decode, encode),
            "Stream": grpc.stream_stream_rpc_method_handler(stream, decode, encode),
        },
    )


async def serve(tcp_port: int, grpc_port: int) -> None:
    echo = await asyncio.get_running_loop().create_server(Echo, HOST, tcp_port)
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handlers(),))
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    server.add_insecure_port(f"{HOST}:{grpc_port}")
    await server.start()
    async with echo:
        await server.wait_for_termination()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1]), int(sys.argv[2])))
