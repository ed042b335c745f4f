"""Benchmark service settings (``MASTERX_*`` and ``MASTERX_BENCHMARK_*``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator, model_validator

from masterx.domain import Category
from masterx.scoring import DEFAULT_WEIGHTS, Weights
from masterx.settings import LiveQualitySettings, QualityPolicySettings

SUITES_DIR = Path(__file__).resolve().parent / "suites"


class BenchmarkSettings(QualityPolicySettings, LiveQualitySettings):
    benchmark_max_age_hours: float = Field(
        24.0, gt=0, le=8760, description="Default age limit of GetLatest (a year at most)."
    )
    benchmark_suites_dir: Path = Field(SUITES_DIR, description="One <category>.json per suite.")
    benchmark_interval_hours: float = Field(
        6.0, ge=1, le=12, description="A scheduled run every this many hours."
    )
    benchmark_interval_seconds: float | None = Field(
        None,
        ge=1,
        le=12 * 3600,
        description="For tests only: replaces the interval in hours (1 s to 12 h).",
    )
    benchmark_schedule_enabled: bool = Field(True, description="Off: runs only by hand.")
    benchmark_schedule_check_seconds: float = Field(
        60.0, gt=0, le=3600, description="How often each replica looks whether a run is due."
    )
    benchmark_lease_seconds: float = Field(
        30.0, ge=1, le=600, description="Lease time to live; its holder renews it at a third."
    )
    benchmark_provider_concurrency: int = Field(
        4, ge=1, le=64, description="Tests in flight at once per provider."
    )
    benchmark_test_timeout_seconds: float = Field(
        60.0, gt=0, le=600, description="Per test: the provider's whole answer."
    )
    benchmark_max_tokens: int = Field(
        1024, ge=16, le=1_000_000, description="Answer length limit per test."
    )
    benchmark_excerpt_chars: int = Field(
        600, ge=0, le=20000, description="Answer excerpt kept per test result."
    )
    benchmark_sandbox_cpu_seconds: float = Field(5.0, gt=0, le=120)
    benchmark_sandbox_memory_mb: int = Field(256, ge=64, le=8192)
    benchmark_sandbox_wall_seconds: float = Field(10.0, gt=0, le=300)
    benchmark_sandbox_concurrency: int = Field(
        0, ge=0, le=64, description="Code tests run at once; 0: the number of CPUs."
    )
    benchmark_judge_provider: str = Field(
        "", description="Provider that grades 'judge' checks; empty: judging off."
    )
    benchmark_weights: dict[Category, Weights] = Field(
        default_factory=dict, description="JSON: per-category weight overrides."
    )

    @field_validator("benchmark_weights")
    @classmethod
    def _complete_weights(cls, value: dict[Category, Weights]) -> dict[Category, Weights]:
        return {**DEFAULT_WEIGHTS, **value}

    @model_validator(mode="after")
    def _wall_covers_cpu(self) -> BenchmarkSettings:
        if self.benchmark_sandbox_wall_seconds < self.benchmark_sandbox_cpu_seconds:
            raise ValueError(
                "MASTERX_BENCHMARK_SANDBOX_WALL_SECONDS must be at least "
                "MASTERX_BENCHMARK_SANDBOX_CPU_SECONDS (else the wall-clock limit always ends "
                "a test before its CPU limit)"
            )
        return self

    @property
    def interval_seconds(self) -> float:
        if self.benchmark_interval_seconds is not None:
            return self.benchmark_interval_seconds
        return self.benchmark_interval_hours * 3600
