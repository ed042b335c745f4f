"""Start the health service: breakers in Redis behind the ProviderHealth gRPC API."""

from __future__ import annotations

import grpc

from masterx.breaker.config import BreakerPolicy
from masterx.grpc_server import DependencyProbe, GrpcServiceSpec, run_grpc_service
from masterx.stores import connect_redis, ping_redis
from masterx.v1 import health_pb2, health_pb2_grpc
from services.health.breaker_store import RedisBreakerStore
from services.health.servicer import ProviderHealthServicer
from services.health.settings import HealthSettings
from services.health.sweeper import Sweeper

SERVICE_NAME = health_pb2.DESCRIPTOR.services_by_name["ProviderHealth"].full_name


async def serve(settings: HealthSettings) -> None:
    try:
        policy = BreakerPolicy.from_settings(settings)
    except ValueError as error:
        raise SystemExit(f"health: {error}") from None
    redis_client = connect_redis(settings.redis_url)
    store = RedisBreakerStore(redis_client, policy)
    servicer = ProviderHealthServicer(store, redis_client)
    sweeper = Sweeper(store, settings.breaker_sweep_seconds)

    def register(server: grpc.aio.Server) -> None:
        health_pb2_grpc.add_ProviderHealthServicer_to_server(servicer, server)

    async def close() -> None:
        await sweeper.stop()
        await redis_client.aclose()

    sweeper.start()
    await run_grpc_service(
        GrpcServiceSpec(
            name="health",
            service_names=[SERVICE_NAME],
            register=register,
            host=settings.bind_host,
            port=settings.health_grpc_port,
            metrics_port=settings.health_metrics_port,
            grace_seconds=settings.shutdown_grace_seconds,
            max_connection_age_seconds=settings.grpc_max_connection_age_seconds,
            probes=[DependencyProbe("redis", lambda: ping_redis(redis_client))],
            on_stop=close,
        )
    )
