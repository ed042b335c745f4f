"""The providers: what the router discovered, and their circuit breakers."""

from __future__ import annotations

from fastapi import APIRouter

from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import HealthDep, QueryDeadline, RouterDep
from services.gateway.docs import QUERY_ERRORS, error_responses
from services.gateway.errors import GatewayError
from services.gateway.ops_schemas import ProviderHealthOut, ProvidersOut
from services.gateway.ops_translate import health_out, providers_out

router = APIRouter(prefix="/api/v1", tags=["providers"], dependencies=[ApiKeyRequired])


@router.get(
    "/providers",
    response_model=ProvidersOut,
    summary="The discovered providers: kind, model, simulated or real, breaker state",
    responses=error_responses(*QUERY_ERRORS),
)
async def providers(router_client: RouterDep, deadline: QueryDeadline) -> ProvidersOut:
    return providers_out(await router_client.providers(deadline.seconds()))


@router.get(
    "/provider-health",
    response_model=ProviderHealthOut,
    summary="Every discovered provider's circuit breaker, from the health service",
    responses=error_responses(*QUERY_ERRORS),
)
async def provider_health(
    health: HealthDep, router_client: RouterDep, deadline: QueryDeadline
) -> ProviderHealthOut:
    """The health service knows a provider once an outcome was reported for it; the router
    knows every provider it discovered. Both are listed: a provider with no traffic yet shows
    a closed breaker with ``seen`` false. Without the router, the health service's list."""
    status = await health.status(deadline.seconds())
    try:
        discovered = await router_client.providers(deadline.seconds())
    except GatewayError:
        return health_out(status, None)
    return health_out(status, discovered)
