"""Start the health service: breakers in Redis behind the ProviderHealth gRPC API, and API keys
(MongoDB) with their spend limits (Redis) behind the ApiKeys API.

MongoDB is not one of its readiness probes: breakers must keep serving when only the key
store is down (key admin then answers UNAVAILABLE; admissions use keys cached <= 1 s)."""

from __future__ import annotations

import grpc
import redis.asyncio as aioredis

from masterx.breaker.config import BreakerPolicy
from masterx.grpc_server import DependencyProbe, GrpcServiceSpec, run_grpc_service
from masterx.stores import MongoClient, connect_mongo, connect_redis, ping_redis
from masterx.v1 import health_pb2, health_pb2_grpc, keys_pb2, keys_pb2_grpc
from services.health.breaker_store import RedisBreakerStore
from services.health.keys.key_store import KeyStore
from services.health.keys.local_limiter import LocalSpendLimiter
from services.health.keys.redis_limiter import RedisSpendLimiter
from services.health.keys.servicer import ApiKeysServicer
from services.health.keys.spend import SpendLimits
from services.health.servicer import ProviderHealthServicer
from services.health.settings import HealthSettings
from services.health.sweeper import Sweeper

SERVICE_NAME = health_pb2.DESCRIPTOR.services_by_name["ProviderHealth"].full_name
KEYS_SERVICE_NAME = keys_pb2.DESCRIPTOR.services_by_name["ApiKeys"].full_name


def keys_servicer(
    settings: HealthSettings, redis_client: aioredis.Redis, mongo_client: MongoClient
) -> ApiKeysServicer:
    """Spend control: key documents in MongoDB, limits in Redis (``services/health/keys``)."""
    store = KeyStore(mongo_client[settings.mongodb_database], settings.keys_cache_ttl_seconds)
    shared = RedisSpendLimiter(redis_client, settings.keys_reservation_ttl_seconds)
    limits = SpendLimits(shared, LocalSpendLimiter(settings.keys_fallback_share))
    return ApiKeysServicer(store, limits, shared)


async def serve(settings: HealthSettings) -> None:
    try:
        policy = BreakerPolicy.from_settings(settings)
    except ValueError as error:
        raise SystemExit(f"health: {error}") from None
    redis_client = connect_redis(settings.redis_url)
    store = RedisBreakerStore(redis_client, policy)
    servicer = ProviderHealthServicer(store, redis_client)
    mongo_client = connect_mongo(settings.mongodb_url, max_pool_size=settings.mongodb_max_pool_size)
    keys = keys_servicer(settings, redis_client, mongo_client)
    sweeper = Sweeper(store, settings.breaker_sweep_seconds)

    def register(server: grpc.aio.Server) -> None:
        health_pb2_grpc.add_ProviderHealthServicer_to_server(servicer, server)
        keys_pb2_grpc.add_ApiKeysServicer_to_server(keys, server)

    async def close() -> None:
        await sweeper.stop()
        await redis_client.aclose()
        await mongo_client.close()

    sweeper.start()
    await run_grpc_service(
        GrpcServiceSpec(
            name="health",
            service_names=[SERVICE_NAME, KEYS_SERVICE_NAME],
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
