"""``SpendLimits``: the one interface callers use, ``await limits.admit(key, estimate)`` before
a call and ``await limits.settle(reservation, actual)`` when it ends.

Redis (``redis_limiter.py``) enforces every limit for all replicas at once. When Redis cannot
be reached the replica falls back to its share of each limit (``local_limiter.py``), counts each
request admitted that way in ``masterx_keys_unenforced_total{what="admitted_locally"}`` and each
Redis reservation it could not settle in ``{what="settle_lost"}`` (the Redis sweep later charges
such a hold its worst case). A revoked key is refused before either is asked.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from masterx.keys.admission import (
    ActualUsage,
    Admission,
    Enforcement,
    Limit,
    RequestEstimate,
    Reservation,
)
from masterx.keys.policy import ApiKey, usd_to_micros
from masterx.logs import log_event
from services.health.keys.local_limiter import LocalSpendLimiter
from services.health.keys.metrics import KEY_LIMIT_HITS, KEY_SPEND, UNENFORCED
from services.health.keys.redis_limiter import RedisSpendLimiter

logger = logging.getLogger("masterx.health.keys")

# Redis failures, and the OS / timeout errors redis-py lets through on a dead socket.
REDIS_DOWN = (RedisError, OSError, TimeoutError)


class SpendLimits:
    def __init__(self, shared: RedisSpendLimiter, local: LocalSpendLimiter) -> None:
        self._shared = shared
        self._local = local
        self._degraded = False
        self.admitted_locally = 0
        self.settles_lost = 0

    async def admit(self, key: ApiKey, estimate: RequestEstimate) -> Admission:
        if key.revoked:
            answer = Admission(False, None, Limit.REVOKED)
        else:
            answer = await self._admit(key, estimate)
        if answer.refused_by is not None:
            KEY_LIMIT_HITS.labels(key.key_id, answer.refused_by.value).inc()
        return answer

    async def _admit(self, key: ApiKey, estimate: RequestEstimate) -> Admission:
        try:
            answer = await self._shared.admit(key.key_id, key.policy, estimate)
        except REDIS_DOWN as error:
            if not self._degraded:
                log_event(logger, "spend_limits_local", logging.WARNING, error=str(error))
            self._degraded = True
            answer = self._local.admit(key.key_id, key.policy, estimate)
            if answer.admitted:
                self.admitted_locally += 1
                UNENFORCED.labels("admitted_locally").inc()
            return answer
        if self._degraded:
            log_event(logger, "spend_limits_shared", logging.INFO)
            self._degraded = False
            self._local.reset()
        if answer.remaining_budget_usd is not None:
            left = usd_to_micros(answer.remaining_budget_usd)
            for limit in (Limit.BUDGET_DAY, Limit.BUDGET_MONTH):
                self._local.remember_remaining(key.key_id, limit, left)
        return answer

    async def settle(self, reservation: Reservation, actual: ActualUsage) -> bool:
        """Release the hold and charge the actual cost; False if unknown or already settled."""
        if reservation.enforcement is Enforcement.LOCAL:
            settled = self._local.settle(reservation, actual)
        else:
            try:
                settled = await self._shared.settle(reservation, actual)
            except REDIS_DOWN:
                self.settles_lost += 1
                UNENFORCED.labels("settle_lost").inc()
                return False
        if settled:
            KEY_SPEND.labels(reservation.key_id).inc(actual.cost_usd)
        return settled

    @property
    def degraded(self) -> bool:
        """True while the last admission could not reach Redis."""
        return self._degraded
