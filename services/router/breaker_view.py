"""The router's view of every provider's breaker.

A local snapshot kept fresh by the health service's WatchStatus stream answers "may I call this
provider?" in microseconds; the health service is asked (Acquire) only for a provider that is
HALF_OPEN or whose OPEN timeout has passed. Outcomes are reported to health off the critical path:
a failure, or an outcome that returns a HALF_OPEN permit, is sent at once (with the successes
waiting before it, in order); plain successes wait up to ``report_linger_s`` to travel together in
one ReportBatch call.
When health cannot be reached, the router keeps its last snapshot and decides with its own
in-process breaker (same parameters), fed with every outcome; when health answers again, the
stream's snapshot replaces the local view.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import grpc
from prometheus_client import Counter, Gauge

from masterx.breaker.config import BreakerPolicy
from masterx.breaker.local import LocalBreakers
from masterx.domain import BreakerState, FailureKind
from masterx.logs import log_event
from masterx.v1 import common_pb2, health_pb2, health_pb2_grpc

logger = logging.getLogger("masterx.router.breakers")

DEGRADED = Gauge(
    "masterx_router_breaker_degraded",
    "1 while the router decides with its in-process breaker (health unreachable).",
)
DEGRADATIONS = Counter(
    "masterx_router_breaker_degradations_total",
    "Times the router lost the health service and fell back to its own breaker.",
)
REPORTS_FAILED = Counter(
    "masterx_router_breaker_reports_failed_total",
    "Outcome reports that could not be delivered to the health service.",
)


@dataclass(frozen=True)
class ProviderView:
    state: BreakerState
    open_until: float


@dataclass(frozen=True)
class Permit:
    admitted: bool
    state: BreakerState
    permit_id: str = ""


ADMIT = Permit(True, BreakerState.CLOSED)
REPORT_BATCH = 200  # outcomes in one ReportBatch call at most
RESUBSCRIBE_AFTER_S = 1.0  # a status stream that lived this long is re-subscribed at once


class BreakerView:
    def __init__(
        self,
        stub: health_pb2_grpc.ProviderHealthStub,
        policy: BreakerPolicy,
        clock: Callable[[], float] = time.time,
        rpc_timeout: float = 1.0,
        report_linger_s: float = 0.2,
    ) -> None:
        self._stub = stub
        self._report_linger = report_linger_s
        self._pending: list[health_pb2.ReportRequest] = []
        self._flush_timer: asyncio.TimerHandle | None = None
        self._clock = clock
        self._timeout = rpc_timeout
        self._policy = policy
        self._local = LocalBreakers(policy)
        self._views: dict[str, ProviderView] = {}
        self._degraded = False
        self._synced = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._watcher: asyncio.Task[None] | None = None

    # -- the snapshot --------------------------------------------------------------------
    @property
    def degraded(self) -> bool:
        return self._degraded

    def state(self, provider: str) -> BreakerState:
        """The provider's state as routing sees it (an OPEN whose timeout passed is HALF_OPEN)."""
        now = self._clock()
        if self._degraded:
            return self._local.state(provider, now)
        view = self._views.get(provider)
        if view is None:
            return BreakerState.CLOSED
        if view.state is BreakerState.OPEN and now >= view.open_until:
            return BreakerState.HALF_OPEN
        return view.state

    def open_until(self, provider: str) -> float:
        if self._degraded:
            return self._local.open_until(provider)
        view = self._views.get(provider)
        return view.open_until if view else 0.0

    def apply(self, status: health_pb2.ProviderStatus) -> None:
        state = BreakerState.from_proto(status.state)
        self._views[status.provider] = ProviderView(state, status.open_until)
        self._local.adopt(status.provider, state, status.open_until)

    def _degrade(self, why: str) -> None:
        if not self._degraded:
            self._degraded = True
            DEGRADED.set(1)
            DEGRADATIONS.inc()
            log_event(logger, "breaker_degraded", logging.WARNING, reason=why)

    def _recover(self) -> None:
        if self._degraded:
            self._degraded = False
            DEGRADED.set(0)
            log_event(logger, "breaker_resynced", providers=len(self._views))

    async def _resync(self) -> None:
        """The whole snapshot from health; leaving degraded mode as soon as it answers (after a
        Redis restart the stream's snapshot may be empty, so the stream alone cannot tell)."""
        reply = await self._stub.GetStatus(health_pb2.GetStatusRequest(), timeout=self._timeout)
        for status in reply.providers:
            self.apply(status)
        known = {status.provider for status in reply.providers}
        for provider in [p for p in self._views if p not in known]:
            # Health has forgotten it (a Redis restart): it starts CLOSED there, so here too.
            self.apply(
                health_pb2.ProviderStatus(provider=provider, state=BreakerState.CLOSED.to_proto())
            )
        self._recover()
        self._synced.set()

    async def _watch_forever(self) -> None:
        delay = 0.2
        loop = asyncio.get_running_loop()
        while True:
            followed_since = math.inf
            try:
                stream = self._stub.WatchStatus(health_pb2.WatchStatusRequest())
                try:
                    await self._resync()
                except grpc.aio.AioRpcError:
                    stream.cancel()
                    raise
                followed_since = loop.time()
                async for status in stream:
                    self.apply(status)
                    self._recover()
                    delay = 0.2
                why = "status stream ended"
            except grpc.aio.AioRpcError as error:
                why = f"status stream: {error.code().name}"
            lived = loop.time() - followed_since
            if not self._degraded and lived >= RESUBSCRIBE_AFTER_S:
                # A stream that had lived a while ended: a server closing an aged connection, or
                # a replica going away. Subscribe again at once (a new connection, maybe another
                # replica); health counts as lost only if that fails too.
                continue
            self._degrade(why)
            self._synced.set()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    # -- calls ---------------------------------------------------------------------------
    async def admit(self, provider: str) -> Permit:
        now = self._clock()
        if self._degraded:
            local = self._local.acquire(provider, now)
            return Permit(local.admitted, local.state, local.permit_id)
        view = self._views.get(provider)
        if view is None or view.state is BreakerState.CLOSED:
            return ADMIT
        if view.state is BreakerState.OPEN and now < view.open_until:
            return Permit(False, BreakerState.OPEN)
        try:
            reply = await self._stub.Acquire(
                health_pb2.AcquireRequest(provider=provider), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as error:
            self._degrade(f"acquire: {error.code().name}")
            local = self._local.acquire(provider, now)
            return Permit(local.admitted, local.state, local.permit_id)
        return Permit(reply.admitted, BreakerState.from_proto(reply.state), reply.permit_id)

    def report(
        self,
        provider: str,
        permit: Permit,
        latency_ms: float,
        kind: FailureKind | None,
        retry_after_s: float | None = None,
    ) -> None:
        """Record an outcome locally and send it to health in the background."""
        retry_after_s = self._policy.for_provider(provider).bounded_retry_after(retry_after_s)
        local_permit = permit.permit_id if permit.permit_id.startswith("local:") else ""
        self._local.report(provider, self._clock(), kind, local_permit, retry_after_s or 0.0)
        if local_permit:
            return  # decided by the local breaker: health never issued that permit
        request = health_pb2.ReportRequest(
            provider=provider,
            outcome=health_pb2.OUTCOME_SUCCESS if kind is None else health_pb2.OUTCOME_FAILURE,
            kind=kind.to_proto() if kind else common_pb2.FAILURE_KIND_UNSPECIFIED,
            latency_ms=latency_ms,
            permit_id=permit.permit_id,
            retry_after_s=retry_after_s or 0.0,
        )
        self._pending.append(request)
        failed = kind is not None and kind is not FailureKind.CANCELLED
        urgent = failed or bool(permit.permit_id) or self._report_linger <= 0
        if urgent or len(self._pending) >= REPORT_BATCH:
            self._flush_reports()
        elif self._flush_timer is None:
            loop = asyncio.get_running_loop()
            self._flush_timer = loop.call_later(self._report_linger, self._flush_reports)

    def _flush_reports(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        task = asyncio.create_task(self._send(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, batch: list[health_pb2.ReportRequest]) -> None:
        try:
            await self._stub.ReportBatch(
                health_pb2.ReportBatchRequest(reports=batch), timeout=self._timeout
            )
        except grpc.aio.AioRpcError as error:
            REPORTS_FAILED.inc(len(batch))
            self._degrade(f"report: {error.code().name}")

    # -- life cycle ----------------------------------------------------------------------
    async def start(self, wait_seconds: float = 2.0) -> None:
        """Start following the health service; wait briefly for the first snapshot."""
        self._watcher = asyncio.create_task(self._watch_forever(), name="breaker-watch")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._synced.wait(), wait_seconds)

    async def stop(self) -> None:
        self._flush_reports()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=self._timeout)
