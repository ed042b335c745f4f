"""Admin endpoints (``Authorization: Bearer <MASTERX_ADMIN_TOKEN>``): benchmark runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from masterx.domain import Category
from masterx.v1 import benchmark_pb2
from services.gateway.auth import AdminOnly
from services.gateway.deps import BenchmarkDep, QueryDeadline
from services.gateway.docs import ADMIN_ERRORS, error_responses
from services.gateway.ops_schemas import BenchmarkRunOut, RunBenchmarksIn, RunStartedOut
from services.gateway.ops_translate import run_out
from services.gateway.schemas import NAME_PATTERN

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], dependencies=[AdminOnly])
RUNS_PATH = "/api/v1/admin/benchmark-runs"


@router.post(
    "/run-benchmarks",
    response_model=RunStartedOut,
    status_code=202,
    summary="Start a benchmark run in the background; returns its id at once",
    responses=error_responses(*ADMIN_ERRORS, 415, 429),
)
async def run_benchmarks(
    response: Response,
    benchmark: BenchmarkDep,
    deadline: QueryDeadline,
    body: RunBenchmarksIn | None = None,
) -> RunStartedOut:
    body = body or RunBenchmarksIn()
    request = benchmark_pb2.RunBenchmarksRequest(
        categories=[Category(c).to_proto() for c in body.categories or []],
        providers=body.providers or [],
    )
    reply = await benchmark.start_run(request, deadline.seconds())
    progress_url = f"{RUNS_PATH}/{reply.run_id}"
    response.headers["location"] = progress_url
    return RunStartedOut(run_id=reply.run_id, status="pending", progress_url=progress_url)


@router.get(
    "/benchmark-runs/{run_id}",
    response_model=BenchmarkRunOut,
    summary="A benchmark run's status and progress",
    responses=error_responses(*ADMIN_ERRORS, 404),
)
async def benchmark_run(
    run_id: Annotated[
        str,
        Path(
            min_length=1,
            max_length=128,
            pattern=NAME_PATTERN,
            description="The id POST /api/v1/admin/run-benchmarks returned.",
        ),
    ],
    benchmark: BenchmarkDep,
    deadline: QueryDeadline,
) -> BenchmarkRunOut:
    return run_out(await benchmark.run(run_id, deadline.seconds()))
