"""The Benchmark gRPC API served in process over real MongoDB, against the simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.messages import ABANDONED_AFTER_S, run_message
from services.benchmark.sandbox import Sandbox
from services.benchmark.suites import load_suites
from tests.benchmark.conftest import small_suites
from tests.benchmark.engine_support import build_bench, serving

DONE = (benchmark_pb2.RUN_STATUS_COMPLETED, benchmark_pb2.RUN_STATUS_FAILED)


@pytest.fixture
async def stub(
    mongo_db: AsyncDatabase[dict[str, Any]],
    simulator_url: str,
    sandbox: Sandbox,
    tmp_path: Path,
) -> AsyncIterator[benchmark_pb2_grpc.BenchmarkStub]:
    suites = load_suites(small_suites(tmp_path / "suites"))
    bench = await build_bench(
        mongo_db, suites, simulator_url, sandbox, providers=["openai", "groq"]
    )
    async with serving(bench) as stub:
        yield stub


async def finished(
    stub: benchmark_pb2_grpc.BenchmarkStub,
    run_id: str,
    timeout_s: float = 30,
) -> benchmark_pb2.BenchmarkRun:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run: benchmark_pb2.BenchmarkRun = await stub.GetRun(
            benchmark_pb2.GetRunRequest(run_id=run_id)
        )
        if run.status in DONE:
            return run
        await asyncio.sleep(0.05)
    raise AssertionError(f"run {run_id} not finished within {timeout_s}s")


async def test_a_run_starts_in_the_background_reports_progress_and_feeds_get_latest(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    reply = await stub.RunBenchmarks(benchmark_pb2.RunBenchmarksRequest())
    assert reply.run_id
    first = await stub.GetRun(benchmark_pb2.GetRunRequest(run_id=reply.run_id))
    assert first.tests_total == 2 * 2 * 2  # categories x tests x providers
    run = await finished(stub, reply.run_id)
    assert run.status == benchmark_pb2.RUN_STATUS_COMPLETED, run.errors
    assert (run.tests_done, run.trigger, list(run.errors)) == (8, "manual", [])
    assert {(p.provider, p.tests_done, p.tests_total, p.tests_failed) for p in run.progress} == {
        ("openai", 4, 4, 0),
        ("groq", 4, 4, 0),
    }
    assert run.finished_at >= run.started_at > 0
    latest = await stub.GetLatest(benchmark_pb2.GetLatestRequest())
    assert {(s.provider, s.category) for s in latest.scores} == {
        (p, c.to_proto()) for p in ("openai", "groq") for c in (Category.MATH, Category.GENERAL)
    }
    assert all(s.run_id == reply.run_id and s.tests == 2 for s in latest.scores)
    same = await stub.GetLatest(benchmark_pb2.GetLatestRequest(known_version=latest.version))
    assert same.unchanged and not same.scores and same.version == latest.version


async def test_a_run_of_chosen_categories_and_providers(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    reply = await stub.RunBenchmarks(
        benchmark_pb2.RunBenchmarksRequest(
            categories=[Category.MATH.to_proto()], providers=["groq"]
        )
    )
    run = await finished(stub, reply.run_id)
    assert list(run.providers) == ["groq"] and list(run.categories) == [Category.MATH.to_proto()]
    latest = await stub.GetLatest(
        benchmark_pb2.GetLatestRequest(categories=[Category.MATH.to_proto()])
    )
    assert [(s.provider, s.speed_score, s.cost_score) for s in latest.scores] == [
        ("groq", 100, 100)
    ]


@pytest.mark.parametrize(
    ("request_fields", "named"),
    [
        ({"providers": ["openai", "nope"]}, "'nope'"),
        ({"categories": [99]}, "category 99"),
        ({"categories": [0]}, "category 0"),
        ({"categories": [Category.CODING.to_proto()]}, "'coding'"),
    ],
)
async def test_an_unknown_provider_or_category_is_invalid_and_named(
    stub: benchmark_pb2_grpc.BenchmarkStub,
    request_fields: dict[str, Any],
    named: str,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RunBenchmarks(benchmark_pb2.RunBenchmarksRequest(**request_fields))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert named in (caught.value.details() or "")


async def test_an_unknown_run_is_not_found(stub: benchmark_pb2_grpc.BenchmarkStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetRun(benchmark_pb2.GetRunRequest(run_id="run-missing"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    assert "run-missing" in (caught.value.details() or "")


async def test_imported_scores_are_marked_and_used_like_a_run(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    before = await stub.GetLatest(benchmark_pb2.GetLatestRequest())
    score = benchmark_pb2.BenchmarkScore(
        provider="my-finetune",
        model="ft-1",
        category=Category.MATH.to_proto(),
        quality_score=97,
        speed_score=40,
        cost_score=90,
        final_score=84,
        tests=50,
        weights=benchmark_pb2.ScoreWeights(quality=0.6, speed=0.2, cost=0.2),
    )
    reply = await stub.ImportResults(
        benchmark_pb2.ImportResultsRequest(scores=[score], source="my-evals")
    )
    assert reply.imported == 1
    latest = await stub.GetLatest(
        benchmark_pb2.GetLatestRequest(
            categories=[Category.MATH.to_proto()], known_version=before.version
        )
    )
    assert not latest.unchanged and latest.version != before.version
    (imported,) = [s for s in latest.scores if s.provider == "my-finetune"]
    assert imported.imported and imported.run_id == reply.run_id
    # quality and tests as imported; the rest assessed with the category's other providers
    assert (imported.quality_score, imported.tests) == (97, 50)
    assert imported.within_tolerance and 0 < imported.quality_uncertainty < 10
    assert 0 <= imported.final_score <= 100
    run = await stub.GetRun(benchmark_pb2.GetRunRequest(run_id=reply.run_id))
    assert run.status == benchmark_pb2.RUN_STATUS_COMPLETED and run.trigger == "import:my-evals"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ImportResults(
            benchmark_pb2.ImportResultsRequest(
                scores=[
                    benchmark_pb2.BenchmarkScore(
                        provider="x", category=Category.MATH.to_proto(), quality_score=120
                    )
                ]
            )
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "quality_score 120" in (caught.value.details() or "")


def test_a_run_whose_replica_stopped_writing_progress_is_reported_abandoned() -> None:
    run = {
        "run_id": "run-1",
        "status": "running",
        "started_at": 1000.0,
        "updated_at": 1010.0,
        "categories": ["math"],
        "providers": ["groq"],
        "tests_done": 3,
        "tests_total": 14,
        "progress": [
            {
                "provider": "groq",
                "tests_done": 3,
                "tests_total": 14,
                "tests_failed": 1,
                "failures": {"timeout": 1},
            }
        ],
        "errors": [],
    }
    alive = run_message(run, now=1010.0 + 30)
    assert alive.status == benchmark_pb2.RUN_STATUS_RUNNING and not alive.errors
    assert dict(alive.progress[0].failures) == {"timeout": 1}
    abandoned = run_message(run, now=1010.0 + ABANDONED_AFTER_S + 1)
    assert abandoned.status == benchmark_pb2.RUN_STATUS_FAILED
    assert "abandoned" in abandoned.errors[0]
