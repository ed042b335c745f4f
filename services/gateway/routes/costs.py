"""The cost dashboard: usage records totalled by provider, category, day, key and user; a
managed key (a tenant) sees its own requests only."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from masterx.v1 import router_pb2
from services.gateway.auth import ApiKeyRequired, current_key_id, current_managed_token
from services.gateway.deps import QueryDeadline, RouterDep
from services.gateway.docs import QUERY_ERRORS, error_responses
from services.gateway.errors import GatewayError, bad_request
from services.gateway.ops_schemas import CostsOut
from services.gateway.ops_translate import costs_out
from services.gateway.schemas import NAME_PATTERN, ErrorResponse

router = APIRouter(prefix="/api/v1", tags=["costs"], dependencies=[ApiKeyRequired])
EPOCH = datetime(1970, 1, 2, tzinfo=UTC)
KEY_PATTERN = r"^[0-9a-f]{12}([0-9a-f]{4})?$"


def _seconds(value: datetime | None, param: str) -> float:
    if value is None:
        return 0.0
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if aware < EPOCH:
        raise bad_request(f"{param} must be after 1970-01-02", param)
    return aware.timestamp()


def _visible_key(asked: str | None) -> str | None:
    """The key whose costs the caller may see: a managed key (a tenant) sees its own only, and
    asking for another's is a 403; a static key or none (the operator) sees them all."""
    own = current_managed_token() and current_key_id()
    if not own:
        return asked
    if asked is not None and asked != own:
        raise GatewayError(
            403,
            "a managed key sees its own costs only",
            "permission_error",
            param="key",
            code="not_own_key",
        )
    return own


@router.get(
    "/costs",
    response_model=CostsOut,
    summary="Costs and requests by provider, category, day, API key and user, in a time range",
    responses={
        **error_responses(*QUERY_ERRORS),
        403: {"model": ErrorResponse, "description": "A managed key asked for another's costs."},
    },
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
    key: Annotated[
        str | None,
        Query(
            pattern=KEY_PATTERN,
            description="Only this API key's requests: a managed key's id (12 hex digits) or "
            "a static key's hash prefix (16).",
        ),
    ] = None,
    user: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=128,
            pattern=NAME_PATTERN,
            description="Only this user's requests (the request's user / user_id).",
        ),
    ] = None,
) -> CostsOut:
    key = _visible_key(key)
    start, end = _seconds(since, "since"), _seconds(until, "until")
    if start and end and start >= end:
        raise bad_request("since must be before until", "since")
    if start and not end and start > time.time():  # until defaults to now
        raise bad_request("since is in the future: it must be before until (now)", "since")
    request = router_pb2.GetCostsRequest(
        since=start, until=end, key_id=key or "", user_id=user or ""
    )
    return costs_out(await router_client.costs(request, deadline.seconds()))
