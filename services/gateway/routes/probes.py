"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.gateway.deps import RouterDep
from services.gateway.docs import error_responses
from services.gateway.errors import UNAVAILABLE, GatewayError

router = APIRouter(tags=["operations"])


@router.get(
    "/healthz",
    summary="Liveness: the gateway process is alive",
    responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Readiness: the router answers its gRPC health check",
    responses={
        200: {"content": {"application/json": {"example": {"status": "ready"}}}},
        **error_responses(503),
    },
)
async def readyz(router_client: RouterDep) -> dict[str, str]:
    try:
        serving = await router_client.serving(timeout=1.0)
    except Exception as error:
        raise GatewayError(
            503,
            # No address: a probe's answer is public, the cluster's layout is not.
            f"router unreachable: {type(error).__name__}",
            UNAVAILABLE,
            code="router_unavailable",
            headers={"retry-after": "1"},
        ) from None
    if not serving:
        raise GatewayError(
            503,
            "router is not serving",
            UNAVAILABLE,
            code="router_not_serving",
            headers={"retry-after": "1"},
        )
    return {"status": "ready"}


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/plain": {
                    "schema": {"type": "string"},
                    "example": 'masterx_http_requests_total{route="/healthz",status="200"} 1.0\n',
                }
            }
        }
    },
)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
