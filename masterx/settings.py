"""Settings every service shares, read from ``MASTERX_*`` environment variables.

Each service subclasses :class:`CommonSettings` with its own fields and builds it once at
start-up through :func:`load_settings`, which turns a validation error into a clear message
naming each bad variable.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as SourceError

from masterx.grpc_channels import target_problem
from masterx.hosts import host_problem
from masterx.live_quality import FallSettings, LiveSettings
from masterx.logs import LogLevel
from masterx.policy import DEFAULT_POLICY, QualityPolicy
from masterx.ports import HIGHEST_PORT, LOWEST_PORT
from masterx.rating_worth import GradedSettings
from masterx.store_urls import mongodb_database_problem, mongodb_url_problem, redis_url_problem

# Connections each service opens to MongoDB at most (why: ``masterx/stores.py``).
MONGO_MAX_POOL_SIZE = 20

Port = Annotated[int, Field(ge=LOWEST_PORT, le=HIGHEST_PORT)]

ENV_PREFIX = "MASTERX_"

_CHECKS: dict[str, Callable[[str], str | None]] = {
    "bind_host": host_problem,
    "redis_url": redis_url_problem,
    "mongodb_url": mongodb_url_problem,
    "mongodb_database": mongodb_database_problem,
    **dict.fromkeys(("router_target", "health_target", "benchmark_target"), target_problem),
}


class CommonSettings(BaseSettings):
    """Addresses of the stores and of every service, and the process-wide knobs."""

    # allow_inf_nan=False: "inf" is no number of seconds, bytes or anything else a setting holds.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", frozen=True, allow_inf_nan=False
    )

    bind_host: str = Field("127.0.0.1", description="Address the servers listen on.")
    log_level: LogLevel = "INFO"
    redis_url: str = Field("redis://127.0.0.1:6390/0", pattern=r"^(rediss?|unix)://")
    mongodb_url: str = Field("mongodb://127.0.0.1:27027/", pattern=r"^mongodb(\+srv)?://")
    mongodb_database: str = Field("masterx", min_length=1)
    mongodb_max_pool_size: int = Field(
        MONGO_MAX_POOL_SIZE,
        ge=1,
        le=500,
        description="Connections each service opens to MongoDB at most.",
    )
    simulator_url: str = Field("http://127.0.0.1:8090", pattern=r"^https?://")

    gateway_port: Port = 8001
    router_grpc_port: Port = 50051
    health_grpc_port: Port = 50052
    benchmark_grpc_port: Port = 50053
    router_metrics_port: Port = 9101
    health_metrics_port: Port = 9102
    benchmark_metrics_port: Port = 9103

    # host:port of each gRPC service as its clients reach it; default: local, on the port above.
    router_target: str = ""
    health_target: str = ""
    benchmark_target: str = ""

    shutdown_grace_seconds: float = Field(5.0, ge=0, le=120)
    # gRPC servers close a client's connection after this long (calls in flight get up to 60 s
    # more), so clients with dns:/// targets resolve again and find new replicas.
    grpc_max_connection_age_seconds: float = Field(300.0, ge=1, le=86_400)

    @field_validator(*_CHECKS)
    @classmethod
    def _well_formed(cls, value: str, info: ValidationInfo) -> str:
        field = str(info.field_name)
        problem = None if field.endswith("_target") and not value else _CHECKS[field](value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _default_targets(self) -> CommonSettings:
        defaults = {
            "router_target": self.router_grpc_port,
            "health_target": self.health_grpc_port,
            "benchmark_target": self.benchmark_grpc_port,
        }
        for field, port in defaults.items():
            if not getattr(self, field):
                object.__setattr__(self, field, f"127.0.0.1:{port}")
        return self


class QualityPolicySettings(CommonSettings):
    """The quality-first policy's knobs (``masterx/policy.py``), read by the router, which
    routes with them, and the benchmark service, which shows each score's place under them."""

    quality_tolerance: float = Field(
        DEFAULT_POLICY.tolerance_relative,
        ge=0,
        le=1,
        description="Share of the best's assured quality a provider may lie below it.",
    )
    quality_tolerance_points: float = Field(
        DEFAULT_POLICY.tolerance_points, ge=0, le=100, description="Points added to that band."
    )
    quality_confidence: float = Field(
        DEFAULT_POLICY.confidence,
        ge=0,
        le=5,
        description="Standard errors between a score's quality and its assured quality.",
    )
    quality_points_per_decade: float = Field(
        DEFAULT_POLICY.points_per_decade,
        gt=0,
        le=100,
        description="Speed and cost points lost per factor of 10 slower or dearer.",
    )

    @property
    def quality_policy(self) -> QualityPolicy:
        return QualityPolicy(
            tolerance_points=self.quality_tolerance_points,
            tolerance_relative=self.quality_tolerance,
            confidence=self.quality_confidence,
            points_per_decade=self.quality_points_per_decade,
        )


