"""Benchmark service settings."""

from __future__ import annotations

from pydantic import Field

from masterx.settings import CommonSettings


class BenchmarkSettings(CommonSettings):
    benchmark_max_age_hours: float = Field(
        24.0, gt=0, description="Default age limit of GetLatest."
    )
