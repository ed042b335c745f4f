"""The ProviderHealth gRPC servicer: breaker admission, outcome reports, status and its stream."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import grpc
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from masterx.domain import FailureKind
from masterx.logs import log_event
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc
from services.health.breaker_store import CHANGES_CHANNEL, BreakerSnapshot, RedisBreakerStore

logger = logging.getLogger("masterx.health")


def status_message(snapshot: BreakerSnapshot) -> health_pb2.ProviderStatus:
    return health_pb2.ProviderStatus(
        provider=snapshot.provider,
        state=snapshot.state.to_proto(),
        consecutive_failures=snapshot.consecutive_failures,
        consecutive_opens=snapshot.consecutive_opens,
        open_until=snapshot.open_until,
        last_error_kind=(
            snapshot.last_error_kind.to_proto()
            if snapshot.last_error_kind
            else common_pb2.FAILURE_KIND_UNSPECIFIED
        ),
        last_error_at=snapshot.last_error_at,
        half_open_in_flight=snapshot.half_open_in_flight,
        config_problem=snapshot.last_error_kind is FailureKind.AUTH,
        updated_at=snapshot.updated_at,
    )


class ProviderHealthServicer(health_pb2_grpc.ProviderHealthServicer):
    def __init__(self, store: RedisBreakerStore, redis_client: aioredis.Redis) -> None:
        self._store = store
        self._redis = redis_client

    async def _unavailable(self, context: grpc.aio.ServicerContext, error: RedisError) -> None:
        log_event(logger, "redis_unavailable", logging.WARNING, error=type(error).__name__)
        await context.abort(
            grpc.StatusCode.UNAVAILABLE,
            f"breaker store (Redis) unavailable: {type(error).__name__}",
        )

    @staticmethod
    async def _require_provider(provider: str, context: grpc.aio.ServicerContext) -> None:
        if not provider.strip():
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "provider must not be empty")

    async def Acquire(
        self, request: health_pb2.AcquireRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.AcquireReply:
        await self._require_provider(request.provider, context)
        try:
            admission = await self._store.acquire(request.provider)
        except RedisError as error:
            await self._unavailable(context, error)
            raise
        return health_pb2.AcquireReply(
            admitted=admission.admitted,
            state=admission.state.to_proto(),
            retry_after_s=admission.retry_after_s,
        )

    async def Report(
        self, request: health_pb2.ReportRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.ReportReply:
        await self._require_provider(request.provider, context)
        if request.outcome == health_pb2.OUTCOME_UNSPECIFIED:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                "outcome must be OUTCOME_SUCCESS or OUTCOME_FAILURE",
            )
        ok = request.outcome == health_pb2.OUTCOME_SUCCESS
        kind = FailureKind.from_proto(request.kind)
        if not ok and kind is None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "a failure needs its kind")
        try:
            transition = await self._store.report(request.provider, ok, kind)
        except RedisError as error:
            await self._unavailable(context, error)
            raise
        if transition.before != transition.after:
            transition_fields = {
                "provider": request.provider,
                "from": transition.before.value,
                "to": transition.after.value,
                "kind": kind.value if kind else None,
            }
            logger.info("circuit_breaker_event", extra=transition_fields)
        return health_pb2.ReportReply(state=transition.after.to_proto())

    async def GetStatus(
        self, request: health_pb2.GetStatusRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.StatusReply:
        try:
            snapshots = await self._store.snapshots()
        except RedisError as error:
            await self._unavailable(context, error)
            raise
        return health_pb2.StatusReply(providers=[status_message(s) for s in snapshots])

    async def WatchStatus(
        self, request: health_pb2.WatchStatusRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[health_pb2.ProviderStatus]:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(CHANGES_CHANNEL)
            for snapshot in await self._store.snapshots():
                yield status_message(snapshot)
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield status_message(await self._store.snapshot(str(message["data"])))
        except RedisError as error:
            await self._unavailable(context, error)
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
