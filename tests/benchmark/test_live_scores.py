"""The Benchmark API's live side (README, "Live quality"): scores with the router's live
estimate beside them, read from the real Redis, and runs the drift alarm asks for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import redis.asyncio as aioredis
from pymongo.asynchronous.database import AsyncDatabase

from masterx.domain import Category
from masterx.live_quality import LiveSettings, Tally
from masterx.live_store import LiveStore
from masterx.policy import DEFAULT_POLICY
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.live_scores import LiveScores
from services.benchmark.sandbox import Sandbox
from services.benchmark.servicer import BenchmarkServicer
from services.benchmark.suites import load_suites
from tests.benchmark.conftest import small_suites
from tests.benchmark.engine_support import build_bench, serving
from tests.benchmark.test_service import finished

SETTINGS = LiveSettings()


@pytest.fixture
async def stub(
    mongo_db: AsyncDatabase[dict[str, Any]],
    simulator_url: str,
    sandbox: Sandbox,
    tmp_path: Path,
    redis_client: aioredis.Redis,
) -> AsyncIterator[benchmark_pb2_grpc.BenchmarkStub]:
    suites = load_suites(small_suites(tmp_path / "suites"))
    bench = await build_bench(
        mongo_db, suites, simulator_url, sandbox, providers=["openai", "groq"]
    )
    live = LiveScores(LiveStore(redis_client, SETTINGS), SETTINGS, DEFAULT_POLICY)
    async with serving(
        bench, BenchmarkServicer(bench.results, bench.launcher, 24.0, live=live)
    ) as stub:
        yield stub


async def test_scores_carry_the_live_estimate_when_asked(
    stub: benchmark_pb2_grpc.BenchmarkStub, redis_client: aioredis.Redis
) -> None:
    scores = [
        benchmark_pb2.BenchmarkScore(
            provider=provider,
            model="m",
            category=Category.MATH.to_proto(),
            quality_score=90,
            tests=20,
        )
        for provider in ("openai", "groq")
    ]
    await stub.ImportResults(benchmark_pb2.ImportResultsRequest(scores=scores, source="t"))
    store = LiveStore(redis_client, SETTINGS)
    await store.add({("openai", Category.MATH): Tally(rating_weight=20.0, rating_score=0.0)})
    math = [Category.MATH.to_proto()]
    plain = await stub.GetLatest(benchmark_pb2.GetLatestRequest(categories=math))
    assert not any(s.has_live for s in plain.scores)
    latest = await stub.GetLatest(benchmark_pb2.GetLatestRequest(categories=math, with_live=True))
    by_name = {s.provider: s for s in latest.scores}
    openai, groq = by_name["openai"], by_name["groq"]
    assert openai.has_live and openai.quality_score == 90
    assert openai.live_quality == pytest.approx(45.0, abs=0.1)  # 18 good of 40 answers
    assert openai.prior_weight == 20 and openai.rating_weight == pytest.approx(20.0, rel=1e-3)
    assert openai.live_effective_tests == pytest.approx(40.0, rel=1e-3)
    assert 5 < openai.live_uncertainty < openai.quality_uncertainty
    assert groq.has_live and groq.live_quality == 90 and groq.rating_weight == 0


async def test_a_drift_run_says_so_and_an_unknown_trigger_is_invalid(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    reply = await stub.RunBenchmarks(
        benchmark_pb2.RunBenchmarksRequest(
            categories=[Category.MATH.to_proto()], providers=["groq"], trigger="drift"
        )
    )
    run = await finished(stub, reply.run_id)
    assert run.trigger == "drift" and list(run.providers) == ["groq"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.RunBenchmarks(benchmark_pb2.RunBenchmarksRequest(trigger="cron"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "trigger" in (caught.value.details() or "")


async def test_a_score_says_when_the_router_holds_its_provider_out_after_a_fall(
    stub: benchmark_pb2_grpc.BenchmarkStub, redis_client: aioredis.Redis
) -> None:
    coding = Category.CODING
    scores = [
        benchmark_pb2.BenchmarkScore(
            provider=p, model="m", category=coding.to_proto(), quality_score=90, tests=20
        )
        for p in ("openai", "groq")
    ]
    await stub.ImportResults(benchmark_pb2.ImportResultsRequest(scores=scores, source="t"))
    store = LiveStore(redis_client, SETTINGS)
    pair = ("groq", coding)
    # twenty down ratings where the learners' level was 90 %: ln(0.15 / 0.10) nats each
    await store.add({pair: Tally(rating_weight=20.0, rating_score=0.0)}, levels={pair: 0.9})
    latest = await stub.GetLatest(
        benchmark_pb2.GetLatestRequest(categories=[coding.to_proto()], with_live=True)
    )
    by_name = {s.provider: s for s in latest.scores}
    assert by_name["groq"].fallen and not by_name["openai"].fallen
