"""The router's dry run: which provider would answer, and why."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import QueryDeadline, RouterDep, SettingsDep
from services.gateway.docs import QUERY_ERRORS, error_responses
from services.gateway.limits import check_text
from services.gateway.schemas import RouteIn, RouteOut
from services.gateway.translate import route_request, route_response, routing_headers

router = APIRouter(prefix="/api/v1", tags=["chat"], dependencies=[ApiKeyRequired])


@router.post(
    "/route",
    response_model=RouteOut,
    summary="Explain the routing decision for a message, without sending it",
    description=(
        "The category and emotion detected, the provider and model chosen, the reason, and "
        "the full ranking (the fallback chain). No provider is called."
    ),
    responses=error_responses(*QUERY_ERRORS, 415),
)
async def route(
    body: RouteIn,
    response: Response,
    settings: SettingsDep,
    router_client: RouterDep,
    deadline: QueryDeadline,
) -> RouteOut:
    check_text(body.message, "message", settings.max_message_chars)
    decision = await router_client.route(route_request(body), deadline.seconds())
    response.headers.update(routing_headers(decision))
    return route_response(decision)
