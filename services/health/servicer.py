"""The ProviderHealth gRPC servicer: breaker admission, outcome reports, status and its stream."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator

import grpc
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from masterx.domain import FailureKind
from masterx.logs import log_event
from masterx.providers.provider_names import provider_name_problem
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc
from services.health.breaker_store import (
    CHANGES_CHANNEL,
    BreakerSnapshot,
    Outcome,
    RedisBreakerStore,
    Step,
)
from services.health.metrics import (
    ACQUIRE_LATENCY,
    BREAKER_STATE,
    BREAKER_TRANSITIONS,
    PROVIDER_OUTCOMES,
    REPORT_LATENCY,
    STATE_VALUE,
)

logger = logging.getLogger("masterx.health")

MAX_BATCH = 1000  # reports in one ReportBatch call


def status_message(snapshot: BreakerSnapshot) -> health_pb2.ProviderStatus:
    kind = snapshot.last_error_kind
    return health_pb2.ProviderStatus(
        provider=snapshot.provider,
        state=snapshot.state.to_proto(),
        failures_in_window=snapshot.failures_in_window,
        successes_in_window=snapshot.successes_in_window,
        consecutive_failures=snapshot.consecutive_failures,
        last_error_kind=kind.to_proto() if kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
        last_error_at=snapshot.last_error_at,
        open_until=snapshot.open_until,
        consecutive_opens=snapshot.consecutive_opens,
        latency_ewma_ms=snapshot.latency_ewma_ms,
        half_open_in_flight=snapshot.half_open_in_flight,
        config_problem=snapshot.config_problem,
        updated_at=snapshot.updated_at,
    )


def _outcome_label(outcome: Outcome) -> str:
    """success, failure, or cancelled (the caller gave up: not the provider's failure)."""
    if outcome.ok:
        return "success"
    return "cancelled" if outcome.kind is FailureKind.CANCELLED else "failure"


def record_step(step: Step) -> None:
    """Count and log a transition this replica made (once per transition, across replicas)."""
    if not step.moved:
        return
    BREAKER_TRANSITIONS.labels(step.provider, step.before.value, step.after.value).inc()
    BREAKER_STATE.labels(step.provider).set(STATE_VALUE[step.after])
    fields = {
        "provider": step.provider,
        "from": step.before.value,
        "to": step.after.value,
        "reason": step.reason,
    }
    logger.info("circuit_breaker_event", extra=fields)


class ProviderHealthServicer(health_pb2_grpc.ProviderHealthServicer):
    def __init__(self, store: RedisBreakerStore, redis_client: aioredis.Redis) -> None:
        self._store = store
        self._redis = redis_client

    @staticmethod
    async def _unavailable(context: grpc.aio.ServicerContext, error: RedisError) -> None:
        log_event(logger, "redis_unavailable", logging.WARNING, error=type(error).__name__)
        await context.abort(
            grpc.StatusCode.UNAVAILABLE,
            f"breaker store (Redis) unavailable: {type(error).__name__}",
        )

    @staticmethod
    async def _require_provider(provider: str, context: grpc.aio.ServicerContext) -> None:
        problem = provider_name_problem(provider)
        if problem is not None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)

    async def Acquire(
        self, request: health_pb2.AcquireRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.AcquireReply:
        await self._require_provider(request.provider, context)
        started = time.perf_counter()
        try:
            admission = await self._store.acquire(request.provider)
        except RedisError as error:
            await self._unavailable(context, error)
            raise
        ACQUIRE_LATENCY.observe(time.perf_counter() - started)
        record_step(admission.step)
        return health_pb2.AcquireReply(
            admitted=admission.admitted,
            state=admission.state.to_proto(),
            permit_id=admission.permit_id,
            retry_after_s=admission.retry_after_s,
        )

    @staticmethod
    def _problem(request: health_pb2.ReportRequest) -> str | None:
        """What is wrong with a report, or None."""
        problem = provider_name_problem(request.provider)
        if problem is not None:
            return problem
        if request.outcome not in (health_pb2.OUTCOME_SUCCESS, health_pb2.OUTCOME_FAILURE):
            return f"outcome {request.outcome} is not OUTCOME_SUCCESS or OUTCOME_FAILURE"
        if request.outcome == health_pb2.OUTCOME_FAILURE:
            if request.kind not in common_pb2.FailureKind.values():
                return f"kind {request.kind} is not a known FailureKind"
            if request.kind == common_pb2.FAILURE_KIND_UNSPECIFIED:
                return "a failure needs its kind"
        if not math.isfinite(request.latency_ms) or request.latency_ms < 0:
            return "latency_ms must be a finite number of milliseconds, not negative"
        if request.retry_after_s < 0:  # NaN and inf are ignored and capped (breaker config)
            return "retry_after_s must not be negative"
        return None

    @staticmethod
    def _outcome(request: health_pb2.ReportRequest) -> Outcome:
        ok = request.outcome == health_pb2.OUTCOME_SUCCESS
        return Outcome(
            request.provider,
            ok,
            None if ok else FailureKind.from_proto(request.kind),
            latency_ms=request.latency_ms,
            permit_id=request.permit_id,
            retry_after_s=request.retry_after_s,
        )

    async def _apply(
        self, outcomes: list[Outcome], context: grpc.aio.ServicerContext
    ) -> list[Step]:
        started = time.perf_counter()
        try:
            steps = await self._store.report_many(outcomes)
        except RedisError as error:
            # All or none (one MULTI/EXEC): none was applied, unless Redis applied them all
            # and only its reply was lost.
            await self._unavailable(context, error)
            raise
        REPORT_LATENCY.observe(time.perf_counter() - started)
        for outcome, step in zip(outcomes, steps, strict=True):
            kind = outcome.kind.value if outcome.kind else "none"
            PROVIDER_OUTCOMES.labels(outcome.provider, _outcome_label(outcome), kind).inc()
            record_step(step)
        return steps

    async def Report(
        self, request: health_pb2.ReportRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.ReportReply:
        problem = self._problem(request)
        if problem is not None:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, problem)
        (step,) = await self._apply([self._outcome(request)], context)
        return health_pb2.ReportReply(state=step.after.to_proto())

    async def ReportBatch(
        self, request: health_pb2.ReportBatchRequest, context: grpc.aio.ServicerContext
    ) -> health_pb2.ReportBatchReply:
        if len(request.reports) > MAX_BATCH:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"at most {MAX_BATCH} reports in one batch, got {len(request.reports)}",
            )
        for index, report in enumerate(request.reports):
            problem = self._problem(report)
            if problem is not None:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, f"reports[{index}]: {problem}"
                )
        steps = await self._apply([self._outcome(r) for r in request.reports], context)
        return health_pb2.ReportBatchReply(states=[step.after.to_proto() for step in steps])

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
            try:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            except RedisError:
                pass
