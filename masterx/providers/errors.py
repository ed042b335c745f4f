"""Classify an HTTP failure of a provider call into a :class:`FailureKind`."""

from __future__ import annotations

import email.utils
import time

import httpx

from masterx.domain import FailureKind
from masterx.providers.base import ProviderError


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def kind_of_status(status: int) -> FailureKind:
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status in (401, 403):
        return FailureKind.AUTH
    if status >= 500:
        return FailureKind.SERVER
    return FailureKind.BAD_REQUEST


def error_from_response(provider: str, response: httpx.Response) -> ProviderError:
    kind = kind_of_status(response.status_code)
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    return ProviderError(
        provider, kind, f"HTTP {response.status_code}", status=response.status_code,
        retry_after_s=retry_after,
    )


def error_from_transport(provider: str, error: httpx.TransportError) -> ProviderError:
    if isinstance(error, httpx.TimeoutException):
        return ProviderError(provider, FailureKind.TIMEOUT, type(error).__name__)
    return ProviderError(provider, FailureKind.CONNECTION, type(error).__name__)