class LiveQualitySettings(CommonSettings):
    """The live quality estimate's knobs (``masterx/live_quality.py``), read by the router,
    which keeps the estimate, and the benchmark service, which shows it beside each score."""

    # The live quality estimate (masterx/live_quality.py, README "Live quality").
    live_half_life_seconds: float = Field(
        900.0,
        gt=0,
        le=7 * 86_400,
        description="Ratings and hard signals lose half their weight in this long.",
    )
    live_half_life_ratings: float = Field(
        1000.0,
        ge=0,
        le=1_000_000,
        description="A pair's ratings and hard signals also lose half their weight with every"
        " this many of its own newer ratings (0: time only).",
    )
    live_rating_weight: float = Field(1.0, gt=0, le=100, description="Answers a rating weighs.")
    live_signal_weight: float = Field(
        0.05, ge=0, le=1, description="Answers' worth of one call's hard signal."
    )
    live_signal_max_weight: float = Field(
        5.0, ge=0, le=1000, description="Most answers' worth all hard signals of a pair weigh."
    )
    live_prior_max_tests: int = Field(
        0, ge=0, le=100_000, description="Cap on the benchmark tests the prior weighs (0: none)."
    )
    live_fall_points: float = Field(
        5.0,
        gt=0,
        lt=100,
        description="The smallest fall of a pair's rated quality (points) worth moving traffic"
        " for: the fall detector tests for a fall of this size from the learners' level (what the"
        " pair's own ratings assure; README, 'Falls').",
    )
    live_fall_threshold: float = Field(
        6.0,
        ge=0,
        le=100,
        description="Evidence (nats, CUSUM over the pair's ratings) that calls it a fall: higher"
        " waits for more ratings and falls by chance less often (0: no fall detector).",
    )
    live_fall_hold_seconds: float = Field(
        60.0,
        gt=0,
        le=86_400,
        description="A fallen pair stays out of the quality band this long, doubled for each"
        " fall in a row; then it is back and watched afresh.",
    )
    live_fall_max_hold_seconds: float = Field(
        3600.0, gt=0, le=7 * 86_400, description="The longest a fall holds a pair out."
    )
    live_fall_min_ratings: float = Field(
        100.0,
        ge=1,
        le=1_000_000,
        description="A pair's fall is measured from its learners' level (what its own ratings"
        " assure: their mean less one standard error) once that rests on this many (decayed)"
        " ratings; before, no fall is called.",
    )
    live_fall_hold_level_ratings: float = Field(
        500.0,
        ge=0,
        le=1_000_000,
        description="Once the learners' level rests on this many (decayed) ratings, it is held"
        " while evidence for a fall accrues (not followed down by a fallen provider's ratings).",
    )
    live_graded_max_worth: float = Field(
        4.0,
        ge=1,
        le=100,
        description="The most answers one 1-5 rating weighs: its worth is measured from how"
        " the 1-5 ratings spread about each pair's mean, at least 1 (1: weigh it as a thumbs"
        " rating; README, 'What a rating weighs').",
    )
    live_graded_min_ratings: float = Field(
        200.0,
        ge=1,
        le=1_000_000,
        description="1-5 ratings (decayed, over every pair) before their spread is trusted;"
        " until then a 1-5 rating weighs one answer.",
    )
    live_refresh_seconds: float = Field(
        1.0, gt=0, le=60, description="How often outcomes are shared through Redis and read."
    )

    @model_validator(mode="after")
    def _hold_within_max(self) -> LiveQualitySettings:
        if self.live_fall_max_hold_seconds < self.live_fall_hold_seconds:
            raise ValueError(
                "MASTERX_LIVE_FALL_MAX_HOLD_SECONDS must be at least MASTERX_LIVE_FALL_HOLD_SECONDS"
            )
        return self

    @property
    def live_settings(self) -> LiveSettings:
        return LiveSettings(
            half_life_s=self.live_half_life_seconds,
            half_life_ratings=self.live_half_life_ratings,
            rating_weight=self.live_rating_weight,
            signal_weight=self.live_signal_weight,
            signal_max_weight=self.live_signal_max_weight,
            prior_max_tests=self.live_prior_max_tests,
            fall=FallSettings(
                points=self.live_fall_points,
                threshold=self.live_fall_threshold,
                hold_s=self.live_fall_hold_seconds,
                max_hold_s=self.live_fall_max_hold_seconds,
                min_ratings=self.live_fall_min_ratings,
                hold_level_ratings=self.live_fall_hold_level_ratings,
            ),
            graded=GradedSettings(
                max_worth=self.live_graded_max_worth, min_ratings=self.live_graded_min_ratings
            ),
        )


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


