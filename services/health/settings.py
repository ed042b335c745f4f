"""Health service settings (``MASTERX_*`` and ``MASTERX_BREAKER_*``)."""

from __future__ import annotations

from pydantic import Field

from masterx.settings import CommonSettings


class HealthSettings(CommonSettings):
    breaker_failure_threshold: int = Field(5, ge=1)
    breaker_success_threshold: int = Field(2, ge=1)
    breaker_timeout_seconds: float = Field(60.0, gt=0)
    breaker_half_open_max_calls: int = Field(3, ge=1)
