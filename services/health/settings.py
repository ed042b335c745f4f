"""Health service settings: the breaker parameters (``MASTERX_BREAKER_*``), the sweep pace,
and spend control's knobs (``MASTERX_KEYS_*``, see ``services/health/keys/``)."""

from __future__ import annotations

from pydantic import Field

from masterx.breaker.config import BreakerSettings


class HealthSettings(BreakerSettings):
    breaker_sweep_seconds: float = Field(0.5, gt=0, le=60)
    keys_fallback_share: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Share of each key's limits one health replica admits while Redis is down "
        "(1 / the number of health replicas keeps the replicas together within each limit).",
    )
    keys_reservation_ttl_seconds: float = Field(
        900.0,
        ge=60,
        le=86_400,
        description="A reservation not settled by then (a crashed caller) is charged its "
        "worst case; make it longer than the longest call.",
    )
    keys_cache_ttl_seconds: float = Field(
        1.0, ge=0, le=1, description="How long a replica trusts a cached key document."
    )
