"""The Benchmark gRPC servicer."""

from __future__ import annotations

import math

import grpc
from pymongo.errors import PyMongoError

from masterx.domain import Category
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from masterx.quoting import quoted
from masterx.v1 import benchmark_pb2, benchmark_pb2_grpc
from services.benchmark.assessed_scores import assess_records
from services.benchmark.clock import Clock, SystemClock
from services.benchmark.live_scores import LiveScores
from services.benchmark.messages import (
    category_of,
    import_records,
    import_source,
    run_message,
    score_message,
)
from services.benchmark.result_store import ResultStore
from services.benchmark.runs import RunLauncher, RunRequestError, TooManyRunsError

TRIGGERS = ("manual", "drift")  # what a RunBenchmarks call may say started it
MAX_RUN_ID_CHARS = 64  # "run-" + 16 hex digits, "import-" + 12: anything longer is no run id


class BenchmarkServicer(benchmark_pb2_grpc.BenchmarkServicer):
    def __init__(
        self,
        store: ResultStore,
        launcher: RunLauncher,
        default_max_age_hours: float,
        clock: Clock | None = None,
        policy: QualityPolicy = DEFAULT_POLICY,
        live: LiveScores | None = None,
    ) -> None:
        self._live = live
        self._policy = policy
        self._store = store
        self._launcher = launcher
        self._default_max_age_hours = default_max_age_hours
        self._clock = clock or SystemClock()

    @staticmethod
    async def _unavailable(context: grpc.aio.ServicerContext, error: PyMongoError) -> None:
        await context.abort(
            grpc.StatusCode.UNAVAILABLE,
            f"result store (MongoDB) unavailable: {type(error).__name__}",
        )

    @staticmethod
    async def _categories(values: list[int], context: grpc.aio.ServicerContext) -> list[Category]:
        try:
            return [category_of(v) for v in values]
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise

    async def GetLatest(
        self, request: benchmark_pb2.GetLatestRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.GetLatestReply:
        wanted = await self._categories(list(request.categories), context) or list(Category)
        max_age = request.max_age_hours
        if not math.isfinite(max_age) or max_age < 0:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"max_age_hours must be a finite number >= 0 (0: the default, "
                f"{self._default_max_age_hours:g}), not {max_age}",
            )
        max_age = max_age or self._default_max_age_hours
        try:
            version = await self._store.version()
            if request.known_version and request.known_version == version:
                return benchmark_pb2.GetLatestReply(version=version, unchanged=True)
            records = await self._store.latest(wanted, max_age)
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        scores = [score_message(r) for r in assess_records(records, self._policy)]
        if request.with_live and self._live is not None:
            await self._live.fill(scores)
        return benchmark_pb2.GetLatestReply(scores=scores, version=version)

    async def ImportResults(
        self, request: benchmark_pb2.ImportResultsRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.ImportResultsReply:
        try:  # everything is checked before anything is written
            records = import_records(request.scores)
            source = import_source(request.source)
        except ValueError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        try:
            run_id = await self._store.import_scores(records, source)
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        return benchmark_pb2.ImportResultsReply(run_id=run_id, imported=len(records))

    async def GetRun(
        self, request: benchmark_pb2.GetRunRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.BenchmarkRun:
        if len(request.run_id) > MAX_RUN_ID_CHARS:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"run_id of {len(request.run_id)} characters is too long "
                f"(a run id has at most {MAX_RUN_ID_CHARS})",
            )
        try:
            run = await self._store.run(request.run_id)
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        if run is None:
            await context.abort(
                grpc.StatusCode.NOT_FOUND, f"no benchmark run {quoted(request.run_id)}"
            )
            raise AssertionError("unreachable")
        return run_message(run, self._clock.time())

    async def RunBenchmarks(
        self, request: benchmark_pb2.RunBenchmarksRequest, context: grpc.aio.ServicerContext
    ) -> benchmark_pb2.RunBenchmarksReply:
        categories = await self._categories(list(request.categories), context)
        try:
            trigger = request.trigger or "manual"
            if trigger not in TRIGGERS:
                allowed = ", ".join(TRIGGERS)
                raise RunRequestError(f"trigger must be one of {allowed}, not {quoted(trigger)}")
            plan = self._launcher.plan(categories, list(request.providers), trigger=trigger)
        except RunRequestError as error:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(error))
            raise
        try:
            run_id = await self._launcher.launch(plan)
        except TooManyRunsError as error:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, str(error))
            raise
        except PyMongoError as error:
            await self._unavailable(context, error)
            raise
        return benchmark_pb2.RunBenchmarksReply(run_id=run_id)
