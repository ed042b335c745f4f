"""Build the run machinery of the benchmark service in process, over real stores."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.providers.catalog import build_adapter, simulated_providers
from masterx.providers.pricing import PriceTable
from masterx.v1 import benchmark_pb2_grpc
from services.benchmark.clock import Clock, SystemClock
from services.benchmark.graders import Grader
from services.benchmark.result_store import ResultStore
from services.benchmark.run_engine import EngineOptions, RunEngine
from services.benchmark.run_store import RunStore
from services.benchmark.runs import RunLauncher
from services.benchmark.sandbox import Sandbox
from services.benchmark.servicer import BenchmarkServicer
from services.benchmark.suite_model import Suite


@dataclass
class Bench:
    results: ResultStore
    runs: RunStore
    engine: RunEngine
    launcher: RunLauncher


async def build_bench(
    database: AsyncDatabase[dict[str, Any]],
    suites: Mapping[Category, Suite],
    simulator_url: str,
    sandbox: Sandbox,
    *,
    options: EngineOptions | None = None,
    clock: Clock | None = None,
    providers: list[str] | None = None,
) -> Bench:
    clock = clock or SystemClock()
    results, runs = ResultStore(database, clock), RunStore(database)
    await results.ensure_indexes()
    await runs.ensure_indexes()
    specs = [
        s for s in simulated_providers(simulator_url) if providers is None or s.name in providers
    ]
    engine = RunEngine(
        suites,
        Grader(sandbox),
        runs,
        results,
        PriceTable.load(),
        lambda spec: build_adapter(spec, httpx.Timeout(30.0, connect=5.0)),
        options or EngineOptions(provider_concurrency=8, flush_interval_s=0.2),
        clock,
    )
    return Bench(results, runs, engine, RunLauncher(engine, runs, specs, clock))


@asynccontextmanager
async def serving(
    bench: Bench, servicer: BenchmarkServicer | None = None
) -> AsyncIterator[benchmark_pb2_grpc.BenchmarkStub]:
    """The benchmark servicer over ``bench`` (or ``servicer``) on a real gRPC server, and a
    stub to it; the launcher and the server stop on the way out."""
    server = grpc.aio.server()
    benchmark_pb2_grpc.add_BenchmarkServicer_to_server(
        servicer or BenchmarkServicer(bench.results, bench.launcher, 24.0), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield benchmark_pb2_grpc.BenchmarkStub(channel)
    finally:
        await channel.close()
        await bench.launcher.stop()
        await server.stop(None)
