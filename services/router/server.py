"""Start the router service: routing decisions and provider calls behind the Router gRPC API."""

from __future__ import annotations

import os

import grpc
import httpx

from masterx.grpc_server import GrpcServiceSpec, run_grpc_service
from masterx.providers.catalog import build_adapter
from masterx.providers.discovery import discover_providers
from masterx.providers.pricing import PriceTable
from masterx.stores import connect_mongo
from masterx.v1 import benchmark_pb2_grpc, health_pb2_grpc, router_pb2, router_pb2_grpc
from services.router.breaker_client import BreakerClient
from services.router.decision import Decider
from services.router.provider_calls import ProviderCaller
from services.router.scoreboard import ScoreBoard
from services.router.servicer import RouterServicer
from services.router.settings import RouterSettings
from services.router.usage_recorder import UsageRecorder

SERVICE_NAME = router_pb2.DESCRIPTOR.services_by_name["Router"].full_name


async def serve(settings: RouterSettings) -> None:
    try:
        specs = discover_providers(os.environ, settings.simulator_url)
    except ValueError as error:
        raise SystemExit(f"router: {error}") from None
    providers = {spec.name: spec for spec in specs}
    timeout = httpx.Timeout(
        settings.provider_timeout_seconds, connect=settings.provider_connect_timeout_seconds
    )
    adapters = {name: build_adapter(spec, timeout) for name, spec in providers.items()}

    health_channel = grpc.aio.insecure_channel(settings.health_target)
    benchmark_channel = grpc.aio.insecure_channel(settings.benchmark_target)
    scoreboard = ScoreBoard(
        benchmark_pb2_grpc.BenchmarkStub(benchmark_channel), settings.scores_refresh_seconds
    )
    breakers = BreakerClient(health_pb2_grpc.ProviderHealthStub(health_channel))
    mongo = connect_mongo(settings.mongodb_url)
    usage = UsageRecorder(mongo[settings.mongodb_database]["usage"], settings.usage_buffer_size)

    servicer = RouterServicer(
        Decider(providers, scoreboard, settings.default_order),
        ProviderCaller(adapters, breakers),
        PriceTable.load(),
        usage,
    )

    def register(server: grpc.aio.Server) -> None:
        router_pb2_grpc.add_RouterServicer_to_server(servicer, server)

    async def close() -> None:
        await scoreboard.stop()
        await usage.stop()
        for adapter in adapters.values():
            await adapter.aclose()
        await health_channel.close()
        await benchmark_channel.close()
        await mongo.close()

    scoreboard.start()
    usage.start()
    await run_grpc_service(
        GrpcServiceSpec(
            name="router",
            service_names=[SERVICE_NAME],
            register=register,
            host=settings.bind_host,
            port=settings.router_grpc_port,
            metrics_port=settings.router_metrics_port,
            grace_seconds=settings.shutdown_grace_seconds,
            # No store probe: the router keeps serving chats while MongoDB is down (usage records
            # wait in the buffer), so its health must not follow MongoDB.
            on_stop=close,
        )
    )
