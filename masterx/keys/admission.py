"""The values that cross the spend limiter's interface: ``admit(key, estimate)`` then
``settle(reservation, actual)`` (``services/health/keys/spend.py``).

A request is admitted only if its worst case fits every limit at once; the worst case is then
*held* (reserved) until the call ends, when the hold is released and the real cost charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Limit(StrEnum):
    """Which limit refused a request."""

    REVOKED = "revoked"
    RPM = "rpm"
    TPM = "tpm"
    BUDGET_DAY = "budget_day"
    BUDGET_MONTH = "budget_month"
    USER_BUDGET_DAY = "user_budget_day"

    @property
    def code(self) -> str:
        """The OpenAI error envelope's ``code`` for a refusal by this limit."""
        if self is Limit.REVOKED:
            return "invalid_api_key"
        if self in (Limit.RPM, Limit.TPM):
            return "rate_limit_exceeded"
        return "budget_exceeded"


class Enforcement(StrEnum):
    SHARED = "shared"  # checked and charged in Redis, for every replica at once
    LOCAL = "local"  # Redis unreachable: this replica's share of each limit


@dataclass(frozen=True)
class RequestEstimate:
    """What a request may cost at most: its prompt, its max_tokens, their worst-case price."""

    prompt_tokens: int
    max_tokens: int
    worst_case_usd: float
    user: str | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.max_tokens


@dataclass(frozen=True)
class Reservation:
    """An admitted request's hold on the limits; settle it exactly once when the call ends."""

    reservation_id: str
    key_id: str
    tokens: int
    worst_case_micros: int
    enforcement: Enforcement
    user: str | None = None


@dataclass(frozen=True)
class Admission:
    """The limiter's answer. ``remaining_*`` is None for a limit the key does not have."""

    admitted: bool
    reservation: Reservation | None
    refused_by: Limit | None = None
    retry_after_s: float | None = None  # None with a refusal: the request can never fit
    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    remaining_budget_usd: float | None = None
    enforcement: Enforcement = Enforcement.SHARED


@dataclass(frozen=True)
class ActualUsage:
    """What the call really used; a cancelled call settles with what it used so far."""

    prompt_tokens: int
    completion_tokens: int
    cost_usd: float

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
