"""Build the run machinery of the benchmark service in process, over real stores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.providers.catalog import build_adapter, simulated_providers
from masterx.providers.pricing import PriceTable
from services.benchmark.clock import Clock, SystemClock
from services.benchmark.graders import Grader
from services.benchmark.result_store import ResultStore
from services.benchmark.run_engine import EngineOptions, RunEngine
from services.benchmark.run_store import RunStore
from services.benchmark.runs import RunLauncher
from services.benchmark.sandbox import Sandbox
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
