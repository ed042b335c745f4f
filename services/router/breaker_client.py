"""Ask the health service for call permits and report outcomes to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import grpc

from masterx.domain import BreakerState, FailureKind
from masterx.logs import log_event
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc

logger = logging.getLogger("masterx.router.breakers")


@dataclass(frozen=True)
class Permit:
    admitted: bool
    state: BreakerState
    permit_id: str = ""


class BreakerClient:
    def __init__(self, stub: health_pb2_grpc.ProviderHealthStub, timeout: float = 1.0) -> None:
        self._stub = stub
        self._timeout = timeout

    async def acquire(self, provider: str) -> Permit:
        try:
            reply = await self._stub.Acquire(
                health_pb2.AcquireRequest(provider=provider), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as error:
            # Health unreachable: admit rather than refuse every provider.
            log_event(
                logger,
                "breaker_check_degraded",
                logging.WARNING,
                provider=provider,
                code=error.code().name,
            )
            return Permit(True, BreakerState.CLOSED)
        return Permit(reply.admitted, BreakerState.from_proto(reply.state), reply.permit_id)

    async def report(
        self,
        provider: str,
        permit: Permit,
        latency_ms: float,
        kind: FailureKind | None,
        retry_after_s: float | None = None,
    ) -> None:
        request = health_pb2.ReportRequest(
            provider=provider,
            outcome=health_pb2.OUTCOME_SUCCESS if kind is None else health_pb2.OUTCOME_FAILURE,
            kind=kind.to_proto() if kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
            latency_ms=latency_ms,
            permit_id=permit.permit_id,
            retry_after_s=retry_after_s or 0.0,
        )
        try:
            await self._stub.Report(request, timeout=self._timeout)
        except grpc.aio.AioRpcError as error:
            log_event(
                logger,
                "breaker_report_failed",
                logging.WARNING,
                provider=provider,
                code=error.code().name,
            )
