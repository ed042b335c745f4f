"""Liveness, readiness and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from grpc_health.v1 import health_pb2
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.gateway.deps import RouterDep
from services.gateway.errors import GatewayError

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: the gateway process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the router answers its gRPC health check")
async def readyz(router_client: RouterDep) -> dict[str, str]:
    try:
        reply = await router_client.health.Check(
            health_pb2.HealthCheckRequest(service=""), timeout=1.0
        )
    except Exception as error:
        raise GatewayError(
            503,
            f"router at {router_client.target} unreachable: {type(error).__name__}",
            "service_unavailable_error",
            code="router_unavailable",
        ) from None
    if reply.status != health_pb2.HealthCheckResponse.SERVING:
        raise GatewayError(
            503, "router is not serving", "service_unavailable_error", code="router_not_serving"
        )
    return {"status": "ready", "router": router_client.target}


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
