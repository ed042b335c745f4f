"""Breaker parameters: global defaults from ``MASTERX_BREAKER_*``, per provider from a file.

The configuration file (``MASTERX_BREAKER_CONFIG_FILE``, JSON) overrides any parameter per
provider::

    {"providers": {"groq": {"failure_threshold": 3, "timeout_seconds": 30}}}
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from masterx.settings import CommonSettings

# The most any breaker count (thresholds, HALF_OPEN probes) and time (timeouts, window, permit
# TTL) may be: a breaker open for longer than a day, or one that waits for more failures than
# that, is a typo, and `inf` would keep a provider out for good.
MAX_COUNT = 10_000
MAX_SECONDS = 86_400.0
_COUNTS = ("failure_threshold", "success_threshold", "half_open_max_calls")
_SECONDS = ("timeout_seconds", "window_seconds", "max_timeout_seconds", "permit_ttl_seconds")


@dataclass(frozen=True)
class BreakerConfig:
    failure_threshold: int = 5
    success_threshold: int = 2
    timeout_seconds: float = 60.0
    half_open_max_calls: int = 3
    window_seconds: float = 60.0
    failure_rate: float = 0.5
    max_timeout_seconds: float = 600.0
    # A HALF_OPEN permit never reported (its caller crashed) is released after this long: more
    # than a provider call may take (MASTERX_PROVIDER_TIMEOUT_SECONDS), checked at start-up.
    permit_ttl_seconds: float = 90.0

    def __post_init__(self) -> None:
        problems = []
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(f"{field.name} must be a number, got {value!r}")
            elif not math.isfinite(value):
                problems.append(f"{field.name} must be a finite number, got {value!r}")
        if problems:  # the rules below compare numbers
            raise ValueError("; ".join(problems))
        for name in _COUNTS:
            value = getattr(self, name)
            if value != int(value):
                problems.append(f"{name} must be a whole number, got {value!r}")
            elif not 1 <= value <= MAX_COUNT:
                problems.append(f"{name} must be in 1-{MAX_COUNT}, got {value!r}")
            else:
                object.__setattr__(self, name, int(value))  # 3.0 from JSON is 3
        for name in _SECONDS:
            if not 0 < getattr(self, name) <= MAX_SECONDS:
                problems.append(f"{name} must be more than 0 and at most {MAX_SECONDS:g} (a day)")
        if not 0 < self.failure_rate <= 1:
            problems.append("failure_rate must be in (0, 1]")
        if self.max_timeout_seconds < self.timeout_seconds:
            problems.append("max_timeout_seconds must be at least timeout_seconds")
        if problems:
            raise ValueError("; ".join(problems))

    def bounded_retry_after(self, seconds: float | None) -> float:
        """A provider's Retry-After as the breaker may honour it: 0 when absent, negative or
        not a number, at most ``max_timeout_seconds`` (``inf`` or a day would open it for that
        long: a provider's answer is untrusted input)."""
        if seconds is None or math.isnan(seconds) or seconds <= 0:
            return 0.0
        return min(seconds, self.max_timeout_seconds)

    def open_duration(self, consecutive_opens: int) -> float:
        """Exponential backoff: timeout x 2 per consecutive open, capped."""
        exponent = max(0, consecutive_opens - 1)
        return float(min(self.timeout_seconds * 2.0 ** min(exponent, 30), self.max_timeout_seconds))


class BreakerSettings(CommonSettings):
    breaker_failure_threshold: int = Field(5, ge=1, le=MAX_COUNT)
    breaker_success_threshold: int = Field(2, ge=1, le=MAX_COUNT)
    breaker_timeout_seconds: float = Field(60.0, gt=0, le=MAX_SECONDS)
    breaker_half_open_max_calls: int = Field(3, ge=1, le=MAX_COUNT)
    breaker_window_seconds: float = Field(60.0, gt=0, le=MAX_SECONDS)
    breaker_failure_rate: float = Field(0.5, gt=0, le=1)
    breaker_max_timeout_seconds: float = Field(600.0, gt=0, le=MAX_SECONDS)
    breaker_permit_ttl_seconds: float = Field(90.0, gt=0, le=MAX_SECONDS)
    breaker_config_file: Path | None = None
    # A whole provider call, streams too (the router's limit; a HALF_OPEN permit must outlive it).
    provider_timeout_seconds: float = Field(
        60.0, gt=0, le=3600, description="A whole call, streams too."
    )

    @field_validator("breaker_config_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """MASTERX_BREAKER_CONFIG_FILE= (empty) is unset, as MASTERX_PRICE_TABLE= is (not the
        working directory)."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _permit_outlives_a_call(self) -> BreakerSettings:
        if self.breaker_permit_ttl_seconds <= self.provider_timeout_seconds:
            raise ValueError(
                f"MASTERX_BREAKER_PERMIT_TTL_SECONDS ({self.breaker_permit_ttl_seconds:g}) must "
                f"be more than MASTERX_PROVIDER_TIMEOUT_SECONDS "
                f"({self.provider_timeout_seconds:g}): a HALF_OPEN permit that expires while its "
                "call is still running admits one probe too many"
            )
        return self

    def breaker_defaults(self) -> BreakerConfig:
        return BreakerConfig(
            failure_threshold=self.breaker_failure_threshold,
            success_threshold=self.breaker_success_threshold,
            timeout_seconds=self.breaker_timeout_seconds,
            half_open_max_calls=self.breaker_half_open_max_calls,
            window_seconds=self.breaker_window_seconds,
            failure_rate=self.breaker_failure_rate,
            max_timeout_seconds=max(self.breaker_max_timeout_seconds, self.breaker_timeout_seconds),
            permit_ttl_seconds=self.breaker_permit_ttl_seconds,
        )


class BreakerPolicy:
    """The parameters of each provider's breaker."""

    def __init__(self, defaults: BreakerConfig, overrides: dict[str, BreakerConfig]) -> None:
        self.defaults = defaults
        self._overrides = overrides

    def for_provider(self, provider: str) -> BreakerConfig:
        return self._overrides.get(provider, self.defaults)

    @classmethod
    def from_settings(cls, settings: BreakerSettings) -> BreakerPolicy:
        defaults = settings.breaker_defaults()
        if settings.breaker_config_file is None:
            return cls(defaults, {})
        overrides = load_overrides(settings.breaker_config_file, defaults)
        for provider, config in overrides.items():
            if config.permit_ttl_seconds <= settings.provider_timeout_seconds:
                raise ValueError(
                    f"breaker config {settings.breaker_config_file}: provider {provider!r}: "
                    f"permit_ttl_seconds ({config.permit_ttl_seconds:g}) must be more than "
                    f"MASTERX_PROVIDER_TIMEOUT_SECONDS ({settings.provider_timeout_seconds:g})"
                )
        return cls(defaults, overrides)


def load_overrides(path: Path, defaults: BreakerConfig) -> dict[str, BreakerConfig]:
    """Per-provider overrides from the JSON file; ValueError naming file, provider and field."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"breaker config {path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ValueError(
            f"breaker config {path}: not UTF-8 text (byte {error.start}: {error.reason})"
        ) from None
    except json.JSONDecodeError as error:
        raise ValueError(f"breaker config {path}: invalid JSON: {error}") from None
    providers = document.get("providers", {}) if isinstance(document, dict) else None
    if not isinstance(providers, dict):
        raise ValueError(f'breaker config {path}: expected {{"providers": {{name: {{...}}}}}}')
    unknown = sorted(set(document) - {"providers"})
    if unknown:
        raise ValueError(
            f"breaker config {path}: unknown top-level key {unknown[0]!r}; known: providers"
        )
    known = {f.name: f.type for f in fields(BreakerConfig)}
    overrides = {}
    for provider, values in providers.items():
        if not isinstance(values, dict):
            raise ValueError(f"breaker config {path}: provider {provider!r}: expected an object")
        for name, value in values.items():
            if name not in known:
                raise ValueError(
                    f"breaker config {path}: provider {provider!r}: unknown field "
                    f"{name!r}; known: {', '.join(known)}"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(
                    f"breaker config {path}: provider {provider!r}: field {name!r} "
                    f"must be a number, got {value!r}"
                )
        try:
            overrides[provider] = replace(defaults, **values)
        except ValueError as error:
            raise ValueError(f"breaker config {path}: provider {provider!r}: {error}") from None
    return overrides
