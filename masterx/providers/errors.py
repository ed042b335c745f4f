"""Classify a failed provider call into a :class:`FailureKind`, without leaking what was sent.

A message built here holds the HTTP status, the provider's short error code (only when it is a
plain identifier such as ``rate_limit_error``) and the exception class of a transport failure:
never a header, an API key, a URL query, the prompt, or the provider's free-text message (which
may quote the prompt).
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
import orjson

from masterx.domain import FailureKind
from masterx.providers.base import ProviderError

_SAFE_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")  # protobuf Duration JSON, e.g. "17s"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return _finite_seconds(float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def _finite_seconds(value: float) -> float | None:
    """A delay a provider gave, if it is a number of seconds at all (``inf``, ``nan``: None).
    The breaker caps it (``BreakerConfig.bounded_retry_after``)."""
    return max(0.0, value) if math.isfinite(value) else None


def retry_after_of(headers: Mapping[str, str], payload: Any = None) -> float | None:
    """Retry-After in seconds from the headers (``retry-after-ms`` first) or, as Gemini sends
    it, from a ``google.rpc.RetryInfo`` detail in the error body. ``headers`` is looked up by
    lower-case name (an aiohttp or httpx header map is case-insensitive)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return _finite_seconds(float(millis) / 1000)
        except ValueError:
            pass
    header = parse_retry_after(headers.get("retry-after"))
    if header is not None:
        return header
    details = _error_object(payload).get("details")
    for detail in details if isinstance(details, list) else []:
        delay = detail.get("retryDelay") if isinstance(detail, dict) else None
        match = _DURATION.match(delay) if isinstance(delay, str) else None
        if match:
            return _finite_seconds(float(match.group(1)))
    return None


def kind_of_status(status: int) -> FailureKind:
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status in (401, 403):
        return FailureKind.AUTH
    if status >= 500:
        return FailureKind.SERVER
    return FailureKind.BAD_REQUEST


def error_code_of(payload: Any) -> str | None:
    """The provider's short error identifier, from any of the three error envelopes:
    OpenAI ``{"error": {"code", "type"}}``, Anthropic ``{"type": "error", "error": {"type"}}``,
    Gemini ``{"error": {"status"}}``. None unless it is a plain identifier."""
    error = _error_object(payload)
    for key in ("code", "type", "status"):
        value = error.get(key)
        if isinstance(value, str) and _SAFE_CODE.match(value):
            return value
    return None


def error_from_response(
    provider: str, status: int, headers: Mapping[str, str], content: bytes
) -> ProviderError:
    """The error for a response with status >= 400, from its status, headers and whole body."""
    payload = _json_or_none(content)
    kind = kind_of_status(status)
    code = error_code_of(payload)
    message = f"HTTP {status}" + (f" ({code})" if code else "")
    return ProviderError(
        provider,
        kind,
        message,
        status=status,
        retry_after_s=retry_after_of(headers, payload)
        if kind is FailureKind.RATE_LIMITED
        else None,
    )


def error_from_transport(provider: str, error: Exception) -> ProviderError:
    """A call that got no usable HTTP answer. aiohttp's connect and read timeouts
    (``ServerTimeoutError``, ``ConnectionTimeoutError``, ``SocketTimeoutError``) and a bare
    ``TimeoutError`` are timeouts; anything else (refused, reset, disconnected, an incomplete or
    unparsable response) is a connection failure. Only the exception class is kept: aiohttp's
    messages can hold the URL."""
    if isinstance(error, aiohttp.ServerTimeoutError | TimeoutError):
        return ProviderError(provider, FailureKind.TIMEOUT, type(error).__name__)
    return ProviderError(provider, FailureKind.CONNECTION, type(error).__name__)


def total_timeout_error(provider: str, seconds: float) -> ProviderError:
    return ProviderError(provider, FailureKind.TIMEOUT, f"no complete answer within {seconds:g}s")


def malformed_error(provider: str, what: str, status: int | None = None) -> ProviderError:
    """The provider answered, but not in its documented format: the provider's fault."""
    return ProviderError(provider, FailureKind.SERVER, f"malformed {what}", status=status)


def _error_object(payload: Any) -> dict[str, Any]:
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        return payload["error"]  # type: ignore[no-any-return]
    return {}


def _json_or_none(content: bytes) -> Any:
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return None