class SettingsError(SystemExit):
    """Raised at start-up when the environment does not describe a valid configuration."""


# A value is never echoed for a variable whose name holds one of these (MASTERX_API_KEYS,
# MASTERX_ADMIN_TOKEN, MASTERX_PROVIDER_X_API_KEY ...).
_SECRET_NAMES = ("key", "token", "secret", "password", "credential")
# The scheme as typed (right or wrong), then everything up to the last "@": the credentials.
_URL_CREDENTIALS = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*(?::/*|/+))?.*@", re.DOTALL)


def redact_url(url: str) -> str:
    """``url`` with its user and password (``mongodb://user:pass@host``) replaced by ``***``,
    however malformed the URL (a missing ``:``, an unescaped ``@`` in the password)."""
    return _URL_CREDENTIALS.sub(r"\1***@", url, count=1)


def _shown(field: str, given: object) -> str:
    """What the error may say of the value given: never a secret, never a URL's password."""
    if isinstance(given, dict) or any(word in field.lower() for word in _SECRET_NAMES):
        return ""
    if isinstance(given, str) and "@" in given:
        return f" (got {redact_url(given)!r})"
    return f" (got {given!r})"


def describe_validation_error(error: ValidationError, prefix: str = ENV_PREFIX) -> str:
    lines = ["invalid configuration:"]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        if not field:  # a rule over several variables: its message names them
            lines.append(f"  {message}")
            continue
        shown = _shown(field, problem.get("input"))
        lines.append(f"  {prefix}{field.upper()}: {message}{shown}")
    return "\n".join(lines)


def describe_source_error(error: SourceError, prefix: str = ENV_PREFIX) -> str:
    """pydantic-settings' error for a value it could not even parse (JSON of a complex field)."""
    found = re.search(r'field "([^"]+)"', str(error))
    if found is None:
        return f"invalid configuration:\n  {error}"
    variable = f"{prefix}{found[1].upper()}"
    cause = error.__cause__
    reason = f"not valid JSON ({cause})" if isinstance(cause, json.JSONDecodeError) else cause
    shown = _shown(found[1], os.environ.get(variable))
    return f"invalid configuration:\n  {variable}: {reason or error}{shown}"


def load_settings(cls: type[SettingsT]) -> SettingsT:
    """Build the settings once; on bad input exit with a message naming every bad variable."""
    try:
        return cls()
    except ValidationError as error:
        print(describe_validation_error(error), file=sys.stderr)
    except SourceError as error:
        print(describe_source_error(error), file=sys.stderr)
    raise SettingsError(2) from None
