"""The gateway's one link to the system: a gRPC channel to the router."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2_grpc

from masterx.request_context import REQUEST_ID_HEADER, current_request_id
from masterx.v1 import router_pb2_grpc


class RouterClient:
    def __init__(self, target: str) -> None:
        self._channel = grpc.aio.insecure_channel(
            target, options=[("grpc.keepalive_time_ms", 30_000)]
        )
        self.stub = router_pb2_grpc.RouterStub(self._channel)
        self.health = health_pb2_grpc.HealthStub(self._channel)
        self.target = target

    @staticmethod
    def metadata() -> tuple[tuple[str, str], ...]:
        return ((REQUEST_ID_HEADER, current_request_id()),)

    async def close(self) -> None:
        await self._channel.close()
