"""Spend limits in Redis: one Lua step (``spend.lua``) checks every limit of a key and
charges them together, so every replica shares one exact count.

Keys of API key ``k`` (all under the hash tag ``{k}``, one cluster slot):

- ``masterx:keys:{k}:revoked``: set when the key is revoked; admission refuses at once.
- ``...:req`` / ``...:tok`` + ``...:toksum``: sliding-window logs of the last 60 s, by
  Redis's clock: one entry per admitted request, and its tokens (the estimate, replaced by the
  actual count on settle). Exact: in any 60 s, at most ``rpm`` requests and ``tpm`` tokens.
- ``...:day:<days since epoch>`` / ``...:month:<YYYYMM>`` / ``...:user:<sha256(user)>:day:<d>``:
  hashes of ``spent`` and ``held`` micro-USD (UTC calendar periods).
- ``...:hold:<reservation>`` and the ``...:holds`` set by expiry: each reservation's worst case.
  A reservation not settled within ``reservation_ttl`` (a crashed replica) is charged its worst
  case; a settle that comes later corrects it to the actual cost.

Admission holds the request's worst case against every budget if it fits in what is left
(``budget - spent - held``); settle releases the hold and charges the actual cost. Hence the
budget is exceeded only by the part of a call's actual cost above its own reserved worst case.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import redis.asyncio as aioredis

from masterx.keys.admission import (
    ActualUsage,
    Admission,
    Enforcement,
    Limit,
    RequestEstimate,
    Reservation,
)
from masterx.keys.policy import KeyPolicy, usd_to_micros

_SCRIPT = resources.files("services.health.keys").joinpath("spend.lua").read_text()
DEFAULT_RESERVATION_TTL_S = 900.0
NO_LIMIT = -1


def key_base(key_id: str) -> str:
    return f"masterx:keys:{{{key_id}}}"


def revoked_key(key_id: str) -> str:
    return f"{key_base(key_id)}:revoked"


def user_tag(user: str) -> str:
    """A bounded, safe Redis name part for an untrusted user id."""
    return hashlib.sha256(user.encode()).hexdigest()[:24]


def _micros(usd: float | None) -> int:
    return NO_LIMIT if usd is None else usd_to_micros(usd)


def _optional(value: Any) -> int | None:
    number = int(value)
    return None if number < 0 else number


@dataclass(frozen=True)
class KeyUsage:
    """A key's counters now: requests and tokens in the last 60 s, spend this UTC day and month."""

    requests_last_minute: int
    tokens_last_minute: int
    spent_day_usd: float
    held_day_usd: float
    spent_month_usd: float
    held_month_usd: float


class RedisSpendLimiter:
    """``admit`` / ``settle`` against Redis; raises ``redis.RedisError`` when Redis fails."""

    def __init__(
        self,
        client: aioredis.Redis,
        reservation_ttl_s: float = DEFAULT_RESERVATION_TTL_S,
    ) -> None:
        self._redis = client
        self._script = client.register_script(_SCRIPT)
        self._ttl_ms = int(reservation_ttl_s * 1000)

    async def admit(
        self, key_id: str, policy: KeyPolicy, estimate: RequestEstimate, now_ms: int | None = None
    ) -> Admission:
        reservation_id = uuid.uuid4().hex
        worst = usd_to_micros(estimate.worst_case_usd)
        user_budget = policy.user_budget_day_usd if estimate.user else None
        reply = await self._script(
            keys=[key_base(key_id)],
            args=[
                "admit",
                "" if now_ms is None else now_ms,
                reservation_id,
                estimate.tokens,
                worst,
                user_tag(estimate.user) if estimate.user else "",
                policy.rpm or 0,
                policy.tpm or 0,
                _micros(policy.budget_day_usd),
                _micros(policy.budget_month_usd),
                _micros(user_budget),
                self._ttl_ms,
            ],
        )
        admitted, refused, retry_ms, requests, tokens, budget = reply
        remaining_budget = _optional(budget)
        common: dict[str, Any] = {
            "remaining_requests": _optional(requests),
            "remaining_tokens": _optional(tokens),
            "remaining_budget_usd": None if remaining_budget is None else remaining_budget / 1e6,
        }
        if int(admitted) != 1:
            retry = int(retry_ms)
            return Admission(
                False,
                None,
                refused_by=Limit(refused),
                retry_after_s=None if retry < 0 else retry / 1000,
                **common,
            )
        reservation = Reservation(
            reservation_id, key_id, estimate.tokens, worst, Enforcement.SHARED, estimate.user
        )
        return Admission(True, reservation, **common)

    async def settle(self, reservation: Reservation, actual: ActualUsage) -> bool:
        """Release the hold and charge the actual cost; False if it was settled already."""
        reply = await self._script(
            keys=[key_base(reservation.key_id)],
            args=[
                "settle",
                "",
                reservation.reservation_id,
                actual.tokens,
                usd_to_micros(actual.cost_usd),
            ],
        )
        return int(reply[0]) == 1

    async def revoke(self, key_id: str) -> None:
        await self._redis.set(revoked_key(key_id), "1")

    async def usage(self, key_id: str, now_ms: int | None = None) -> KeyUsage:
        """The counters at ``now_ms`` (default: Redis's clock, like admission)."""
        if now_ms is None:
            seconds, micros = await self._redis.time()
            now_ms = seconds * 1000 + micros // 1000
        day = now_ms // 86_400_000
        month = datetime.fromtimestamp(now_ms / 1000, UTC).strftime("%Y%m")
        base = key_base(key_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zcount(f"{base}:req", now_ms - 60_000, "+inf")
            pipe.zrangebyscore(f"{base}:tok", now_ms - 60_000, "+inf")
            pipe.hmget(f"{base}:day:{day}", ["spent", "held"])
            pipe.hmget(f"{base}:month:{month}", ["spent", "held"])
            requests, tokens, day_spend, month_spend = await pipe.execute()
        return KeyUsage(
            requests_last_minute=int(requests),
            tokens_last_minute=sum(int(entry.rsplit("|", 1)[1]) for entry in tokens),
            spent_day_usd=int(day_spend[0] or 0) / 1e6,
            held_day_usd=int(day_spend[1] or 0) / 1e6,
            spent_month_usd=int(month_spend[0] or 0) / 1e6,
            held_month_usd=int(month_spend[1] or 0) / 1e6,
        )
