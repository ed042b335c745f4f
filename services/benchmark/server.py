"""Start the benchmark service: scores in MongoDB behind the Benchmark gRPC API."""

from __future__ import annotations

import grpc

from masterx.grpc_server import DependencyProbe, GrpcServiceSpec, run_grpc_service
from masterx.stores import connect_mongo, ping_mongo
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.result_store import ResultStore
from services.benchmark.servicer import BenchmarkServicer
from services.benchmark.settings import BenchmarkSettings

SERVICE_NAME = benchmark_pb2.DESCRIPTOR.services_by_name["Benchmark"].full_name


async def serve(settings: BenchmarkSettings) -> None:
    mongo = connect_mongo(settings.mongodb_url)
    store = ResultStore(mongo[settings.mongodb_database])
    indexes_ready = False

    async def mongo_ready() -> None:
        nonlocal indexes_ready
        await ping_mongo(mongo)
        if not indexes_ready:
            await store.ensure_indexes()
            indexes_ready = True

    servicer = BenchmarkServicer(store, settings.benchmark_max_age_hours)

    def register(server: grpc.aio.Server) -> None:
        benchmark_pb2_grpc.add_BenchmarkServicer_to_server(servicer, server)

    async def close() -> None:
        await mongo.close()

    await run_grpc_service(
        GrpcServiceSpec(
            name="benchmark",
            service_names=[SERVICE_NAME],
            register=register,
            host=settings.bind_host,
            port=settings.benchmark_grpc_port,
            metrics_port=settings.benchmark_metrics_port,
            grace_seconds=settings.shutdown_grace_seconds,
            probes=[DependencyProbe("mongodb", mongo_ready)],
            on_stop=close,
        )
    )
