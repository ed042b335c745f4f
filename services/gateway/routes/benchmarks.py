"""The latest benchmark scores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from masterx.domain import Category
from masterx.v1 import benchmark_pb2
from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import BenchmarkDep, QueryDeadline
from services.gateway.docs import QUERY_ERRORS, error_responses
from services.gateway.ops_schemas import BenchmarksOut
from services.gateway.ops_translate import benchmarks_out
from services.gateway.schemas import CategoryName

router = APIRouter(prefix="/api/v1", tags=["benchmarks"], dependencies=[ApiKeyRequired])


@router.get(
    "/benchmarks",
    response_model=BenchmarksOut,
    summary="The latest benchmark scores, per category, best first",
    responses=error_responses(*QUERY_ERRORS),
)
async def benchmarks(
    benchmark: BenchmarkDep,
    deadline: QueryDeadline,
    category: Annotated[
        CategoryName | None, Query(description="One category; omit for all six.")
    ] = None,
    max_age_hours: Annotated[
        float | None,
        Query(
            gt=0,
            le=8760,
            allow_inf_nan=False,
            description="Ignore results older than this (default: the service's, 24 h).",
        ),
    ] = None,
) -> BenchmarksOut:
    wanted = [Category(category)] if category else list(Category)
    request = benchmark_pb2.GetLatestRequest(
        categories=[c.to_proto() for c in wanted],
        max_age_hours=max_age_hours or 0.0,
        with_live=True,
    )
    return benchmarks_out(await benchmark.latest(request, deadline.seconds()), wanted)
