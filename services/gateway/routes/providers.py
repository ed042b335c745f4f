"""The providers: what the router discovered, and their circuit breakers."""

from __future__ import annotations

from fastapi import APIRouter

from services.gateway.auth import ApiKeyRequired
from services.gateway.deps import HealthDep, QueryDeadline, RouterDep
from services.gateway.docs import QUERY_ERRORS, error_responses
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
    summary="Every provider's circuit breaker, from the health service",
    responses=error_responses(*QUERY_ERRORS),
)
async def provider_health(health: HealthDep, deadline: QueryDeadline) -> ProviderHealthOut:
    return health_out(await health.status(deadline.seconds()))
