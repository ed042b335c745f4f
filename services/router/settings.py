"""Router service settings."""

from __future__ import annotations

from pydantic import Field, field_validator

from masterx.breaker.config import BreakerSettings
from masterx.domain import Category
from masterx.settings import LiveQualitySettings, QualityPolicySettings
from masterx.store_urls import redis_url_problem
from services.router.cache_key import NEVER_CACHED


class RouterSettings(BreakerSettings, QualityPolicySettings, LiveQualitySettings):
    """Router settings; the breaker parameters drive its in-process fallback breaker."""

    provider_connect_timeout_seconds: float = Field(2.0, gt=0, le=3600)
    provider_read_timeout_seconds: float = Field(
        30.0, gt=0, le=3600, description="Longest wait for bytes."
    )
    # Comma-separated provider names tried first when no benchmark scores exist.
    default_provider_order: str = ""
    scores_refresh_seconds: float = Field(10.0, gt=0, le=3600)
    empathy_threshold: float = Field(0.6, gt=0, le=1)
    topic_change_confidence: float = Field(0.55, ge=0, le=1)
    session_idle_seconds: float = Field(1800.0, gt=0, le=365 * 86_400)
    session_cache_size: int = Field(10_000, ge=1, le=1_000_000)
    session_cache_ttl_seconds: float = Field(60.0, ge=0, le=86_400)
    # Conversation memory (POST /api/v1/chat): the most turns (user and assistant) and tokens
    # of history a session keeps; the oldest go first. 0 turns: no history is kept.
    session_history_turns: int = Field(20, ge=0, le=1000)
    session_history_tokens: int = Field(8000, ge=0, le=1_000_000)
    usage_buffer_size: int = Field(10_000, ge=1, le=1_000_000)
    # How long a writer gathers more buffered writes before sending a batch: fewer, larger
    # round trips to MongoDB under load, at the price of records landing this much later.
    store_write_linger_ms: float = Field(100.0, ge=0, le=10_000)
    # On shutdown, after the gRPC grace period: how long the buffered usage and session writes
    # get to reach MongoDB (both at once); what is left is counted as lost. The pod's
    # terminationGracePeriodSeconds must cover preStop + grace + this (tests/deploy checks).
    shutdown_flush_seconds: float = Field(5.0, ge=0, le=60)
    # How long successful outcomes wait to travel to health together (failures go at once).
    health_report_linger_ms: float = Field(200.0, ge=0, le=5_000)
    # Exploration (services/router/exploration.py): share of new topics drawn by Thompson
    # sampling; 0 (the default) turns it off.
    exploration_share: float = Field(0.0, ge=0, le=0.5)
    # Drift alarm (services/router/drift.py): a pair this many points below its benchmark with
    # this much live evidence asks for a benchmark run, at most once per interval (0: never).
    drift_points: float = Field(15.0, gt=0, le=100)
    drift_min_weight: float = Field(20.0, ge=0, le=1_000_000)
    drift_benchmark_interval_seconds: float = Field(3600.0, ge=0, le=7 * 86_400)
    # The response cache (README, "Response cache"): off until categories are listed here.
    cache_categories: str = Field(
        "", description="Comma-separated categories whose answers may be served from the cache."
    )
    cache_redis_url: str = Field(
        "",
        pattern=r"^((rediss?|unix)://.*)?$",
        description="Redis of the response cache; empty: MASTERX_REDIS_URL.",
    )
    cache_ttl_seconds: float = Field(3600.0, gt=0, le=30 * 86_400)
    cache_lookup_timeout_ms: float = Field(
        20.0, gt=0, le=1_000, description="Longest a lookup may take; slower is a miss."
    )

    @field_validator("cache_categories")
    @classmethod
    def _cache_categories(cls, value: str) -> str:
        names = [n.strip().lower() for n in value.split(",") if n.strip()]
        known = [c.value for c in Category if c is not NEVER_CACHED]
        for name in names:
            if name == NEVER_CACHED.value:
                raise ValueError(
                    "empathy is never served from the cache (an answer written for one "
                    f"distressed learner is not reused); remove it. Cacheable: {', '.join(known)}"
                )
            if name not in known:
                raise ValueError(f"unknown category {name!r}; cacheable: {', '.join(known)}")
        return ",".join(dict.fromkeys(names))

    @field_validator("cache_redis_url")
    @classmethod
    def _cache_redis_url(cls, value: str) -> str:
        problem = redis_url_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value

    @property
    def cached_categories(self) -> frozenset[Category]:
        return frozenset(Category(n) for n in self.cache_categories.split(",") if n)

    @property
    def cache_store_url(self) -> str:
        return self.cache_redis_url or self.redis_url

    @field_validator("default_provider_order")
    @classmethod
    def _names(cls, value: str) -> str:
        names = [n.strip() for n in value.split(",") if n.strip()]
        return ",".join(names)

    @property
    def default_order(self) -> list[str]:
        return [n for n in self.default_provider_order.split(",") if n]
