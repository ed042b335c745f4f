"""Start the benchmark service: suites, runs and the schedule, scores in MongoDB behind the
Benchmark gRPC API."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid

import grpc
import httpx

from masterx.grpc_server import DependencyProbe, GrpcServiceSpec, run_grpc_service
from masterx.live_store import LiveStore
from masterx.providers.base import ProviderAdapter, ProviderSpec
from masterx.providers.catalog import build_adapter
from masterx.providers.discovery import discover_providers
from masterx.providers.pricing import PriceTable
from masterx.stores import connect_mongo, connect_redis, ping_mongo
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.clock import SystemClock
from services.benchmark.graders import Grader
from services.benchmark.graders.judge import Judge
from services.benchmark.lease import RedisLease
from services.benchmark.live_scores import LiveScores
from services.benchmark.metrics import follow_scores
from services.benchmark.result_store import ResultStore
from services.benchmark.run_engine import EngineOptions, RunEngine
from services.benchmark.run_store import RunStore
from services.benchmark.runs import RunLauncher
from services.benchmark.sandbox import Sandbox, SandboxLimits
from services.benchmark.schedule import Scheduler
from services.benchmark.servicer import BenchmarkServicer
from services.benchmark.settings import BenchmarkSettings
from services.benchmark.suites import SuiteError, load_suites

SERVICE_NAME = benchmark_pb2.DESCRIPTOR.services_by_name["Benchmark"].full_name
GAUGE_REFRESH_SECONDS = 15.0


def lease_key(database: str) -> str:
    """Replicas sharing a database share a schedule, hence a lease."""
    return f"masterx:benchmark:{database}:schedule-lease"


def provider_timeout(settings: BenchmarkSettings) -> httpx.Timeout:
    return httpx.Timeout(settings.benchmark_test_timeout_seconds, connect=5.0)


def build_judge(
    settings: BenchmarkSettings, providers: list[ProviderSpec], prices: PriceTable | None = None
) -> ProviderAdapter | None:
    name = settings.benchmark_judge_provider
    if not name:
        return None
    spec = next((p for p in providers if p.name == name), None)
    if spec is None:
        known = ", ".join(p.name for p in providers)
        raise SystemExit(
            f"benchmark: MASTERX_BENCHMARK_JUDGE_PROVIDER={name!r} is not a "
            f"configured provider (known: {known})"
        )
    return build_adapter(spec, provider_timeout(settings), prices=prices)


async def serve(settings: BenchmarkSettings) -> None:
    try:
        suites = load_suites(settings.benchmark_suites_dir)
    except SuiteError as error:
        raise SystemExit(f"benchmark: {error}") from None
    try:
        providers = discover_providers(os.environ, settings.simulator_url)
        # The same table as the router's: MASTERX_PRICE_TABLE merged, MASTERX_FREE_MODELS free.
        prices = PriceTable.from_environment(os.environ)
    except ValueError as error:
        raise SystemExit(f"benchmark: {error}") from None
    clock = SystemClock()
    mongo = connect_mongo(settings.mongodb_url, max_pool_size=settings.mongodb_max_pool_size)
    redis = connect_redis(settings.redis_url)
    database = mongo[settings.mongodb_database]
    results, runs = ResultStore(database, clock), RunStore(database)
    judge_adapter = build_judge(settings, providers, prices)
    sandbox = Sandbox(
        SandboxLimits(
            cpu_seconds=settings.benchmark_sandbox_cpu_seconds,
            memory_mb=settings.benchmark_sandbox_memory_mb,
            wall_seconds=settings.benchmark_sandbox_wall_seconds,
        ),
        settings.benchmark_sandbox_concurrency,
    )
    await sandbox.check()  # logs sandbox_ready, or sandbox_unavailable with the kernel's reason
    grader = Grader(sandbox, Judge(judge_adapter) if judge_adapter else None)
    options = EngineOptions(
        provider_concurrency=settings.benchmark_provider_concurrency,
        test_timeout_s=settings.benchmark_test_timeout_seconds,
        max_tokens=settings.benchmark_max_tokens,
        excerpt_chars=settings.benchmark_excerpt_chars,
        weights=settings.benchmark_weights,
        policy=settings.quality_policy,
    )
    engine = RunEngine(
        suites,
        grader,
        runs,
        results,
        prices,
        lambda spec: build_adapter(spec, provider_timeout(settings), prices=prices),
        options,
        clock,
    )
    launcher = RunLauncher(engine, runs, providers, clock)
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    lease = RedisLease(
        redis, lease_key(settings.mongodb_database), holder, settings.benchmark_lease_seconds, clock
    )
    scheduler = Scheduler(
        runs,
        launcher,
        lease,
        settings.interval_seconds,
        settings.benchmark_schedule_check_seconds,
        clock,
    )
    indexes_ready = False

    async def ensure_indexes() -> None:
        nonlocal indexes_ready
        if not indexes_ready:
            await results.ensure_indexes()
            await runs.ensure_indexes()
            indexes_ready = True

    async def mongo_ready() -> None:
        await ping_mongo(mongo)
        await ensure_indexes()

    async def schedule() -> None:
        while True:  # the schedule starts once MongoDB answers and the indexes exist
            with contextlib.suppress(Exception):
                await mongo_ready()
                break
            await clock.sleep(1.0)
        await scheduler.run_forever()

    background = [
        asyncio.create_task(
            follow_scores(results, settings.benchmark_max_age_hours, GAUGE_REFRESH_SECONDS, clock)
        )
    ]
    if settings.benchmark_schedule_enabled:
        background.append(asyncio.create_task(schedule(), name="benchmark-schedule"))
    live = LiveScores(
        LiveStore(redis, settings.live_settings),
        settings.live_settings,
        settings.quality_policy,
    )
    servicer = BenchmarkServicer(
        results, launcher, settings.benchmark_max_age_hours, clock, settings.quality_policy, live
    )

    def register(server: grpc.aio.Server) -> None:
        benchmark_pb2_grpc.add_BenchmarkServicer_to_server(servicer, server)

    async def close() -> None:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await launcher.stop()
        if judge_adapter is not None:
            await judge_adapter.aclose()
        await redis.aclose()
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
            max_connection_age_seconds=settings.grpc_max_connection_age_seconds,
            probes=[DependencyProbe("mongodb", mongo_ready)],
            on_stop=close,
        )
    )
