"""Health service settings: the breaker parameters (``MASTERX_BREAKER_*``) and the sweep pace."""

from __future__ import annotations

from pydantic import Field

from masterx.breaker.config import BreakerSettings


class HealthSettings(BreakerSettings):
    breaker_sweep_seconds: float = Field(0.5, gt=0, le=60)
