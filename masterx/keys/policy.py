"""What an API key may do: budgets, rates, pins and a max_tokens cap, validated field by field.

Every limit is optional (absent: no limit of that kind). Money is held in micro-USD integers
(``usd_to_micros``) wherever it is added up, so that sums are exact. A pin is ``auto``
(always allowed, whatever the list says), ``provider/model`` or ``provider/*``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from masterx.chat.contract import CACHE_SCOPES, CacheScope
from masterx.providers.model_names import MODEL_NAME
from masterx.providers.provider_names import PINNABLE_PROVIDER_NAME
from masterx.quoting import quoted

AUTO = "auto"
MAX_USD = 1_000_000.0  # per budget; a larger number is a typo, not a budget
MAX_RATE = 10_000_000  # requests or tokens per minute
MAX_TOKENS_CAP = 1_000_000
MAX_PINS = 64
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")
# provider/model or provider/*: provider_names.py says why a pinned provider is lower case.
PIN = re.compile(rf"^{PINNABLE_PROVIDER_NAME.pattern}/(\*|{MODEL_NAME.pattern})$")

USD_FIELDS = ("budget_day_usd", "budget_month_usd", "user_budget_day_usd")
RATE_FIELDS = ("rpm", "tpm")
LIMIT_FIELDS = (*USD_FIELDS, *RATE_FIELDS, "max_tokens")
# The key's response cache (README, "Response cache"): off, key (its own answers) or shared.
CACHE_FIELD = "cache"
# Fields that may be absent (a limit of no kind; no cache scope: the gateway's default).
OPTIONAL_FIELDS = (*LIMIT_FIELDS, CACHE_FIELD)


class KeyFieldError(ValueError):
    """A bad value for one field of a key; ``field`` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.problem = message


def usd_to_micros(usd: float) -> int:
    return math.ceil(round(usd * 1_000_000, 6))


@dataclass(frozen=True)
class KeyPolicy:
    name: str
    budget_day_usd: float | None = None
    budget_month_usd: float | None = None
    user_budget_day_usd: float | None = None
    rpm: int | None = None
    tpm: int | None = None
    max_tokens: int | None = None
    models: tuple[str, ...] = (AUTO,)
    cache: CacheScope | None = None  # None: the gateway's MASTERX_CACHE_SCOPE

    def allows(self, provider: str | None, model: str | None) -> bool:
        """May a request name this provider/model? ``None`` for both is ``auto``."""
        if provider is None:
            return True
        return f"{provider}/*" in self.models or f"{provider}/{model}" in self.models

    def updated(self, changes: Mapping[str, Any]) -> KeyPolicy:
        """This policy with ``changes`` applied and validated (None clears a limit)."""
        return policy_from(changes, base=self)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not NAME.match(value):
        raise KeyFieldError(
            "name", "1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter"
        )
    return value


def _usd(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise KeyFieldError(name, "must be a number of US dollars")
    if not 0 <= value <= MAX_USD:
        raise KeyFieldError(name, f"must be between 0 and {MAX_USD:,.0f} USD")
    return float(value)


def _count(name: str, value: Any, ceiling: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise KeyFieldError(name, "must be a whole number")
    if not 1 <= value <= ceiling:
        raise KeyFieldError(name, f"must be between 1 and {ceiling:,}")
    return value


def _models(value: Any) -> tuple[str, ...]:
    if value is None:
        return (AUTO,)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise KeyFieldError("models", "must be a list of 'auto', 'provider/model', 'provider/*'")
    pins = [pin.strip() if isinstance(pin, str) else pin for pin in value]
    if len(pins) > MAX_PINS:
        raise KeyFieldError("models", f"at most {MAX_PINS} entries")
    for pin in pins:
        if pin != AUTO and not (isinstance(pin, str) and PIN.match(pin)):
            raise KeyFieldError(
                "models", f"{quoted(pin)} is not 'auto', 'provider/model' or 'provider/*'"
            )
    return tuple(dict.fromkeys([AUTO, *pins]))


def _cache(value: Any) -> CacheScope | None:
    if value is None:
        return None
    for scope in CACHE_SCOPES:
        if scope == value:
            return scope
    raise KeyFieldError(CACHE_FIELD, f"must be one of {', '.join(CACHE_SCOPES)}")


_KNOWN = {f.name for f in fields(KeyPolicy)}


def policy_from(values: Mapping[str, Any], base: KeyPolicy | None = None) -> KeyPolicy:
    """A validated policy from plain values (HTTP, proto, CLI); the error names the field."""
    unknown = sorted(set(values) - _KNOWN)
    if unknown:
        raise KeyFieldError(unknown[0], "is not a field of a key")
    if base is None and "name" not in values:
        raise KeyFieldError("name", "is required")
    merged: dict[str, Any] = {} if base is None else {f: getattr(base, f) for f in _KNOWN}
    merged.update(values)
    policy = KeyPolicy(
        name=_name(merged["name"]),
        budget_day_usd=_usd("budget_day_usd", merged.get("budget_day_usd")),
        budget_month_usd=_usd("budget_month_usd", merged.get("budget_month_usd")),
        user_budget_day_usd=_usd("user_budget_day_usd", merged.get("user_budget_day_usd")),
        rpm=_count("rpm", merged.get("rpm"), MAX_RATE),
        tpm=_count("tpm", merged.get("tpm"), MAX_RATE),
        max_tokens=_count("max_tokens", merged.get("max_tokens"), MAX_TOKENS_CAP),
        models=_models(merged.get("models")),
        cache=_cache(merged.get(CACHE_FIELD)),
    )
    return policy


@dataclass(frozen=True)
class ApiKey:
    """A stored key: its policy, when it was made and revoked, and its secret's hash."""

    key_id: str
    policy: KeyPolicy
    token_sha256: str
    created_at: datetime
    updated_at: datetime
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
