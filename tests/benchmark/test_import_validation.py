"""Bad input to the Benchmark gRPC API: INVALID_ARGUMENT (or NOT_FOUND) naming the field, with
short details, and nothing written for a refused request. Served in process over real MongoDB."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from masterx.domain import Category
from masterx.quoting import quoted
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.messages import MAX_IMPORT_SCORES
from services.benchmark.result_store import RESULTS, RUNS, ResultStore, ScoreRecord
from services.benchmark.sandbox import Sandbox
from services.benchmark.suites import load_suites
from tests.benchmark.conftest import small_suites
from tests.benchmark.engine_support import build_bench, serving

MATH = Category.MATH.to_proto()
SHORT_DETAILS = 400  # characters: far below the 16 KB a gRPC client accepts
UNREACHABLE = "http://127.0.0.1:9"  # no run is started here: refused requests only


@pytest.fixture
async def stub(
    mongo_db: AsyncDatabase[dict[str, Any]], sandbox: Sandbox, tmp_path: Path
) -> AsyncIterator[benchmark_pb2_grpc.BenchmarkStub]:
    suites = load_suites(small_suites(tmp_path / "suites"))
    bench = await build_bench(mongo_db, suites, UNREACHABLE, sandbox, providers=["openai"])
    async with serving(bench) as stub:
        yield stub


def _score(**fields: Any) -> benchmark_pb2.BenchmarkScore:
    values: dict[str, Any] = {
        "provider": "zz-probe",
        "model": "m-1",
        "category": MATH,
        "quality_score": 50,
        "speed_score": 50,
        "cost_score": 50,
        "final_score": 50,
        "tests": 10,
    }
    values.update(fields)
    return benchmark_pb2.BenchmarkScore(**values)


async def _refused(call: Any, request: Any, code: grpc.StatusCode) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(request)
    assert caught.value.code() == code, caught.value.details()
    details = caught.value.details() or ""
    assert len(details) < SHORT_DETAILS, details
    return details


async def _stored(database: AsyncDatabase[dict[str, Any]]) -> tuple[int, int]:
    return (
        await database[RUNS].count_documents({}),
        await database[RESULTS].count_documents({}),
    )


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"latency_p50_ms": math.nan}, "latency_p50_ms nan"),
        ({"latency_p95_ms": math.inf}, "latency_p95_ms inf"),
        ({"latency_p50_ms": -1.0}, "latency_p50_ms -1.0"),
        ({"mean_cost_usd": math.inf}, "mean_cost_usd inf"),
        ({"mean_cost_usd": -1.0}, "mean_cost_usd -1.0"),
        ({"weights": benchmark_pb2.ScoreWeights(quality=math.nan)}, "weights.quality nan"),
        ({"weights": benchmark_pb2.ScoreWeights(cost=-0.2)}, "weights.cost -0.2"),
        ({"tests": -5}, "tests -5"),
        ({"failed_tests": -5}, "failed_tests -5"),
        ({"failed_tests": 50, "tests": 10}, "failed_tests 50"),
        ({"model": "a b"}, "model 'a b'"),
        ({"model": "m" * 129}, "model of 129 characters"),
        ({"provider": ""}, "provider is missing"),
        ({"provider": "a\x00b"}, "provider 'a\\x00b'"),
        ({"provider": "a\nb"}, "provider 'a\\nb'"),
        ({"provider": "x" * 1_000_000}, "provider of 1000000 characters"),
        ({"category": 99}, "category 99"),
        ({"quality_score": math.nan}, "quality_score nan"),
    ],
)
async def test_a_bad_score_is_invalid_named_and_nothing_is_written(
    stub: benchmark_pb2_grpc.BenchmarkStub,
    mongo_db: AsyncDatabase[dict[str, Any]],
    fields: dict[str, Any],
    named: str,
) -> None:
    scores = [_score(provider="zz-good"), _score(**fields)]
    request = benchmark_pb2.ImportResultsRequest(scores=scores, source="probe")
    details = await _refused(stub.ImportResults, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert details.startswith("scores[1]") and named in details, details
    assert await _stored(mongo_db) == (0, 0)


async def test_two_scores_for_one_provider_and_category_are_refused(
    stub: benchmark_pb2_grpc.BenchmarkStub, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    other = Category.CODING.to_proto()
    scores = [_score(), _score(category=other), _score(quality_score=90)]
    request = benchmark_pb2.ImportResultsRequest(scores=scores)
    details = await _refused(stub.ImportResults, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "scores[2]" in details and "zz-probe/math" in details and "scores[0]" in details
    assert await _stored(mongo_db) == (0, 0)


async def test_an_import_has_at_most_a_thousand_scores(
    stub: benchmark_pb2_grpc.BenchmarkStub, mongo_db: AsyncDatabase[dict[str, Any]]
) -> None:
    many = [_score(provider=f"zz-many{i}") for i in range(MAX_IMPORT_SCORES + 1)]
    request = benchmark_pb2.ImportResultsRequest(scores=many)
    details = await _refused(stub.ImportResults, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert f"at most {MAX_IMPORT_SCORES} scores" in details and str(len(many)) in details
    assert await _stored(mongo_db) == (0, 0)
    reply = await stub.ImportResults(
        benchmark_pb2.ImportResultsRequest(scores=many[:MAX_IMPORT_SCORES])
    )
    assert reply.imported == MAX_IMPORT_SCORES
    assert await _stored(mongo_db) == (1, MAX_IMPORT_SCORES)


@pytest.mark.parametrize(
    ("source", "named"),
    [("s" * 100_000, "source of 100000 characters"), ("a\x00b", "source 'a\\x00b'")],
)
async def test_a_bad_source_is_refused(
    stub: benchmark_pb2_grpc.BenchmarkStub,
    mongo_db: AsyncDatabase[dict[str, Any]],
    source: str,
    named: str,
) -> None:
    request = benchmark_pb2.ImportResultsRequest(scores=[_score()], source=source)
    details = await _refused(stub.ImportResults, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert named in details
    assert await _stored(mongo_db) == (0, 0)


async def test_a_replay_import_names_providers_after_models(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    name = "mistralai/Mixtral-8x7B-Instruct-v0.1"
    score = _score(provider=name, model=name, latency_p50_ms=0.0, failed_tests=10)
    reply = await stub.ImportResults(
        benchmark_pb2.ImportResultsRequest(scores=[score], source="replay:calibration.csv")
    )
    run = await stub.GetRun(benchmark_pb2.GetRunRequest(run_id=reply.run_id))
    assert run.status == benchmark_pb2.RUN_STATUS_COMPLETED
    assert run.trigger == "import:replay:calibration.csv" and list(run.providers) == [name]


@pytest.mark.parametrize("max_age", [math.nan, math.inf, -math.inf, -5.0])
async def test_get_latest_refuses_a_max_age_that_is_not_a_finite_number_of_hours(
    stub: benchmark_pb2_grpc.BenchmarkStub, max_age: float
) -> None:
    request = benchmark_pb2.GetLatestRequest(max_age_hours=max_age)
    details = await _refused(stub.GetLatest, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert "max_age_hours must be a finite number >= 0" in details


async def test_get_latest_max_age_zero_is_the_default(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    await stub.ImportResults(benchmark_pb2.ImportResultsRequest(scores=[_score()]))
    for max_age in (0.0, 1.0):
        latest = await stub.GetLatest(benchmark_pb2.GetLatestRequest(max_age_hours=max_age))
        assert [s.provider for s in latest.scores] == ["zz-probe"]


async def test_get_run_refuses_an_over_long_id_and_shortens_an_unknown_one(
    stub: benchmark_pb2_grpc.BenchmarkStub,
) -> None:
    long_id = benchmark_pb2.GetRunRequest(run_id="x" * 20_000)
    details = await _refused(stub.GetRun, long_id, grpc.StatusCode.INVALID_ARGUMENT)
    assert "run_id of 20000 characters" in details
    unknown = benchmark_pb2.GetRunRequest(run_id="y" * 64)
    details = await _refused(stub.GetRun, unknown, grpc.StatusCode.NOT_FOUND)
    assert "y" * 64 in details


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"trigger": "t" * 100_000}, "(100000 chars)"),
        ({"providers": ["openai", "p" * 100_000]}, "providers[1]: a provider name of 100000"),
        ({"providers": ["q" * 100]}, "providers[0]: unknown provider 'qqqq"),
    ],
)
async def test_run_benchmarks_names_a_bad_value_without_echoing_all_of_it(
    stub: benchmark_pb2_grpc.BenchmarkStub,
    mongo_db: AsyncDatabase[dict[str, Any]],
    fields: dict[str, Any],
    named: str,
) -> None:
    request = benchmark_pb2.RunBenchmarksRequest(**fields)
    details = await _refused(stub.RunBenchmarks, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert named in details
    assert await _stored(mongo_db) == (0, 0)


def test_a_value_is_quoted_whole_when_short_else_with_its_length() -> None:
    assert quoted("abc") == "'abc'"
    assert quoted("a" * 64) == repr("a" * 64)
    assert quoted("a" * 65) == f"{'a' * 64!r}… (65 chars)"


def _record(provider: str) -> ScoreRecord:
    return ScoreRecord(provider, "m", Category.MATH, 50.0, 50.0, 50.0, 50.0, tests=10)


async def test_an_import_the_store_fails_part_way_leaves_no_results_and_no_completed_run(
    mongo_db: AsyncDatabase[dict[str, Any]],
) -> None:
    store = ResultStore(mongo_db)
    await store.ensure_indexes()
    # a store that accepts the first result and refuses the second (a duplicate key)
    await mongo_db[RESULTS].create_index(
        [("provider", ASCENDING), ("category", ASCENDING)], unique=True, name="test_unique"
    )
    await mongo_db[RESULTS].insert_one({"provider": "taken", "category": "math"})
    with pytest.raises(PyMongoError):
        await store.import_scores([_record("fresh"), _record("taken")], "probe")
    (run,) = [r async for r in mongo_db[RUNS].find({}, projection={"_id": False})]
    assert run["status"] == "failed" and run["trigger"] == "import:probe", run
    assert "import failed" in run["errors"][0]
    assert await mongo_db[RESULTS].count_documents({"run_id": run["run_id"]}) == 0
    assert await store.latest([Category.MATH], 24.0) == []
