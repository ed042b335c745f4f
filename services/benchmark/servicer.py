"""The Benchmark gRPC servicer."""

from __future__ import annotations

import grpc
from pymongo.errors import PyMongoError

from masterx.domain import Category
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.result_store import ResultStore, ScoreRecord

RUN_STATUS: dict[str, benchmark_pb2.RunStatus] = {
    "pending": benchmark_pb2.RUN_STATUS_PENDING,
    "running": benchmark_pb2.RUN_STATUS_RUNNING,
    "completed": benchmark_pb2.RUN_STATUS_COMPLETED,
    "failed": benchmark_pb2.RUN_STATUS_FAILED,
}


def score_message(record: ScoreRecord) -> benchmark_pb2.BenchmarkScore:
    return benchmark_pb2.BenchmarkScore(
        provider=record.provider,
        model=record.model,
        category=record.category.to_proto(),
        quality_score=record.quality_score,
        speed_score=record.speed_score,
        cost_score=record.cost_score,
        final_score=record.final_score,
        latency_p50_ms=record.latency_p50_ms,
        latency_p95_ms=record.latency_p95_ms,
        mean_cost_usd=record.mean_cost_usd,
        tests=record.tests,
        run_id=record.run_id,
        measured_at=record.measured_at,
        imported=record.imported,
        weights=benchmark_pb2.ScoreWeights(**record.weights),
    )


def score_record(message: benchmark_pb2.BenchmarkScore) -> ScoreRecord:
    category = Category.from_proto(message.category)
    if category is None:
        raise ValueError(f"score for provider {message.provider!r}: category is required")
    if not message.provider:
        raise ValueError("every score needs a provider")
    for name in ("quality_score", "speed_score", "cost_score", "final_score"):
        value = getattr(message, name)
        if not 0 <= value <= 100:
            raise ValueError(
                f"score for {message.provider}/{category}: {name} {value} not in 0..100"
            )
    weights = message.weights
    return ScoreRecord(
        provider=message.provider,
        model=message.model,
        category=category,
        quality_score=message.quality_score,
        speed_score=message.speed_score,
        cost_score=message.cost_score,
        final_score=message.final_score,
        latency_p50_ms=message.latency_p50_ms,
        latency_p95_ms=message.latency_p95_ms,
        mean_cost_usd=message.mean_cost_usd,
        tests=message.tests,
        weights={"quality": weights.quality, "speed": weights.speed, "cost": weights.cost},
    )


class BenchmarkServicer(benchmark_pb2_grpc.BenchmarkServicer):
    def __init__(self, store: ResultStore, default_max_age_hours: float) -> None:
        self._store = store
        self._default_max_age_hours = default_max_age_hours

    @staticmethod
    async def _unavailable(context: grpc.aio.ServicerContext, error: PyMongoError) -> None:
        await context.abort(
            grpc.StatusCode.UNAVAILABLE,
            f"result store (MongoDB) unavailable: {type(error).__name__}",
        )

    async def GetLatest(
        self, request: benchmark_pb2.GetLatestRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.GetLatestReply:
        categories = [Category.from_proto(c) for c in request.categories]
        wanted = [c for c in categories if c is not None] or list(Category)
        max_age = request.max_age_hours or self._default_max_age_hours
        try:
            records = await self._store.latest(wanted, max_age)
            version = await self._store.version()
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        return benchmark_pb2.GetLatestReply(
            scores=[score_message(r) for r in records], version=version
        )

    async def ImportResults(
        self, request: benchmark_pb2.ImportResultsRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.ImportResultsReply:
        try:
            records = [score_record(s) for s in request.scores]
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        if not records:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "no scores to import")
        try:
            run_id = await self._store.import_scores(records, request.source or "unnamed")
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        return benchmark_pb2.ImportResultsReply(run_id=run_id, imported=len(records))

    async def GetRun(
        self, request: benchmark_pb2.GetRunRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.BenchmarkRun:
        try:
            run = await self._store.run(request.run_id)
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        if run is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"no benchmark run {request.run_id!r}")
            raise AssertionError("unreachable")
        return benchmark_pb2.BenchmarkRun(
            run_id=run["run_id"],
            status=RUN_STATUS.get(run.get("status", ""), benchmark_pb2.RUN_STATUS_UNSPECIFIED),
            categories=[Category(c).to_proto() for c in run.get("categories", [])],
            providers=run.get("providers", []),
            tests_done=run.get("tests_done", 0),
            tests_total=run.get("tests_total", 0),
            errors=run.get("errors", []),
            started_at=run.get("started_at", 0.0),
            finished_at=run.get("finished_at") or 0.0,
            trigger=run.get("trigger", ""),
        )

    async def RunBenchmarks(
        self, request: benchmark_pb2.RunBenchmarksRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.RunBenchmarksReply:
        await context.abort(
            grpc.StatusCode.UNIMPLEMENTED,
            "benchmark runs are not built yet (test suites and grading arrive with issue 5); "
            "scores can be imported with ImportResults",
        )
        raise AssertionError("unreachable")
