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
_MEDIA_TYPE = re.compile(r"[a-z0-9!#$&.+\-^_]{1,64}/[a-z0-9!#$&.+\-^_]{1,64}")  # fullmatch


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
    """The failure an HTTP error status means. 408 (the provider's own request timeout) is a
    timeout and 425 (Too Early: retry later) a server failure: both are the provider's transient
    state, not the request's fault, so unlike the other 4xx they count against it."""
    if status == 429:
        return FailureKind.RATE_LIMITED
    if status in (401, 403):
        return FailureKind.AUTH
    if status == 408:
        return FailureKind.TIMEOUT
    if status == 425 or status >= 500:
        return FailureKind.SERVER
    return FailureKind.BAD_REQUEST


# The error identifiers that say more than "server" where no HTTP status does (an error event in
# a stream under way, an error body under a 200): OpenAI codes and types, Anthropic types,
# Google RPC statuses. Any other identifier is a server failure.
ERROR_CODE_KINDS: Mapping[str, FailureKind] = {
    "rate_limit_error": FailureKind.RATE_LIMITED,
    "rate_limit_exceeded": FailureKind.RATE_LIMITED,
    "RESOURCE_EXHAUSTED": FailureKind.RATE_LIMITED,
    "authentication_error": FailureKind.AUTH,
    "permission_error": FailureKind.AUTH,
    "invalid_api_key": FailureKind.AUTH,
    "UNAUTHENTICATED": FailureKind.AUTH,
    "PERMISSION_DENIED": FailureKind.AUTH,
    "invalid_request_error": FailureKind.BAD_REQUEST,
    "INVALID_ARGUMENT": FailureKind.BAD_REQUEST,
    "DEADLINE_EXCEEDED": FailureKind.TIMEOUT,
}


def kind_of_error_code(code: str | None) -> FailureKind:
    """The failure a provider's error identifier means (:data:`ERROR_CODE_KINDS`), else server."""
    return ERROR_CODE_KINDS.get(code or "", FailureKind.SERVER)


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
    """The error for a response with status >= 400, from its status, headers and whole body.
    A 404 whose body is no JSON object is not an API saying "no such model" (OpenAI,
    Anthropic, Gemini, Ollama and vLLM all answer that in JSON) but a wrong base URL or a
    proxy's page: the provider's (its configuration's) failure, which opens its breaker."""
    payload = _json_or_none(content)
    code = error_code_of(payload)
    message = f"HTTP {status}" + (f" ({code})" if code else "")
    kind = kind_of_status(status)
    if status == 404 and not isinstance(payload, dict):
        kind, message = FailureKind.SERVER, "HTTP 404 with no API answer (is the base URL right?)"
    return _reported(provider, kind, message, status, headers, payload)


def _reported(
    provider: str,
    kind: FailureKind,
    message: str,
    status: int,
    headers: Mapping[str, str],
    payload: Any,
) -> ProviderError:
    """The error a provider reported; a rate limit keeps the wait it asked for."""
    limited = kind is FailureKind.RATE_LIMITED
    return ProviderError(
        provider,
        kind,
        message,
        status=status,
        retry_after_s=retry_after_of(headers, payload) if limited else None,
    )


def error_from_envelope(
    provider: str, status: int, headers: Mapping[str, str], payload: Any
) -> ProviderError | None:
    """The error a body under a status below 400 reports in one of the three error envelopes
    (some proxies answer so), None when it holds none. A numeric ``code`` that is an HTTP error
    status (Gemini's, some proxies') is classified as that status; otherwise the identifier
    (:func:`kind_of_error_code`). Gemini's stream endpoint without ``alt=sse`` wraps it in an
    array of one."""
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    error = _error_object(payload)
    if not error:
        return None
    code = error_code_of(payload)
    number = error.get("code")
    if isinstance(number, int) and not isinstance(number, bool) and 400 <= number <= 599:
        kind, reported = kind_of_status(number), number
    else:
        kind, reported = kind_of_error_code(code), status
    message = f"error body under HTTP {status}" + (f" ({code})" if code else "")
    return _reported(provider, kind, message, reported, headers, payload)


def error_from_stream_body(
    provider: str, status: int, headers: Mapping[str, str], content: bytes
) -> ProviderError:
    """A stream request answered below 400 with a body that is not an event stream: the error
    its envelope reports (:func:`error_from_envelope`), else the provider's fault (server), never
    a connection failure: the connection worked."""
    error = error_from_envelope(provider, status, headers, _json_or_none(content))
    if error is not None:
        return error
    media = media_type_of(headers)
    if media is None:
        shown = "no content type"
    else:  # only a plain type/subtype goes into the message: the header is untrusted
        shown = media if _MEDIA_TYPE.fullmatch(media) else "an unreadable content type"
    return ProviderError(
        provider, FailureKind.SERVER, f"answered a stream request with {shown}", status=status
    )


def media_type_of(headers: Mapping[str, str]) -> str | None:
    """The Content-Type's media type, lower case and without parameters (``text/event-stream``
    for ``text/event-stream; charset=utf-8``); None when there is none."""
    value = headers.get("content-type")
    if not value:
        return None
    return value.partition(";")[0].strip().lower()


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
