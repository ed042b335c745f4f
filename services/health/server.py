"""Start the health service: breakers in Redis behind the ProviderHealth gRPC API."""

from __future__ import annotations

import grpc

from masterx.grpc_server import DependencyProbe, GrpcServiceSpec, run_grpc_service
from masterx.stores import connect_redis, ping_redis
from masterx.v1 import health_pb2, health_pb2_grpc
from services.health.breaker_store import BreakerConfig, RedisBreakerStore
from services.health.servicer import ProviderHealthServicer
from services.health.settings import HealthSettings

SERVICE_NAME = health_pb2.DESCRIPTOR.services_by_name["ProviderHealth"].full_name


async def serve(settings: HealthSettings) -> None:
    redis_client = connect_redis(settings.redis_url)
    config = BreakerConfig(
        failure_threshold=settings.breaker_failure_threshold,
        success_threshold=settings.breaker_success_threshold,
        timeout_seconds=settings.breaker_timeout_seconds,
        half_open_max_calls=settings.breaker_half_open_max_calls,
    )
    servicer = ProviderHealthServicer(RedisBreakerStore(redis_client, config), redis_client)

    def register(server: grpc.aio.Server) -> None:
        health_pb2_grpc.add_ProviderHealthServicer_to_server(servicer, server)

    async def close() -> None:
        await redis_client.aclose()

    await run_grpc_service(
        GrpcServiceSpec(
            name="health",
            service_names=[SERVICE_NAME],
            register=register,
            host=settings.bind_host,
            port=settings.health_grpc_port,
            metrics_port=settings.health_metrics_port,
            grace_seconds=settings.shutdown_grace_seconds,
            probes=[DependencyProbe("redis", lambda: ping_redis(redis_client))],
            on_stop=close,
        )
    )
