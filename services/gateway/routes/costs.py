"""The cost dashboard: usage records totalled by provider, category and day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from masterx.v1 import router_pb2
from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import QueryDeadline, RouterDep
from services.gateway.docs import QUERY_ERRORS, error_responses
from services.gateway.errors import bad_request
from services.gateway.ops_schemas import CostsOut
from services.gateway.ops_translate import costs_out

router = APIRouter(prefix="/api/v1", tags=["costs"], dependencies=[ApiKeyRequired])
EPOCH = datetime(1970, 1, 2, tzinfo=UTC)


def _seconds(value: datetime | None, param: str) -> float:
    if value is None:
        return 0.0
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if aware < EPOCH:
        raise bad_request(f"{param} must be after 1970-01-02", param)
    return aware.timestamp()


@router.get(
    "/costs",
    response_model=CostsOut,
    summary="Costs and requests by provider, category and day, in a time range",
    responses=error_responses(*QUERY_ERRORS),
)
async def costs(
    router_client: RouterDep,
    deadline: QueryDeadline,
    since: Annotated[
        datetime | None,
        Query(
            description="Start (ISO 8601 or unix seconds; UTC when no zone). "
            "Default: 24 hours before until."
        ),
    ] = None,
    until: Annotated[
        datetime | None,
        Query(description="End (ISO 8601 or unix seconds; UTC when no zone). Default: now."),
    ] = None,
) -> CostsOut:
    start, end = _seconds(since, "since"), _seconds(until, "until")
    if start and end and start >= end:
        raise bad_request("since must be before until", "since")
    request = router_pb2.GetCostsRequest(since=start, until=end)
    return costs_out(await router_client.costs(request, deadline.seconds()))
