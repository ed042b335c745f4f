"""The benchmark schedule: a full run every interval, once across all replicas.

Every replica looks every ``check_s`` whether a run is due: due when the newest completed full
run (every category and provider) started ``interval_s`` or more ago, or there is none (so a
fresh deployment runs at start-up). A due replica takes the Redis lease, checks again (another
replica may just have finished), runs while renewing the lease, and releases it. The lease makes
two replicas never run at once; the stored run makes the next one see it is not due.
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

from pymongo.errors import PyMongoError
from redis.exceptions import RedisError

from masterx.logs import log_event
from services.benchmark.clock import Clock
from services.benchmark.lease import RedisLease
from services.benchmark.run_store import RunStore
from services.benchmark.runs import RunLauncher, RunRequestError, TooManyRunsError

logger = logging.getLogger("masterx.benchmark.schedule")


class Tick(StrEnum):
    NOT_DUE = "not_due"
    BUSY = "busy"  # another replica holds the lease
    RAN = "ran"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"  # Redis or MongoDB did not answer


class Scheduler:
    def __init__(
        self,
        runs: RunStore,
        launcher: RunLauncher,
        lease: RedisLease,
        interval_s: float,
        check_s: float,
        clock: Clock,
    ) -> None:
        self._runs = runs
        self._launcher = launcher
        self._lease = lease
        self._interval_s = interval_s
        self._check_s = check_s
        self._clock = clock

    async def due(self) -> bool:
        newest = await self._runs.newest_full_run()
        if newest is None:
            return True
        return self._clock.time() - float(newest["started_at"]) >= self._interval_s

    async def tick(self) -> Tick:
        try:
            if not await self.due():
                return Tick.NOT_DUE
            if not await self._lease.acquire():
                log_event(logger, "benchmark_schedule_busy", holder=await self._lease.holder_now())
                return Tick.BUSY
        except (PyMongoError, RedisError) as error:
            log_event(
                logger,
                "benchmark_schedule_unavailable",
                logging.WARNING,
                error=type(error).__name__,
            )
            return Tick.UNAVAILABLE
        try:
            if not await self.due():
                log_event(logger, "benchmark_schedule_already_done")
                return Tick.NOT_DUE
            plan = self._launcher.plan(trigger="schedule")
            run_id = await self._launcher.launch(plan)
        except (RunRequestError, TooManyRunsError, PyMongoError) as error:
            log_event(
                logger,
                "benchmark_schedule_failed",
                logging.WARNING,
                error=f"{type(error).__name__}: {error}",
            )
            await self._release()
            return Tick.FAILED
        except BaseException:
            await self._release()
            raise
        log_event(logger, "benchmark_schedule_run", run_id=run_id, holder=self._lease.holder)
        scores = await self._lease.hold_while(
            lambda: self._launcher.wait(run_id),
            lambda: self._launcher.cancel(run_id, "the schedule lease was lost"),
        )
        return Tick.RAN if scores is not None else Tick.FAILED

    async def _release(self) -> None:
        try:
            await self._lease.release()
        except RedisError as error:
            log_event(
                logger,
                "benchmark_lease_release_failed",
                logging.WARNING,
                error=type(error).__name__,
            )

    async def run_forever(self) -> None:
        while True:
            try:
                outcome = await self.tick()
                log_event(
                    logger, "benchmark_schedule_checked", logging.DEBUG, outcome=outcome.value
                )
            except asyncio.CancelledError:
                raise
            except Exception as error:  # keep the schedule alive through any single failure
                log_event(
                    logger,
                    "benchmark_schedule_error",
                    logging.ERROR,
                    error=f"{type(error).__name__}: {error}",
                )
            await self._clock.sleep(self._check_s)
